import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { ModelHttpServer, type ModelHttpServerOptions } from './http-server';
import { FixtureManager, halfPlusTwo } from './rest/rest-fixtures.test';

const BODY = '{"instances": [1.0, 2.0, 5.0]}';
const PREDICTIONS = '{\n    "predictions": [2.5, 3.0, 4.5\n    ]\n}';

function predict(body = BODY, extra = ''): string {
  return `POST /v1/models/half:predict HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw client: writes bytes as given and reads HTTP/1.1 answers off the socket, in order. */
class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on('error', () => {});
  }

  ready(): Promise<void> {
    return new Promise((r) => this.socket.once('connect', () => r()));
  }

  /** Writes `parts` one after another, each its own write (and packet, with delay). */
  async send(...parts: Array<string | Buffer>): Promise<void> {
    for (const p of parts) {
      this.socket.write(p);
      if (parts.length > 1) await new Promise((r) => setTimeout(r, 2));
    }
  }

  async answer(): Promise<Answer> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
        const status = Number(lines[0]!.split(' ')[1]);
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const c = l.indexOf(':');
          headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.toString('utf8', end + 4, end + 4 + length);
          this.buffer = this.buffer.subarray(end + 4 + length);
          return { status, headers, body };
        }
      }
      if (this.closed) throw new Error(`connection closed; unread: ${this.buffer.toString()}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }
}

describe('REST front (raw HTTP/1.1 with node:http fallback)', () => {
  const servers: ModelHttpServer[] = [];
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close(0)));
  });
  const up = async (options: Partial<ModelHttpServerOptions> = {}) => {
    const server = new ModelHttpServer({
      manager: new FixtureManager().add('half', 1, halfPlusTwo()),
      port: 0,
      ...options,
    });
    servers.push(server);
    const { port } = await server.listen();
    return { server, port };
  };
  const client = async (port: number) => {
    const c = new RawClient(port);
    clients.push(c);
    await c.ready();
    return c;
  };

  it('answers with node:http headers: Date, keep-alive, the JSON content type', async () => {
    const { port } = await up();
    const c = await client(port);
    await c.send(predict());
    const a = await c.answer();
    assert.equal(a.status, 200);
    assert.equal(a.body, PREDICTIONS);
    assert.equal(a.headers['content-type'], 'application/json');
    assert.equal(a.headers.connection, 'keep-alive');
    assert.equal(a.headers['keep-alive'], 'timeout=65');
    assert.ok(Math.abs(Date.parse(a.headers.date!) - Date.now()) < 5000, a.headers.date);
  });

  it('answers pipelined requests in order, and requests split into many small packets', async () => {
    const { port } = await up();
    const c = await client(port);
    const other = '{"instances": [4.0]}';
    await c.send(predict() + predict(other) + 'GET /v1/models/half HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await c.answer()).body, PREDICTIONS);
    assert.equal((await c.answer()).body, '{\n    "predictions": [4.0\n    ]\n}');
    assert.match((await c.answer()).body, /"state": "AVAILABLE"/);
    const bytes = Buffer.from(predict());
    await c.send(...[0, 3, 20, 50, 70, bytes.length - 5].map((at, i, all) => bytes.subarray(at, all[i + 1])));
    assert.equal((await c.answer()).body, PREDICTIONS);
  });

  it('hands a connection to node:http at the request it cannot take, and that request is answered', async () => {
    const { port } = await up();
    const c = await client(port);
    // A chunked body, pipelined behind a plain request on the same connection.
    const chunked = `POST /v1/models/half:predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\n\r\n`;
    await c.send(predict() + chunked);
    assert.equal((await c.answer()).body, PREDICTIONS);
    assert.equal((await c.answer()).body, PREDICTIONS);
    // node:http keeps the connection: gzip, then plain again.
    const gz = zlib.gzipSync(BODY);
    await c.send(
      Buffer.concat([
        Buffer.from(
          `POST /v1/models/half:predict HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`,
        ),
        gz,
      ]),
    );
    assert.equal((await c.answer()).body, PREDICTIONS);
    await c.send(predict());
    assert.equal((await c.answer()).body, PREDICTIONS);
  });

  it('leaves HTTP/1.0, Expect and malformed or oversized heads to node:http', async () => {
    const { port } = await up();
    const http10 = await client(port);
    await http10.send(`POST /v1/models/half:predict HTTP/1.0\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
    const a = await http10.answer();
    assert.equal(a.body, PREDICTIONS);
    await http10.closedByServer();

    const expect = await client(port);
    await expect.send(predict(BODY, 'Expect: 100-continue\r\n'));
    assert.equal((await expect.answer()).status, 100);
    assert.equal((await expect.answer()).body, PREDICTIONS);

    const bad = await client(port);
    await bad.send('POST /v1/models/half:predict HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\nContent-Length: 2\r\n\r\n{}');
    assert.equal((await bad.answer()).status, 400);
    await bad.closedByServer();

    const huge = await client(port);
    await huge.send(`GET /v1/models/half HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal((await huge.answer()).status, 431);

    const noHost = await client(port);
    await noHost.send(`POST /v1/models/half:predict HTTP/1.1\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);
    assert.equal((await noHost.answer()).status, 400);

    const good = await client(port);
    await good.send(predict());
    assert.equal((await good.answer()).body, PREDICTIONS, 'still serving');
  });

  it('closes after an answer to "Connection: close", and idle connections after the keep-alive timeout', async () => {
    const { port } = await up({ keepAliveTimeoutMs: 300 });
    const c = await client(port);
    await c.send(predict(BODY, 'Connection: close\r\n'));
    const a = await c.answer();
    assert.equal(a.headers.connection, 'close');
    await c.closedByServer();
    const idle = await client(port);
    await idle.send(predict());
    assert.equal((await idle.answer()).headers['keep-alive'], 'timeout=0');
    const t0 = Date.now();
    await idle.closedByServer();
    assert.ok(Date.now() - t0 >= 200, 'closed by the timeout, not at once');
  });

  it('answers every request exactly as node:http alone does (same server, node:http port)', async () => {
    const { server, port } = await up({ authToken: 'sekret', enableCors: true });
    // The same server's node:http side on a port of its own: the answer the front must reproduce.
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    const nodePort = (server.server.address() as net.AddressInfo).port;
    const auth = 'Authorization: Bearer sekret\r\n';
    const post = (path: string, body: string, extra = auth) =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const get = (path: string, extra = auth) => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
    const requests = [
      post('/v1/models/half:predict', BODY),
      post('/v1/models/half:predict?x=1&y', BODY),
      post('/V1/Models/half:PREDICT', BODY),
      post('/v1/models/half/versions/1:predict', '{"inputs": [1.0]}'),
      post('/v1/models/half/versions/7:predict', BODY),
      post('/v1/models/half/labels/stable:predict', BODY),
      post('/v1/models/ha%6Cf:predict', BODY),
      post('/v1/models/../half:predict', BODY),
      post('/v1/models/half:predict', '{"instances": [1.0,'),
      post('/v1/models/half:predict', ''),
      post('/v1/models/half:predict', '{"instances": ["a"]}'),
      post('/v1/models/half:regress', '{"examples": [{"x": 1.0}]}'),
      post('/v1/models/half:predict', BODY, ''),
      post('/v1/models/half:predict', BODY, 'authorization: bearer   sekret  \r\n'),
      post('/v1/models/half:predict', BODY, 'Authorization: Bearer wrong\r\n'),
      post(
        '/v2/models/half/infer',
        '{"id": "r1", "inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1, 2, 5]}]}',
      ),
      post('/v3/anything', '{}'),
      post('/healthz', ''),
      get('/v1/models/half'),
      get('/v1/models/half/metadata'),
      get('/v1/models/nope'),
      get('/v1/models/half/versions/99999999999999999999'),
      get('/v2/health/ready', ''),
      get('/v2/models/half'),
      get('/healthz', ''),
      get('/'),
      `POST /v1/models/half:predict HTTP/1.1\r\nhost: x\r\n${auth}content-length:${BODY.length}\r\nX-Other:  a b \r\n\r\n${BODY}`,
    ];
    const strip = (a: Answer) => {
      const { date: _date, ...headers } = a.headers;
      return { status: a.status, headers, body: a.body };
    };
    for (const raw of requests) {
      const front = await client(port);
      const alone = await client(nodePort);
      await front.send(raw);
      await alone.send(raw);
      assert.deepEqual(strip(await front.answer()), strip(await alone.answer()), raw);
    }
  });

  it('answers 408 to a head that trickles in slower than the headers timeout (slow-loris)', async () => {
    const { port } = await up({ keepAliveTimeoutMs: 300 }); // headers timeout 1.3 s
    const c = await client(port);
    const t0 = Date.now();
    await c.send('POST /v1/models/half:predict HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => c.socket.write('X-Slow: 1\r\n'), 100);
    try {
      const a = await c.answer();
      assert.equal(a.status, 408);
      await c.closedByServer();
    } finally {
      clearInterval(drip);
    }
    const took = Date.now() - t0;
    assert.ok(took >= 1300 && took < 5000, `timed out after ${took} ms`);
    const good = await client(port);
    await good.send(predict());
    assert.equal((await good.answer()).body, PREDICTIONS);
  });

  it('on close(): idle connections go at once, a request in flight is answered with Connection: close', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const { server, port } = await up({
      hooks: {
        wrapPredict: async (call, next) => {
          arrived();
          await gate;
          return next(call);
        },
      },
    });
    const idle = await client(port);
    const busy = await client(port);
    await busy.send(predict());
    await inFlight;
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await idle.closedByServer();
    assert.equal(closed, false);
    release();
    const a = await busy.answer();
    assert.equal(a.body, PREDICTIONS);
    assert.equal(a.headers.connection, 'close');
    await busy.closedByServer();
    await closing;
    assert.equal(closed, true);
  });
});
