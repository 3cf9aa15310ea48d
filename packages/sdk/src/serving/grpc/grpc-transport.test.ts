import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { deflateSync, gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../core/logger';
import type { ModelManager, ServingTensor } from '../types';
import { type Client, clients, FakeManager, FakeServable, floats, grpcError } from './grpc-fixtures.test';
import { type GrpcServing, startGrpcServer } from './grpc-server';
import { servingType } from './proto-root';

const PREDICT = '/tensorflow.serving.PredictionService/Predict';
const request = (rows: number[][]) => ({ model_spec: { name: 'half' }, inputs: { x: floats(rows) } });

/** A unary call with metadata and call options (deadline). */
function callWith(c: Client, method: string, req: object, metadata = new grpc.Metadata(), options = {}) {
  // biome-ignore lint/suspicious/noExplicitAny: response messages are plain objects
  return new Promise<any>((resolve, reject) =>
    c[method](req, metadata, options, (e: grpc.ServiceError | null, r: unknown) => (e ? reject(e) : resolve(r))),
  );
}

function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A PredictRequest as bytes on the wire (what any gRPC client sends inside the frame). */
function predictBytes(rows: number[][]): Buffer {
  const PredictRequest = servingType('tensorflow.serving.PredictRequest');
  const x = {
    dtype: 1,
    tensor_shape: { dim: [{ size: rows.length }, { size: rows[0]!.length }] },
    float_val: rows.flat(),
  };
  return Buffer.from(PredictRequest.encode({ model_spec: { name: 'half' }, inputs: { x } }).finish());
}

function frame(message: Buffer, compressed = 0, length = message.length): Buffer {
  const head = Buffer.alloc(5);
  head[0] = compressed;
  head.writeUInt32BE(length, 1);
  return Buffer.concat([head, message]);
}

interface RawAnswer {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a bare node:http2 client; `end: false` leaves the request body open. */
function raw(port: number, headers: http2.OutgoingHttpHeaders, body: Buffer, end = true): Promise<RawAnswer> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  return new Promise<RawAnswer>((resolve, reject) => {
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': PREDICT,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => (head = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('close', () => resolve({ headers: head, trailers, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    if (end) stream.end(body);
    else stream.write(body);
  }).finally(() => session.close());
}

describe('grpc transport on node:http2: auth, deadlines, compression, limits, framing, cancellation', () => {
  const manager = new FakeManager();
  let server: GrpcServing;
  let c: ReturnType<typeof clients>;
  before(async () => {
    server = await startGrpcServer({ manager, host: '127.0.0.1', port: 0, maxMessageBytes: 64 * 1024 });
    c = clients(server.port);
  });
  after(async () => {
    c.close();
    await server.shutdown(1000);
  });

  it('requires the bearer token in call metadata when the server has one', async () => {
    const s = await startGrpcServer({ manager, host: '127.0.0.1', port: 0, authToken: 's3cret' });
    const sc = clients(s.port);
    try {
      for (const md of [new grpc.Metadata(), bearer('wrong'), bearer('s3cret-and-more')]) {
        const e = await grpcError(callWith(sc.prediction, 'Predict', request([[1, 2]]), md));
        assert.equal(e.code, grpc.status.UNAUTHENTICATED);
        assert.match(e.details, /^Missing or wrong bearer token: send metadata authorization: Bearer <token>/);
      }
      const r = await callWith(sc.prediction, 'Predict', request([[1, 2]]), bearer('s3cret'));
      assert.deepEqual(r.outputs.y.float_val, [2, 3]);
      const status = await callWith(sc.model, 'GetModelStatus', { model_spec: { name: 'half' } }, bearer('s3cret'));
      assert.equal(status.model_version_status.length, 2);
    } finally {
      sc.close();
      await s.shutdown(1000);
    }
  });

  it('answers DEADLINE_EXCEEDED when grpc-timeout elapses first, and keeps serving', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = slowManager(() => gate);
    const s = await startGrpcServer({ manager: slow, host: '127.0.0.1', port: 0 });
    const sc = clients(s.port);
    try {
      const started = Date.now();
      // The client gives up at its deadline too; the raw call below proves the server answers it.
      const e = await grpcError(
        callWith(sc.prediction, 'Predict', request([[1, 1]]), undefined, { deadline: started + 150 }),
      );
      assert.equal(e.code, grpc.status.DEADLINE_EXCEEDED);
      const answer = await raw(s.port, { 'grpc-timeout': '100m' }, frame(predictBytes([[1, 1]])));
      assert.deepEqual([answer.headers['grpc-status'], answer.headers['grpc-message']], ['4', 'Deadline Exceeded']);
      release(); // the late results are dropped without a crash
      const r = await callWith(sc.prediction, 'Predict', request([[5, 5]]), undefined, { deadline: Date.now() + 5000 });
      assert.deepEqual(r.outputs.y.float_val, [6, 6]);
    } finally {
      release();
      sc.close();
      await s.shutdown(1000);
    }
  });

  it('survives a client cancelling mid-call; the next call is answered', async () => {
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inModel = new Promise<void>((r) => (entered = r));
    const s = await startGrpcServer({
      manager: slowManager(() => {
        entered();
        return gate;
      }),
      host: '127.0.0.1',
      port: 0,
    });
    const sc = clients(s.port);
    try {
      const cancelled = new Promise<grpc.ServiceError>((resolve) => {
        const call = sc.prediction.Predict(request([[1, 1]]), (e: grpc.ServiceError) => resolve(e));
        void inModel.then(() => call.cancel());
      });
      assert.equal((await cancelled).code, grpc.status.CANCELLED);
      release();
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual((await sc.call(sc.prediction, 'Predict', request([[2, 2]]))).outputs.y.float_val, [3, 3]);
    } finally {
      sc.close();
      await s.shutdown(1000);
    }
  });

  it('keeps serving when clients drop their connection mid-request or mid-answer', async () => {
    for (const cut of ['request', 'answer']) {
      const session = http2.connect(`http://127.0.0.1:${server.port}`);
      session.on('error', () => {});
      const stream = session.request({ ':method': 'POST', ':path': PREDICT, 'content-type': 'application/grpc' });
      stream.on('error', () => {});
      const message = frame(predictBytes([[1, 1]]));
      if (cut === 'request') stream.write(message.subarray(0, 8));
      else stream.end(message);
      await new Promise((r) => setTimeout(r, cut === 'request' ? 20 : 0));
      session.destroy(); // no RST_STREAM, no GOAWAY: the TCP connection just ends
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await c.call(c.prediction, 'Predict', request([[1, 1]]))).outputs.y.float_val, [2, 2]);
  });

  it('shutdown(graceMs) closes calls still running after the grace period and resolves', async () => {
    let entered!: () => void;
    const inModel = new Promise<void>((r) => (entered = r));
    const never = new Promise<void>(() => {});
    const s = await startGrpcServer({
      manager: slowManager(() => {
        entered();
        return never;
      }),
      host: '127.0.0.1',
      port: 0,
    });
    const sc = clients(s.port);
    try {
      const stuck = grpcError(sc.call(sc.prediction, 'Predict', request([[1, 1]])));
      await inModel;
      const started = Date.now();
      await s.shutdown(200);
      const waited = Date.now() - started;
      assert.ok(waited >= 150 && waited < 2000, `shutdown took ${waited} ms`);
      assert.ok([grpc.status.UNAVAILABLE, grpc.status.INTERNAL].includes((await stuck).code), 'the stuck call ends');
    } finally {
      sc.close();
    }
  });

  it('decompresses a gzip request from grpc-js (grpc.default_compression_algorithm)', async () => {
    const flags: number[] = [];
    const encodings: unknown[] = [];
    const spy = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      encodings.push(headers['grpc-encoding']);
      stream.once('data', (d: Buffer) => flags.push(d[0]!));
    };
    server.server.on('stream', spy);
    const creds = grpc.credentials.createInsecure();
    const zipped = clients(server.port);
    const Ctor = zipped.prediction.constructor as new (a: string, c: grpc.ChannelCredentials, o: object) => Client;
    const client = new Ctor(`127.0.0.1:${server.port}`, creds, { 'grpc.default_compression_algorithm': 2 });
    try {
      const big = Array.from({ length: 2000 }, () => [0.5, 0.25]); // compressible, over grpc-js' tiny-message cutoff
      const r = await zipped.call(client, 'Predict', request(big));
      assert.deepEqual(r.outputs.y.float_val.slice(0, 4), [1.5, 1.25, 1.5, 1.25]);
      assert.deepEqual([encodings.at(-1), flags.at(-1)], ['gzip', 1]);
    } finally {
      client.close();
      zipped.close();
      server.server.off('stream', spy);
    }
  });

  it('decompresses gzip and deflate frames; refuses other encodings with grpc-accept-encoding', async () => {
    const gz = await raw(server.port, { 'grpc-encoding': 'gzip' }, frame(gzipSync(predictBytes([[1, 2]])), 1));
    assert.equal(gz.trailers['grpc-status'], '0');
    const y = servingType('tensorflow.serving.PredictResponse').decode(gz.body.subarray(5)).toJSON();
    assert.deepEqual(y.outputs.y.floatVal ?? y.outputs.y.float_val, [2, 3]);
    const deflated = await raw(
      server.port,
      { 'grpc-encoding': 'deflate' },
      frame(deflateSync(predictBytes([[3, 4]])), 1),
    );
    const z = servingType('tensorflow.serving.PredictResponse').decode(deflated.body.subarray(5)).toJSON();
    assert.deepEqual(z.outputs.y.floatVal ?? z.outputs.y.float_val, [4, 5]);
    const snappy = await raw(server.port, { 'grpc-encoding': 'snappy' }, frame(predictBytes([[1, 2]]), 1));
    assert.deepEqual(
      [snappy.headers['grpc-status'], snappy.headers['grpc-accept-encoding']],
      ['12', 'identity,deflate,gzip'],
    );
  });

  it('refuses messages over the receive limit with RESOURCE_EXHAUSTED before reading them, and keeps serving', async () => {
    const rows = Array.from({ length: 10_000 }, () => [1, 1]); // ~80 KB as float_val, limit 64 KiB
    const e = await grpcError(c.call(c.prediction, 'Predict', request(rows)));
    assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(e.details, /^Received message larger than max \(\d+ vs\. 65536\)$/);
    // A frame that announces 1 GiB is refused from its header; the body never comes.
    const huge = await raw(server.port, {}, frame(Buffer.alloc(0), 0, 2 ** 30), false);
    assert.deepEqual([huge.headers[':status'], huge.headers['grpc-status']], [200, '8']);
    assert.deepEqual((await c.call(c.prediction, 'Predict', request([[1, 1]]))).outputs.y.float_val, [2, 2]);
  });

  it('answers unknown methods UNIMPLEMENTED, and zero or two messages in a unary call', async () => {
    const generic = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    try {
      const e = await grpcError(
        new Promise((resolve, reject) =>
          generic.makeUnaryRequest(
            '/tensorflow.serving.PredictionService/Nope',
            (b: Buffer) => b,
            (b: Buffer) => b,
            Buffer.alloc(0),
            (err, r) => (err ? reject(err) : resolve(r)),
          ),
        ),
      );
      assert.deepEqual(
        [e.code, e.details],
        [grpc.status.UNIMPLEMENTED, 'Method not found: /tensorflow.serving.PredictionService/Nope'],
      );
    } finally {
      generic.close();
    }
    const none = await raw(server.port, {}, Buffer.alloc(0));
    assert.equal(none.headers['grpc-status'], '12');
    const message = frame(predictBytes([[1, 1]]));
    const two = await raw(server.port, {}, Buffer.concat([message, message]));
    assert.deepEqual(
      [two.headers['grpc-status'], two.headers['grpc-message']],
      ['12', 'More than one message received: a unary call sends exactly one message'],
    );
  });

  it('answers HTTP 415 to a request that is not application/grpc', async () => {
    const r = await raw(server.port, { 'content-type': 'application/json' }, Buffer.from('{}'));
    assert.equal(r.headers[':status'], 415);
    assert.equal(r.headers['grpc-status'], undefined);
  });

  it('percent-encodes non-ASCII grpc-message text (clients decode it back)', async () => {
    const e = await grpcError(
      c.call(c.prediction, 'Predict', { ...request([[1, 1]]), model_spec: { name: 'modèle 100% ✓' } }),
    );
    assert.deepEqual(
      [e.code, e.details],
      [grpc.status.NOT_FOUND, 'Servable not found for request: Latest(modèle 100% ✓)'],
    );
  });

  it('applies the channel arguments that mean something on node:http2 and warns about the rest', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    const s = await startGrpcServer({
      manager,
      host: '127.0.0.1',
      port: 0,
      logger,
      channelOptions: { 'grpc.max_receive_message_length': 200, 'grpc.keepalive_time_ms': 1000 },
    });
    const sc = clients(s.port);
    try {
      assert.deepEqual(warnings.length, 1);
      assert.match(warnings[0]!, /grpc\.keepalive_time_ms=1000 is ignored/);
      assert.equal(
        (await grpcError(sc.call(sc.prediction, 'Predict', request(Array.from({ length: 50 }, () => [1, 1]))))).code,
        grpc.status.RESOURCE_EXHAUSTED,
      );
      assert.deepEqual((await sc.call(sc.prediction, 'Predict', request([[1, 1]]))).outputs.y.float_val, [2, 2]);
    } finally {
      sc.close();
      await s.shutdown(1000);
    }
    await assert.rejects(
      startGrpcServer({ manager, port: 0, channelOptions: { 'grpc.max_concurrent_streams': 0 } }),
      /grpc\.max_concurrent_streams/,
    );
  });
});

/** Serves `half` whose predict first awaits `wait()`. */
function slowManager(wait: () => Promise<void>): ModelManager {
  const fast = new FakeServable();
  const servable = Object.assign(new FakeServable(), {
    predict: async (sig: string, inputs: Record<string, ServingTensor>) => {
      await wait();
      return fast.predict(sig, inputs);
    },
  });
  return { modelNames: () => ['half'], status: () => [], acquire: () => ({ version: 1, release: () => {}, servable }) };
}
