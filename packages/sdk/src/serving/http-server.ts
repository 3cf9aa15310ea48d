/**
 * The model server's HTTP side: TF Serving's REST API (`/v1/...`), KServe V2 (`/v2/...`), a plain
 * `/healthz`, and a route table other parts add to (the Prometheus page). It enforces the body
 * limit (413), an optional bearer token (401), CORS (`--rest_api_enable_cors_support`), keeps
 * connections alive, and shuts down gracefully: `close()` stops accepting, lets in-flight requests
 * finish, then resolves.
 *
 * Plain HTTP/1.1 API requests are read and answered by the front (http-front.ts) straight off the
 * socket; every other request goes to Node's `http` module (routes, preflights, HTTP/1.0, chunked
 * or gzip bodies, refusals of oversized ones). Both reach the same `answer()`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, readBody } from './http-body';
import { type FrontAnswer, type FrontRequest, HttpFront } from './http-front';
import type { PredictHooks, RequestObserver } from './predict-hooks';
import { errorJson } from './rest/http-status';
import { KServeV2Api } from './rest/kserve-v2';
import { type RestReply, TfServingRestApi } from './rest/tf-serving-rest';
import type { ModelManager } from './types';

/**
 * A raw route handler: it reads the request and writes the response itself.
 * @example
 *   const hello: RouteHandler = (_req, res) => void res.end('hello');
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Options of {@link ModelHttpServer}; TF Serving's flag names in the comments.
 * @example
 *   const options: ModelHttpServerOptions = { manager, port: 8501, enableCors: true, authToken: process.env.TOKEN };
 */
export interface ModelHttpServerOptions {
  readonly manager: ModelManager;
  /** Address to bind (default 127.0.0.1; TF Serving binds all interfaces, pass 0.0.0.0 for that). */
  readonly host?: string;
  /** `--rest_api_port` (default 8501); 0 picks a free port. */
  readonly port?: number;
  /** `--rest_api_enable_cors_support`. */
  readonly enableCors?: boolean;
  /** Largest request body, after gzip inflation (default 32 MiB): larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Most elements one request tensor may have (default 2^26): more gets 400. */
  readonly maxTensorElements?: number;
  /** Require `Authorization: Bearer <token>` on the APIs (health checks stay open). */
  readonly authToken?: string;
  /** Model-call hooks (`wrapPredict` for the batcher, `timeoutMs` for `--rest_api_timeout_in_ms`). */
  readonly hooks?: PredictHooks;
  /** Receive one event per API request (metrics). */
  readonly observers?: readonly RequestObserver[];
  /** Serve KServe V2 under /v2 (default true). */
  readonly kserve?: boolean;
  /** Idle keep-alive connections close after this long (default 65 s, above common LB idle timeouts). */
  readonly keepAliveTimeoutMs?: number;
}

interface Route {
  handler: RouteHandler;
  auth: boolean;
}

/** An API answer, with the REST reply observers hear about. */
interface Answer extends FrontAnswer {
  readonly reply?: RestReply;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET',
  'Access-Control-Allow-Headers': 'Content-Type',
};
const OPEN_PATHS = new Set(['/healthz', '/v2/health/live', '/v2/health/ready']);

/**
 * The REST front end of the model server.
 * @example
 *   const http = new ModelHttpServer({ manager, port: 0 });
 *   const { port } = await http.listen();
 *   http.addRoute('GET', '/monitoring/prometheus/metrics', prometheusHandler(metrics));
 *   process.once('SIGTERM', () => void http.close());
 */
export class ModelHttpServer {
  /** node:http, for the connections the front hands over (see http-front.ts); it never listens itself. */
  readonly server: Server;
  private readonly http: HttpFront;
  private readonly routes = new Map<string, Route>();
  private readonly observers: RequestObserver[];
  private readonly tfServing: TfServingRestApi;
  private readonly kserve: KServeV2Api | undefined;
  private readonly maxBodyBytes: number;
  private readonly tokenDigest: Buffer | undefined;
  private closing = false;
  private inFlight = 0;

  /** Requests being answered now. */
  get inFlightRequests(): number {
    return this.inFlight;
  }

  constructor(private readonly options: ModelHttpServerOptions) {
    const limits = { maxElements: options.maxTensorElements ?? 2 ** 26 };
    this.tfServing = new TfServingRestApi({ manager: options.manager, hooks: options.hooks, limits });
    this.kserve =
      options.kserve === false
        ? undefined
        : new KServeV2Api({
            manager: options.manager,
            hooks: options.hooks,
            limits,
            isShuttingDown: () => this.closing,
          });
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
    this.tokenDigest = options.authToken ? digest(options.authToken) : undefined;
    this.observers = [...(options.observers ?? [])];
    const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 65_000;
    this.server = createServer({ keepAliveTimeout: keepAliveTimeoutMs }, (req, res) => {
      void this.dispatch(req, res);
    });
    this.server.headersTimeout = keepAliveTimeoutMs + 1000;
    this.http = new HttpFront({
      fallback: this.server,
      accepts: (method, path) => !this.routes.has(`${method} ${path}`),
      answer: (request) => this.front(request),
      maxBodyBytes: this.maxBodyBytes,
      keepAliveTimeoutMs,
      headersTimeoutMs: this.server.headersTimeout,
      requestTimeoutMs: this.server.requestTimeout,
      headers: options.enableCors ? CORS_HEADERS : undefined,
      closing: () => this.closing,
    });
  }

  /**
   * Serves `handler` at exactly `method path` (query ignored). Routes need the bearer token
   * unless `{ auth: false }`.
   */
  addRoute(method: string, path: string, handler: RouteHandler, options: { auth?: boolean } = {}): void {
    this.routes.set(`${method.toUpperCase()} ${path}`, { handler, auth: options.auth ?? true });
  }

  /** Adds a request observer (e.g. `metrics.observe`). */
  addObserver(observer: RequestObserver): void {
    this.observers.push(observer);
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number }> {
    await this.http.listen(this.options.port ?? 8501, this.options.host ?? '127.0.0.1');
    // node:http tracks its connections (idle closing, header and request timeouts) from 'listening' on.
    this.server.emit('listening');
    return this.address();
  }

  /** The bound address (after {@link listen}). */
  address(): { host: string; port: number } {
    const a = this.http.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /**
   * Graceful shutdown: stops accepting connections, closes idle ones, answers in-flight requests
   * (with `Connection: close`), and resolves once every connection is gone. After `graceMs`
   * (default 30 s) remaining connections are cut.
   */
  close(graceMs = 30_000): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      if (!this.http.server.listening) return resolve();
      const timer = setTimeout(() => {
        this.server.closeAllConnections();
        this.http.destroyAll();
      }, graceMs).unref();
      // Resolves once every connection is gone, the front's and those it handed to node:http.
      this.http.close(() => {
        clearTimeout(timer);
        resolve();
      });
      // Not listening, node:http only closes its idle connections and stops its timeout checks here.
      this.server.close();
    });
  }

  /** node:http's requests: the route table and CORS preflights, then the APIs as on the front. */
  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = process.hrtime.bigint();
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      if (this.closing) this.server.closeIdleConnections();
    });
    if (this.options.enableCors) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    try {
      const route = this.routes.get(`${method} ${path}`);
      if (route) {
        if (route.auth && !this.authorized(req.headers.authorization)) {
          req.resume();
          return send(res, unauthorized());
        }
        return await route.handler(req, res);
      }
      if (method === 'OPTIONS' && this.options.enableCors) return this.preflight(req, res);
      let read = false;
      const answer = await this.answer(method, path, req.headers.authorization, () => {
        read = true;
        return readBody(req, this.maxBodyBytes);
      });
      if (!read) req.resume();
      // Draining: answer, then let the connection go so close() can finish.
      send(res, this.closing ? { ...answer, close: true } : answer);
      this.report(answer.reply, start);
    } catch (e) {
      if (!res.headersSent) send(res, { status: 500, body: errorJson(`Internal error: ${(e as Error).message}`) });
      else res.destroy();
    }
  }

  /** A request on the front (plain HTTP/1.1 to an API path). */
  private async front(request: FrontRequest): Promise<FrontAnswer> {
    const start = process.hrtime.bigint();
    this.inFlight++;
    try {
      const answer = await this.answer(request.method, request.path, request.authorization, () =>
        Promise.resolve(request.body),
      );
      this.report(answer.reply, start);
      return answer;
    } catch (e) {
      return { status: 500, body: errorJson(`Internal error: ${(e as Error).message}`) };
    } finally {
      this.inFlight--;
      if (this.closing) this.http.closeIdle();
    }
  }

  /** Health, the TF Serving and KServe APIs, 404 elsewhere; the token is checked before the body is read. */
  private async answer(
    method: string,
    path: string,
    authorization: string | undefined,
    body: () => Promise<Buffer>,
  ): Promise<Answer> {
    if (method === 'GET' && path === '/healthz') {
      return {
        status: this.closing ? 503 : 200,
        body: JSON.stringify(this.closing ? { status: 'shutting down' } : { status: 'ok' }),
      };
    }
    const api = this.tfServing.handles(path) ? this.tfServing : this.kserve?.handles(path) ? this.kserve : undefined;
    if (!api) {
      return {
        status: 404,
        body: errorJson(`No API at ${method} ${path}: TF Serving's REST API is under /v1, KServe V2 under /v2.`),
      };
    }
    if (!OPEN_PATHS.has(path) && !this.authorized(authorization)) return unauthorized();
    let bytes: Buffer;
    try {
      bytes = await body();
    } catch (e) {
      if (!(e instanceof BodyError)) throw e;
      return { status: e.status, body: errorJson(e.message), close: true };
    }
    const reply = await api.handle(method, path, bytes);
    return { status: reply.status, body: reply.body, reply };
  }

  private authorized(header: string | undefined): boolean {
    if (!this.tokenDigest) return true;
    const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    return token !== undefined && timingSafeEqual(digest(token), this.tokenDigest);
  }

  /** A CORS preflight: allowed for an http(s) Origin, as TF Serving checks it. */
  private preflight(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const origin = req.headers.origin ?? '';
    if (/^https?:\/\//.test(origin)) send(res, { status: 200, body: '' });
    else
      send(res, {
        status: 400,
        body: errorJson(`CORS preflight needs an Origin header with an http(s) URL; got "${origin}".`),
      });
  }

  private report(reply: RestReply | undefined, start: bigint): void {
    if (this.observers.length === 0 || reply?.api === undefined) return;
    const event = {
      entrypoint: 'REST' as const,
      api: reply.api,
      model: reply.model,
      version: reply.version,
      status: reply.code,
      httpStatus: reply.status,
      latencyMicros: Number((process.hrtime.bigint() - start) / 1000n),
      ...reply.timing,
    };
    for (const observe of this.observers) {
      try {
        observe(event);
      } catch {
        // an observer must never break serving
      }
    }
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function unauthorized(): Answer {
  return {
    status: 401,
    body: errorJson(
      'Missing or wrong bearer token: send "Authorization: Bearer <token>" (the server runs with --auth-token).',
    ),
    headers: { 'WWW-Authenticate': 'Bearer' },
  };
}

function send(res: ServerResponse, answer: FrontAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  if (answer.close) res.setHeader('Connection', 'close');
  res.writeHead(answer.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/**
 * Creates and starts a {@link ModelHttpServer}.
 * @example
 *   const http = await startHttpServer({ manager, port: 8501 });
 */
export async function startHttpServer(options: ModelHttpServerOptions): Promise<ModelHttpServer> {
  const server = new ModelHttpServer(options);
  await server.listen();
  return server;
}
