/*
 * Load generators of the serving bench, each keeping `concurrency` requests in flight for a fixed
 * time and returning { requests, seconds, rps, p50Ms, p99Ms, latencies }:
 *
 *   restLoad   autocannon (HTTP/1.1 keep-alive, one connection per concurrent request), the JSON
 *              body `{"instances": [row]}`; latencies from its per-response event (fractional ms:
 *              its own histogram keeps whole milliseconds only)
 *   grpcLoad   a bare node:http2 client on one connection (as a gRPC channel): the PredictRequest is
 *              encoded once and sent as a gRPC frame; each answer must carry grpc-status 0, and the
 *              first one is decoded and checked. grpc-js' own client costs 2-3x more CPU per call,
 *              which on a 2-core machine comes straight out of the server's share
 *   grpcJsLoad the grpc-js client (what most Node users run), for one reference row
 *
 * The caller measures CPU time around them (this process: the load generator).
 */

const http2 = require('node:http2');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.resolve(__dirname, '..', '..');
const serving = require(path.join(ROOT, 'packages', 'sdk', 'dist', 'serving'));

/** The bench row (identical to bench/serving/server.ts' benchRow for one row). */
function row(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => (i % 255) / 255);
}

function nested(flat, shape) {
  if (shape.length === 1) return Array.from(flat);
  const step = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nested(flat.subarray(i * step, (i + 1) * step), shape.slice(1)));
}

function stats(latencies, seconds) {
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50Ms: q(0.5), p99Ms: q(0.99) };
}

/** REST body for a model whose row has `shape` (what TF Serving's REST clients send). */
function restBody(shape) {
  return JSON.stringify({ instances: [nested(row(shape), shape)] });
}

async function restLoad({ port, model, shape, concurrency, seconds }) {
  const latencies = [];
  const started = performance.now();
  const instance = autocannon({
    url: `http://127.0.0.1:${port}/v1/models/${model}:predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: restBody(shape),
    connections: concurrency,
    duration: seconds,
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status === 200) latencies.push(ms);
  });
  const result = await instance;
  const wall = (performance.now() - started) / 1000;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(`REST: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return stats(latencies, Math.min(wall, seconds));
}

/** The gRPC frame (1 byte flags, 4 bytes length, message) of a PredictRequest for the bench row. */
function predictFrame(model, inputKey, shape) {
  const PredictRequest = serving.servingType('tensorflow.serving.PredictRequest');
  const x = row(shape);
  const message = PredictRequest.encode({
    model_spec: { name: model },
    inputs: {
      [inputKey]: {
        dtype: 1, // DT_FLOAT, as tf.make_tensor_proto sends a float32 array
        tensor_shape: { dim: [1, ...shape].map((size) => ({ size })) },
        tensor_content: Buffer.from(x.buffer),
      },
    },
  }).finish();
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** Checks a Predict answer: one gRPC frame holding a PredictResponse with outputs. */
function checkPredictResponse(body) {
  const length = body.readUInt32BE(1);
  if (body[0] !== 0 || body.length !== 5 + length) throw new Error('gRPC: malformed response frame');
  const response = serving.servingType('tensorflow.serving.PredictResponse').decode(body.subarray(5));
  if (Object.keys(response.outputs ?? {}).length === 0) throw new Error('gRPC: a PredictResponse without outputs');
}

async function grpcLoad({ port, model, inputKey, shape, concurrency, seconds }) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  await new Promise((resolve, reject) => session.once('connect', resolve).once('error', reject));
  const frame = predictFrame(model, inputKey, shape);
  const headers = {
    ':method': 'POST',
    ':path': '/tensorflow.serving.PredictionService/Predict',
    'content-type': 'application/grpc',
    te: 'trailers',
  };
  let checked = false;
  const call = () =>
    new Promise((resolve, reject) => {
      const stream = session.request(headers);
      const chunks = [];
      let status;
      stream.on('data', (d) => chunks.push(d));
      stream.on('trailers', (t) => {
        status = t['grpc-status'];
        if (status !== '0') reject(new Error(`gRPC status ${status}: ${t['grpc-message']}`));
      });
      stream.on('end', () => {
        if (status !== '0') return reject(new Error(`gRPC: no status 0 (got ${status})`));
        if (!checked) {
          checked = true;
          checkPredictResponse(Buffer.concat(chunks));
        }
        resolve();
      });
      stream.on('error', reject);
      stream.end(frame);
    });
  try {
    return await closedLoop(call, concurrency, seconds);
  } finally {
    session.close();
  }
}

/** `concurrency` loops, each sending the next call when its last one is answered. */
async function closedLoop(call, concurrency, seconds) {
  const latencies = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await call();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return stats(latencies, (performance.now() - start) / 1000);
}

/** A grpc-js PredictionService client (call `.close()`). */
function grpcJsClient(port) {
  const grpc = require('@grpc/grpc-js');
  const protoLoader = require('@grpc/proto-loader');
  const def = protoLoader.loadSync([...serving.SERVING_PROTO_FILES], {
    includeDirs: [serving.servingProtosDir()],
    keepCase: true,
  });
  const pkg = grpc.loadPackageDefinition(def);
  return new pkg.tensorflow.serving.PredictionService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

async function grpcJsLoad({ port, model, inputKey, shape, concurrency, seconds }) {
  const client = grpcJsClient(port);
  const request = {
    model_spec: { name: model },
    inputs: {
      [inputKey]: {
        dtype: 'DT_FLOAT',
        tensor_shape: { dim: [1, ...shape].map((size) => ({ size })) },
        tensor_content: Buffer.from(row(shape).buffer),
      },
    },
  };
  const call = () => new Promise((resolve, reject) => client.Predict(request, (e) => (e ? reject(e) : resolve())));
  try {
    return await closedLoop(call, concurrency, seconds);
  } finally {
    client.close();
  }
}

module.exports = { restLoad, grpcLoad, grpcJsLoad, restBody, predictFrame };
