/**
 * The REST port's connection owner: a `net` server that answers plain HTTP/1.1 API requests itself
 * and hands every other connection to Node's `http` server at a request boundary.
 *
 * Why: per small predict, node:http costs ~20 µs of the JS thread on this 2-core VM (request and
 * response objects, stream machinery, a writev per answer) — more than a third of the whole
 * server's overhead. The requests that matter for throughput are all alike (GET/POST, HTTP/1.1,
 * Content-Length, no upgrade or continue), so those are parsed here from the raw bytes and answered
 * with one write. Anything else — HTTP/1.0, chunked or compressed bodies, `Expect`, bodies over the
 * limit, odd or oversized headers, routes added with `addRoute`, CORS preflights — goes to node:http
 * unchanged, with the bytes of the request it stopped at, so its answers (400, 413, 431, …) stay
 * Node's. A connection handed over stays with node:http.
 */
import { type Server as HttpServer, maxHeaderSize, STATUS_CODES } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { type Head, parseHead } from './http-head';

/**
 * One request the front answers itself.
 * @example
 *   const req: FrontRequest = { method: 'POST', path: '/v1/models/m:predict', authorization: undefined, body };
 */
export interface FrontRequest {
  readonly method: 'GET' | 'POST';
  /** The target without its query. */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Buffer;
}

/**
 * The answer to a {@link FrontRequest}: always JSON.
 * @example
 *   const answer: FrontAnswer = { status: 200, body: Buffer.from('{}') };
 */
export interface FrontAnswer {
  readonly status: number;
  readonly body: Buffer | string;
  /** Extra header lines, e.g. `{ 'WWW-Authenticate': 'Bearer' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Close the connection after this answer. */
  readonly close?: boolean;
}

/**
 * Options of {@link HttpFront}.
 * @example
 *   new HttpFront({ fallback: nodeHttpServer, accepts: () => true, answer: async () => ({ status: 200, body: '{}' }) });
 */
export interface HttpFrontOptions {
  /** Gets every connection the front does not keep (via its 'connection' event). */
  readonly fallback: HttpServer;
  /** Whether the front answers `method path` itself (the rest goes to `fallback`). */
  readonly accepts: (method: 'GET' | 'POST', path: string) => boolean;
  readonly answer: (request: FrontRequest) => Promise<FrontAnswer>;
  /** Bodies larger than this go to `fallback` (which refuses them with its own 413). */
  readonly maxBodyBytes: number;
  /** Idle keep-alive connections close after this long. */
  readonly keepAliveTimeoutMs: number;
  /** A request head must arrive within this long of its first byte (node:http's headersTimeout), else 408. */
  readonly headersTimeoutMs: number;
  /** A whole request must arrive within this long (node:http's requestTimeout), else 408. */
  readonly requestTimeoutMs: number;
  /** Extra header lines on every answer (CORS). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Whether answers must close their connection now (graceful shutdown). */
  readonly closing: () => boolean;
}

/** node:http's --max-http-header-size: a larger head goes to node:http (431). */
const MAX_HEAD_BYTES = maxHeaderSize;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** node:http's answer to a request that arrives too slowly. */
const TIMED_OUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', 'latin1');
/** Bodies up to this size are copied into the head's buffer: one write, one segment. */
const JOIN_BELOW = 64 * 1024;
let dateText = '';
let dateSecond = -1;
/** The Date header, formatted once per second as node:http does. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** One connection while the front owns it. */
class Connection {
  /** Bytes received and not yet part of an answered request. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private head: Extract<Head, { kind: 'api' }> | undefined;
  private headBytes = 0;
  /** When the first byte of the request being received arrived. */
  private startedAt = 0;
  /** A request is being answered: later bytes wait (pipelining answers in order). */
  private busy = false;
  private released = false;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onTimeout = () => {
    if (!this.busy) this.socket.destroy();
  };
  private readonly onDrain = () => this.pump();

  constructor(
    readonly socket: Socket,
    private readonly front: HttpFront,
  ) {
    socket.setTimeout(front.options.keepAliveTimeoutMs);
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('drain', this.onDrain);
    socket.on('error', () => socket.destroy());
  }

  /** No request under way: closing now loses nothing. */
  get idle(): boolean {
    return !this.busy && this.pendingBytes === 0;
  }

  /** Whether the request being received is late (slow-loris guard, as node:http's timeouts). */
  late(now: number): boolean {
    if (this.busy || this.released || this.pendingBytes === 0) return false;
    const limit = this.head ? this.front.options.requestTimeoutMs : this.front.options.headersTimeoutMs;
    return limit > 0 && now - this.startedAt > limit;
  }

  /** Answers 408 and closes, as node:http does for a request that arrives too slowly. */
  timeOut(): void {
    this.released = true;
    this.socket.end(TIMED_OUT);
    this.socket.destroySoon();
  }

  private receive(chunk: Buffer): void {
    if (this.pendingBytes === 0) this.startedAt = Date.now();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.busy) this.socket.pause();
    else this.pump();
  }

  /** Parses and answers buffered requests, one at a time. */
  private pump(): void {
    while (!this.busy && !this.released && this.pendingBytes > 0 && !this.socket.destroyed) {
      if (this.socket.writableNeedDrain) return;
      if (!this.head) {
        const bytes = this.flat();
        const end = bytes.indexOf(HEAD_END);
        if (end < 0 ? bytes.length > MAX_HEAD_BYTES : end > MAX_HEAD_BYTES) {
          this.handOff();
          return;
        }
        if (end < 0) return;
        const head = parseHead(
          bytes.toString('latin1', 0, end),
          this.front.options.accepts,
          this.front.options.maxBodyBytes,
        );
        if (head.kind === 'other') {
          this.handOff();
          return;
        }
        this.head = head;
        this.headBytes = end + 4;
      }
      const need = this.headBytes + this.head.length;
      if (this.pendingBytes < need) return;
      const bytes = this.flat();
      const body = bytes.subarray(this.headBytes, need);
      const rest = bytes.subarray(need);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
      this.startedAt = Date.now();
      const head = this.head;
      this.head = undefined;
      this.busy = true;
      this.front.answerOne(this, head.method, head.path, head.authorization, body, head.close);
    }
    if (!this.busy && this.socket.isPaused()) this.socket.resume();
  }

  /** Writes an answer and goes on with the next pipelined request. */
  reply(answer: FrontAnswer, close: boolean): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
    let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}\r\n`;
    for (const extra of [this.front.options.headers, answer.headers]) {
      if (extra) for (const name in extra) head += `${name}: ${extra[name]}\r\n`;
    }
    head += `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nDate: ${httpDate()}\r\n`;
    head +=
      close || answer.close
        ? 'Connection: close\r\n\r\n'
        : `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(this.front.options.keepAliveTimeoutMs / 1000)}\r\n\r\n`;
    if (body.length < JOIN_BELOW) {
      const out = Buffer.allocUnsafe(head.length + body.length);
      const n = out.write(head, 0, 'latin1');
      body.copy(out, n);
      socket.write(out);
    } else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
    this.busy = false;
    if (close || answer.close) {
      this.released = true;
      socket.end();
      return;
    }
    this.pump();
  }

  /** Closes the connection if no request is under way (graceful shutdown). */
  closeIfIdle(): void {
    if (this.idle && !this.released) {
      this.released = true;
      this.socket.end();
    }
  }

  /** Gives the connection, with the bytes of the request it stopped at, to node:http for good. */
  private handOff(): void {
    const socket = this.socket;
    const bytes = this.flat();
    this.released = true;
    this.pending = [];
    this.pendingBytes = 0;
    socket.off('data', this.onData);
    socket.off('timeout', this.onTimeout);
    socket.off('drain', this.onDrain);
    socket.removeAllListeners('error');
    socket.setTimeout(0);
    this.front.forget(this);
    this.front.options.fallback.emit('connection', socket);
    if (socket.isPaused()) socket.resume();
    // node:http's parser now reads the socket; the bytes already taken off it go in first.
    if (bytes.length) socket.emit('data', bytes);
  }

  private flat(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    return this.pending[0] ?? Buffer.alloc(0);
  }
}

/**
 * The REST port: answers API requests on raw HTTP/1.1 and gives the rest to node:http.
 * @example
 *   const front = new HttpFront({ fallback: createServer(handler), accepts, answer, maxBodyBytes: 1 << 25,
 *     keepAliveTimeoutMs: 65_000, closing: () => false });
 *   await front.listen(8501, '127.0.0.1');
 */
export class HttpFront {
  readonly server: Server;
  private readonly connections = new Set<Connection>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(readonly options: HttpFrontOptions) {
    this.server = createServer({ noDelay: true }, (socket) => {
      const conn = new Connection(socket, this);
      this.connections.add(conn);
      socket.once('close', () => this.connections.delete(conn));
    });
  }

  /** Starts listening; resolves once bound. */
  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // Checked now and then, as node:http does (its connectionsCheckingInterval is 30 s).
        const every = Math.max(50, Math.min(30_000, this.options.headersTimeoutMs / 4));
        this.sweeper = setInterval(() => this.sweep(), every).unref();
        resolve();
      });
    });
  }

  /** Stops accepting and closes idle connections; `done` runs once every connection is gone. */
  close(done: () => void): void {
    clearInterval(this.sweeper);
    this.server.close(() => done());
    this.closeIdle();
  }

  /** Times out the requests that arrive too slowly. */
  private sweep(): void {
    const now = Date.now();
    for (const conn of this.connections) if (conn.late(now)) conn.timeOut();
  }

  /** Closes the connections with no request under way. */
  closeIdle(): void {
    for (const conn of this.connections) conn.closeIfIdle();
  }

  /** Cuts every connection the front still owns. */
  destroyAll(): void {
    for (const conn of this.connections) conn.socket.destroy();
  }

  /** @internal A connection was handed to node:http. */
  forget(conn: Connection): void {
    this.connections.delete(conn);
  }

  /** @internal Answers one parsed request on `conn`. */
  answerOne(
    conn: Connection,
    method: 'GET' | 'POST',
    path: string,
    authorization: string | undefined,
    body: Buffer,
    close: boolean,
  ): void {
    this.options.answer({ method, path, authorization, body }).then(
      (answer) => conn.reply(answer, close || this.options.closing()),
      () => conn.socket.destroy(),
    );
  }
}
