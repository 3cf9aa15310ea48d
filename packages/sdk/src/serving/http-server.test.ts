import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { ModelHttpServer, type ModelHttpServerOptions } from './http-server';
import type { PredictCall, PredictOutputs, RequestEvent } from './predict-hooks';
import { FixtureManager, halfPlusTwo } from './rest/rest-fixtures.test';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: http.OutgoingHttpHeaders = {},
  agent?: http.Agent,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function start(options: Partial<ModelHttpServerOptions> = {}) {
  const manager = new FixtureManager().add('half', 1, halfPlusTwo());
  const server = new ModelHttpServer({ manager, port: 0, ...options });
  const { port } = await server.listen();
  return { server, port, manager };
}

const predictBody = '{"instances": [1.0, 2.0, 5.0]}';
const predictions = '{\n    "predictions": [2.5, 3.0, 4.5\n    ]\n}';

describe('model HTTP server', () => {
  const servers: ModelHttpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close(0)));
  });
  const up = async (options: Partial<ModelHttpServerOptions> = {}) => {
    const s = await start(options);
    servers.push(s.server);
    return s;
  };

  it('serves TF Serving REST and KServe V2 with application/json, over kept-alive connections', async () => {
    const { port } = await up();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    agent.on('free', (socket) => sockets.add(socket));
    const a = await request(port, 'POST', '/v1/models/half:predict', predictBody, {}, agent);
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/json');
    assert.equal(a.body, predictions);
    const b = await request(port, 'GET', '/v2/models/half/ready', undefined, {}, agent);
    assert.equal(b.body, '{"name":"half","ready":true}');
    assert.equal(sockets.size, 1, 'both requests used one connection');
    agent.destroy();
    assert.deepEqual(JSON.parse((await request(port, 'GET', '/healthz')).body), { status: 'ok' });
    const none = await request(port, 'GET', '/metrics');
    assert.equal(none.status, 404);
    assert.match(JSON.parse(none.body).error, /No API at GET \/metrics/);
  });

  it('refuses a body over --max-body-bytes with 413, and keeps serving', async () => {
    const { port } = await up({ maxBodyBytes: 1024 });
    const big = `{"instances": [${Array(600).fill('1.0').join(',')}]}`;
    const declared = await request(port, 'POST', '/v1/models/half:predict', big);
    assert.equal(declared.status, 413);
    assert.equal(
      JSON.parse(declared.body).error,
      `Request body of ${big.length} bytes is over the limit of 1024 bytes (--max-body-bytes).`,
    );
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/models/half:predict' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.write(big.slice(0, 700));
      req.end(big.slice(700));
    });
    assert.equal(chunked.status, 413);
    assert.equal(JSON.parse(chunked.body).error, 'Request body is over the limit of 1024 bytes (--max-body-bytes).');
    assert.equal((await request(port, 'POST', '/v1/models/half:predict', predictBody)).body, predictions);
  });

  it('inflates gzip bodies, refusing bombs and broken streams', async () => {
    const { port } = await up({ maxBodyBytes: 4096 });
    const gz = { 'Content-Encoding': 'gzip' };
    assert.equal(
      (await request(port, 'POST', '/v1/models/half:predict', zlib.gzipSync(predictBody), gz)).body,
      predictions,
    );
    const bomb = await request(port, 'POST', '/v1/models/half:predict', zlib.gzipSync(Buffer.alloc(1 << 20, 0x20)), gz);
    assert.equal(bomb.status, 413);
    const broken = await request(port, 'POST', '/v1/models/half:predict', 'not gzip', gz);
    assert.equal(broken.status, 400);
    assert.match(JSON.parse(broken.body).error, /not valid gzip/);
    assert.equal(
      (await request(port, 'POST', '/v1/models/half:predict', 'x', { 'Content-Encoding': 'br' })).status,
      415,
    );
  });

  it('adds CORS headers and answers preflights only with --rest_api_enable_cors_support', async () => {
    const { port } = await up({ enableCors: true });
    const r = await request(port, 'POST', '/v1/models/half:predict', predictBody, { Origin: 'http://localhost:3000' });
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-methods'], 'POST, GET');
    assert.equal(r.headers['access-control-allow-headers'], 'Content-Type');
    const ok = await request(port, 'OPTIONS', '/v1/models/half:predict', undefined, { Origin: 'https://app.example' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], '*');
    assert.equal(
      (await request(port, 'OPTIONS', '/v1/models/half:predict', undefined, { Origin: 'file://x' })).status,
      400,
    );
    const off = await up();
    const plain = await request(off.port, 'OPTIONS', '/v1/models/half:predict');
    assert.equal(plain.status, 400);
    assert.equal(JSON.parse(plain.body).error, 'Malformed request: OPTIONS /v1/models/half:predict');
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
  });

  it('requires the bearer token on the APIs and routes, but not on health checks', async () => {
    const { server, port } = await up({ authToken: 's3cret' });
    server.addRoute('GET', '/custom', (_req, res) => void res.end('custom'));
    server.addRoute('GET', '/open', (_req, res) => void res.end('open'), { auth: false });
    const none = await request(port, 'POST', '/v1/models/half:predict', predictBody);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.match(JSON.parse(none.body).error, /Missing or wrong bearer token/);
    assert.equal(
      (await request(port, 'POST', '/v1/models/half:predict', predictBody, { Authorization: 'Bearer s3cre' })).status,
      401,
    );
    assert.equal(
      (await request(port, 'POST', '/v1/models/half:predict', predictBody, { Authorization: 'Bearer s3cret' })).body,
      predictions,
    );
    assert.equal((await request(port, 'GET', '/custom')).status, 401);
    assert.equal((await request(port, 'GET', '/custom', undefined, { Authorization: 'bearer s3cret' })).body, 'custom');
    assert.equal((await request(port, 'GET', '/open')).body, 'open');
    for (const path of ['/healthz', '/v2/health/live', '/v2/health/ready'])
      assert.equal((await request(port, 'GET', path)).status, 200, path);
  });

  it('reports each API request to observers', async () => {
    const events: RequestEvent[] = [];
    const { port } = await up({ observers: [(e) => events.push(e)] });
    await request(port, 'POST', '/v1/models/half:predict', predictBody);
    await request(port, 'POST', '/v1/models/nope:predict', predictBody);
    await request(port, 'GET', '/healthz');
    assert.equal(events.length, 2);
    assert.equal(events[0].api, 'predict');
    assert.equal(events[0].model, 'half');
    assert.equal(events[0].version, 1);
    assert.equal(events[0].status, 'OK');
    assert.equal(events[0].examples, 3);
    assert.equal(events[0].runtime, 'fixture');
    assert.ok(events[0].latencyMicros >= (events[0].runtimeLatencyMicros ?? 0));
    assert.equal(events[1].status, 'NOT_FOUND');
    assert.equal(events[1].httpStatus, 404);
  });

  it('keeps serving after hostile requests: deep nesting, huge shapes, broken JSON', async () => {
    const { port } = await up({ maxTensorElements: 1000 });
    const deep = await request(port, 'POST', '/v1/models/half:predict', `{"instances": ${'['.repeat(100_000)}`);
    assert.equal(deep.status, 400);
    assert.match(JSON.parse(deep.body).error, /Nesting deeper than 1000 levels/);
    const huge = await request(
      port,
      'POST',
      '/v2/models/half/infer',
      '{"inputs": [{"name": "x", "shape": [1000000, 1000000], "datatype": "FP32", "data": [1]}]}',
    );
    assert.equal(huge.status, 400);
    assert.equal((await request(port, 'POST', '/v1/models/half:predict', '{"instances": [1.0,')).status, 400);
    assert.equal((await request(port, 'POST', '/v1/models/half:predict', predictBody)).body, predictions);
  });

  it('shuts down gracefully: refuses new connections, finishes the request in flight, then resolves', async () => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const wrapPredict = async (call: PredictCall, next: (c: PredictCall) => Promise<PredictOutputs>) => {
      arrived();
      await gate;
      return next(call);
    };
    const { server, port } = await start({ hooks: { wrapPredict } });
    const pending = request(port, 'POST', '/v1/models/half:predict', predictBody);
    await inFlight;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await assert.rejects(request(port, 'GET', '/healthz'), /ECONNREFUSED/);
    assert.equal(closed, false, 'close() waits for the request in flight');
    release();
    const reply = await pending;
    assert.equal(reply.status, 200);
    assert.equal(reply.body, predictions);
    assert.equal(reply.headers.connection, 'close');
    await closing;
    assert.equal(closed, true);
  });
});
