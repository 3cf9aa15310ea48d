/**
 * Worker of bench/serving/run.js, one process per setup so the load generator never shares a
 * thread with the server:
 *
 *   write <dir>                       writes the MLP 784-256-10 and the CNN as SavedModels
 *   serve <dir> <model> <on|off>      starts the model server (REST + gRPC, Prometheus on), batching
 *                                     on or off, and prints {"rest","grpc","inputKey"} as one line
 *   raw <dir> <model> <rows> <secs> <runs>
 *                                     calls the model's session inline in a loop (no server, no
 *                                     thread hand-off: the fastest in-process call), `runs` times, and
 *                                     prints {"runs": [...]} (per run: calls/s, rows/s, p50, p99,
 *                                     CPU µs per call)
 *   floor <dir> <model>               the transport floor: a bare raw-socket HTTP/1.1 responder (the
 *                                     REST front's transport), a bare node:http server and a bare
 *                                     node:http2 gRPC responder that read the request (not parse it)
 *                                     and answer the model's real response to the bench row;
 *                                     prints {"rest","restRaw","grpc"}
 */
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, writeSavedModel } from '@tfscale/sdk';
import type { ServingTensor } from '../../packages/sdk/src/serving';

const serving: typeof import('../../packages/sdk/src/serving') = require(
  path.resolve(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'serving'),
);
const modelServer: typeof import('../../packages/sdk/src/serving/model-server') = require(
  path.resolve(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'serving', 'model-server'),
);

/** Row shape of each model's input. */
export const ROW_SHAPE: Record<string, number[]> = { mlp: [784], cnn: [28, 28, 1] };
/** Filters of the CNN's first conv (then 2x, 4x): sized so one row takes over 1 ms on 2 cores. */
const CNN_FILTERS = Number(process.env.BENCH_CNN_FILTERS ?? 64);

async function write(dir: string): Promise<void> {
  const tf = loadTf();
  const L = tf.layers;
  const mlp = tf.sequential({
    layers: [
      L.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const f = CNN_FILTERS;
  const cnn = tf.sequential({
    layers: [
      L.conv2d({ inputShape: [28, 28, 1], filters: f, kernelSize: 3, activation: 'relu' }),
      L.conv2d({ filters: 2 * f, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 4 * f, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 128, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  for (const [name, model] of [
    ['mlp', mlp],
    ['cnn', cnn],
  ] as const) {
    await writeSavedModel(model, path.join(dir, name, '1'), { overwrite: true });
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function untilStdinEnds(stop: () => Promise<void>): void {
  const done = () => void stop().then(() => process.exit(0));
  process.once('SIGTERM', done);
  process.stdin.once('end', done).resume();
}

async function serve(dir: string, model: string, batching: boolean): Promise<void> {
  const [rest, grpc] = [await freePort(), await freePort()];
  const server = await modelServer.startModelServer({
    config: serving.singleModelConfig(model, path.join(dir, model)),
    runtimes: [new serving.SavedModelRuntime()],
    fileSystemPollWaitSeconds: 0,
    host: '127.0.0.1',
    restApiPort: rest,
    grpcPort: grpc,
    restApiTimeoutMs: 0,
    monitoring: { prometheus: { enable: true, path: serving.PROMETHEUS_PATH } },
    // TF Serving's CPU advice: no timeout, one batch thread per core (batches run off the JS
    // thread, so they overlap with request parsing and with each other), a large max batch.
    ...(batching
      ? {
          batching: {
            maxBatchSize: 64,
            batchTimeoutMicros: 0,
            numBatchThreads: os.availableParallelism(),
            maxEnqueuedBatches: 100,
          },
        }
      : {}),
  });
  const { servable, release } = server.manager.acquire(model, {});
  const inputKey = servable.signatures.serving_default!.inputs[0]!.key;
  release();
  process.stdout.write(`${JSON.stringify({ rest, grpc, inputKey })}\n`);
  untilStdinEnds(() => server.close());
}

function benchRow(model: string, rows: number): ServingTensor {
  const shape = [rows, ...ROW_SHAPE[model]!];
  const n = shape.reduce((a, b) => a * b, 1);
  const per = n / rows;
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, (_, i) => ((i % per) % 255) / 255) };
}

async function raw(dir: string, model: string, rows: number, seconds: number, runs: number): Promise<void> {
  const versionDir = path.join(dir, model, '1');
  const servable = await new serving.SavedModelRuntime().load(versionDir);
  const spec = servable.signatures.serving_default!;
  await servable.dispose();
  // The fastest in-process call: the session itself, inline (no hand-off to another thread).
  const session = await serving.NativeSession.open(versionDir, ['serve']);
  const feeds = [{ name: spec.inputs[0]!.name, tensor: benchRow(model, rows) }];
  const fetches = spec.outputs.map((o) => ({ name: o.name, key: o.key }));
  const call = () => session.run(feeds, fetches, 'inline');
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) await call();
  const out = [];
  for (let run = 0; run < runs; run++) {
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const end = start + seconds * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      await call();
      latencies.push(performance.now() - t);
    }
    const wall = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    out.push({
      // All threads of this process (TensorFlow's pools included), as /proc counts the server's.
      cpuUsPerCall: (cpu.user + cpu.system) / latencies.length,
      calls: latencies.length,
      callsPerSec: latencies.length / wall,
      rowsPerSec: (latencies.length * rows) / wall,
      p50Ms: q(0.5),
      p99Ms: q(0.99),
    });
  }
  process.stdout.write(`${JSON.stringify({ runs: out })}\n`);
  session.close();
}

/** Bare servers answering the model's real reply to the bench row, so bytes on the wire match. */
async function floor(dir: string, model: string): Promise<void> {
  const servable = await new serving.SavedModelRuntime().load(path.join(dir, model, '1'));
  const spec = servable.signatures.serving_default!;
  const outputs = await servable.predict('serving_default', { [spec.inputs[0]!.key]: benchRow(model, 1) });
  await servable.dispose();
  const restBody = Buffer.from(serving.makeJsonFromTensors(outputs, 'row'));
  const http = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': restBody.length });
      res.end(restBody);
    });
  });
  const rest = await freePort();
  await new Promise<void>((resolve) => http.listen(rest, '127.0.0.1', resolve));
  // The model server's REST transport (its front reads requests off the socket): head, then
  // Content-Length bytes of body, then one write of the canned answer.
  const answer = Buffer.concat([
    Buffer.from(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${restBody.length}\r\nConnection: keep-alive\r\n\r\n`,
      'latin1',
    ),
    restBody,
  ]);
  const raw = net.createServer({ noDelay: true }, (socket) => {
    let pending: Buffer = Buffer.alloc(0);
    let need = -1;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (need < 0) {
          const end = pending.indexOf('\r\n\r\n');
          if (end < 0) return;
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(pending.toString('latin1', 0, end));
          need = end + 4 + Number(length?.[1] ?? 0);
        }
        if (pending.length < need) return;
        pending = pending.subarray(need);
        need = -1;
        socket.write(answer);
      }
    });
  });
  const restRaw = await freePort();
  await new Promise<void>((resolve) => raw.listen(restRaw, '127.0.0.1', resolve));

  const service = serving.servingRoot().lookupService('tensorflow.serving.PredictionService');
  const method = service.methods.Predict!;
  method.resolve();
  const reply = method
    .resolvedResponseType!.encode({
      outputs: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, serving.encodeTensorProto(t)])),
      model_spec: { name: model, version: { value: 1 }, signature_name: 'serving_default' },
    })
    .finish();
  const replyFrame = Buffer.alloc(5 + reply.length);
  replyFrame.writeUInt32BE(reply.length, 1);
  replyFrame.set(reply, 5);
  // gRPC's minimum on node:http2 (the model server's transport): read the frame, answer it canned.
  const h2 = createHttp2Server();
  h2.on('sessionError', () => undefined);
  h2.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      // h2load ends a timed run by closing the connection with calls still open.
      if (stream.destroyed || stream.closed) return;
      try {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.once('wantTrailers', () => {
          if (!stream.destroyed) stream.sendTrailers({ 'grpc-status': '0' });
        });
        stream.end(replyFrame);
      } catch {
        stream.destroy();
      }
    });
    stream.on('error', () => undefined);
  });
  const grpc = await freePort();
  await new Promise<void>((resolve) => h2.listen(grpc, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ rest, restRaw, grpc })}\n`);
  untilStdinEnds(async () => {
    h2.close();
    raw.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
}

const [mode, dir, model, a, b, c] = process.argv.slice(2);
const main =
  mode === 'write'
    ? write(dir!)
    : mode === 'serve'
      ? serve(dir!, model!, a === 'on')
      : mode === 'raw'
        ? raw(dir!, model!, Number(a), Number(b), Number(c ?? 1))
        : mode === 'floor'
          ? floor(dir!, model!)
          : Promise.reject(new Error(`unknown mode ${mode}`));
main.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
if (mode === 'write') main.then(() => fs.writeSync(1, '{"written":true}\n'));
