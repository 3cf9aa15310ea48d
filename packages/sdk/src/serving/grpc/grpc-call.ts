/**
 * One unary gRPC call on a node:http2 stream, lean on purpose (this is the per-request path):
 * shared listeners (the call hangs off the stream under a symbol, so no closures per call),
 * one buffer per message, one `respond` + `end(frame)` + trailers. Every failure is answered
 * Trailers-Only; a client that cancels (RST_STREAM) or disconnects is never answered and
 * never throws.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Type } from 'protobufjs';
import type { PredictTiming } from '../predict-hooks';
import type { ServingErrorCode } from '../types';
import { errorCode, toGrpcStatus } from './grpc-status';
import { checkLimit, parseGrpcTimeout, percentEncode, unaryMessage, WireError } from './grpc-wire';

/**
 * A unary method: its protobufjs types and the handler (resolves the response, rejects with
 * a ServingError).
 * @example
 *   const route: UnaryRoute = { request: PredictRequest, response: PredictResponse, handler: (r, timing) => handlePredict(ctx, r, timing) };
 */
export interface UnaryRoute {
  readonly request: Type;
  readonly response: Type;
  // biome-ignore lint/suspicious/noExplicitAny: request shapes are checked inside each handler
  readonly handler: (request: any, timing: PredictTiming) => Promise<unknown>;
  /**
   * Told each handler outcome before the answer goes out (the inference methods' metrics);
   * `timing` is what the handler filled in.
   */
  // biome-ignore lint/suspicious/noExplicitAny: as handler
  readonly report?: (request: any, status: ServingErrorCode, latencyMicros: number, timing: PredictTiming) => void;
  /** A faster reader of the request message; undefined falls back to protobufjs. */
  readonly decode?: (message: Buffer) => unknown;
  /** The whole response frame written faster than protobufjs; undefined falls back to it. */
  // biome-ignore lint/suspicious/noExplicitAny: as handler
  readonly frame?: (response: any) => Buffer | undefined;
}

/**
 * What every call of one server shares.
 * @example
 *   const router: CallRouter = { routes, maxReceive: 4 << 20, maxSend: 4 << 20, tokenDigest: digestToken('s3cret') };
 */
export interface CallRouter {
  /** By `:path` (`/tensorflow.serving.PredictionService/Predict`). */
  readonly routes: ReadonlyMap<string, UnaryRoute>;
  readonly maxReceive: number;
  readonly maxSend: number;
  /** SHA-256 of the bearer token; unset when calls need none. */
  readonly tokenDigest?: Buffer;
}

/**
 * SHA-256 of a token: equal-length digests compare in constant time whatever the token lengths.
 * @example
 *   timingSafeEqual(digestToken(sent), digestToken(expected));
 */
export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

const UNAUTHENTICATED =
  'Missing or wrong bearer token: send metadata authorization: Bearer <token> (the server runs with --auth-token).';
const OK_HEADERS = { ':status': 200, 'content-type': 'application/grpc' };
const OK_TRAILERS = { 'grpc-status': '0' };
// No date header: gRPC clients ignore it, and it costs a clock read and a header per call.
const WAIT_FOR_TRAILERS = { waitForTrailers: true, sendDate: false };
const END_STREAM = { endStream: true, sendDate: false };
const CALL = Symbol('grpc call');
type CallStream = ServerHttp2Stream & { [CALL]?: UnaryCall };

/**
 * Serves one stream of the http2 server's `stream` event.
 * @example
 *   server.on('stream', (stream, headers) => serveStream(router, stream, headers));
 */
export function serveStream(router: CallRouter, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  stream.on('error', ignore);
  const type = headers['content-type'];
  if (headers[':method'] !== 'POST' || !isGrpcContentType(type)) {
    // The spec's 415 keeps other HTTP clients from reading a gRPC error (status 200) as success.
    if (headers[':method'] !== 'POST') refuseHttp(stream, 405, 'gRPC calls are POST requests.\n');
    else refuseHttp(stream, 415, `Content-Type ${type ?? '(none)'}: gRPC requests are application/grpc.\n`);
    return;
  }
  const route = router.routes.get(headers[':path'] ?? '');
  const call = new UnaryCall(router, stream, route, headers['grpc-encoding'] as string | undefined);
  (stream as CallStream)[CALL] = call;
  const denied = !route
    ? new WireError('UNIMPLEMENTED', `Method not found: ${headers[':path']}`)
    : router.tokenDigest && !authorized(headers.authorization, router.tokenDigest)
      ? new WireError('UNAUTHENTICATED', UNAUTHENTICATED)
      : undefined;
  if (denied) {
    call.fail(denied);
    return;
  }
  const timeoutMs = parseGrpcTimeout(headers['grpc-timeout'] as string | undefined);
  if (timeoutMs !== undefined) call.timer = setTimeout(onDeadline, timeoutMs, call).unref();
  stream.on('data', onData);
  stream.on('end', onEnd);
}

function isGrpcContentType(type: string | undefined): boolean {
  // application/grpc, application/grpc+proto, application/grpc;charset=… (not application/grpc-web).
  if (!type?.startsWith('application/grpc')) return false;
  return type.length === 16 || type[16] === '+' || type[16] === ';';
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const token = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  return token !== undefined && timingSafeEqual(digestToken(token), expected);
}

function refuseHttp(stream: ServerHttp2Stream, status: number, text: string): void {
  try {
    stream.resume();
    stream.respond({ ':status': status, 'content-type': 'text/plain; charset=utf-8' });
    stream.end(text);
  } catch {
    stream.destroy();
  }
}

class UnaryCall {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  /** Bytes of the first frame (header included), once its header arrived. */
  private frameBytes = -1;
  private done = false;
  timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly router: CallRouter,
    private readonly stream: ServerHttp2Stream,
    private readonly route: UnaryRoute | undefined,
    private readonly encoding: string | undefined,
  ) {}

  data(chunk: Buffer): void {
    if (this.done) return;
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.frameBytes < 0 && this.received >= 5) {
      const head = this.chunks[0]!.length >= 5 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const length = head.readUInt32BE(1);
      // Refuse before buffering past the limit (the spec's RESOURCE_EXHAUSTED).
      try {
        checkLimit(length, this.router.maxReceive);
      } catch (error) {
        this.stopReading(error);
        return;
      }
      this.frameBytes = 5 + length;
    }
    if (this.frameBytes >= 0 && this.received > this.frameBytes)
      this.stopReading(
        new WireError('UNIMPLEMENTED', 'More than one message received: a unary call sends exactly one message'),
      );
  }

  async end(): Promise<void> {
    if (this.done) return;
    const route = this.route!;
    let response: unknown;
    try {
      const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.received);
      this.chunks.length = 0;
      const message = unaryMessage(body, this.encoding, this.router.maxReceive);
      let request: unknown;
      try {
        request = route.decode?.(message) ?? route.request.decode(message);
      } catch (error) {
        throw new WireError('INTERNAL', `Error deserializing request: ${(error as Error).message}`);
      }
      const report = route.report;
      if (report === undefined) response = await route.handler(request, {});
      else {
        // Measured here rather than in a wrapper: one async frame (and its promise) less per call.
        const timing: PredictTiming = {};
        const start = process.hrtime.bigint();
        let status: ServingErrorCode = 'OK';
        try {
          response = await route.handler(request, timing);
        } catch (error) {
          status = errorCode(error);
          throw error;
        } finally {
          report(request, status, Number((process.hrtime.bigint() - start) / 1000n), timing);
        }
      }
    } catch (error) {
      return this.fail(error);
    }
    this.reply(response);
  }

  private reply(response: unknown): void {
    if (this.done) return;
    let frame: Buffer | undefined;
    try {
      const route = this.route!;
      frame = route.frame?.(response);
      if (frame) checkLimit(frame.length - 5, this.router.maxSend, 'Sent');
      else {
        const bytes = route.response.encode(response as object).finish();
        checkLimit(bytes.length, this.router.maxSend, 'Sent');
        frame = Buffer.allocUnsafe(5 + bytes.length);
        frame[0] = 0;
        frame.writeUInt32BE(bytes.length, 1);
        frame.set(bytes, 5);
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    this.finish();
    const stream = this.stream;
    if (stream.destroyed) return; // cancelled by the client: drop the answer
    try {
      stream.respond(OK_HEADERS, WAIT_FOR_TRAILERS);
      stream.on('wantTrailers', sendOkTrailers); // emitted once per stream: no once() wrapper
      stream.end(frame);
    } catch {
      stream.destroy(); // the session went away under us
    }
  }

  /** Answers Trailers-Only with the error's status. */
  fail(error: unknown): void {
    if (this.done) return;
    this.finish();
    const stream = this.stream;
    if (stream.destroyed || stream.headersSent) return;
    const { code, message } = toGrpcStatus(error);
    const headers = {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(code),
      'grpc-message': percentEncode(message),
      ...(error instanceof WireError ? error.headers : undefined),
    };
    try {
      stream.resume(); // discard whatever the client still sends
      stream.respond(headers, END_STREAM);
    } catch {
      stream.destroy();
    }
  }

  /** Fails, then tells the client to stop sending (RST_STREAM NO_ERROR once the answer is out). */
  private stopReading(error: unknown): void {
    this.fail(error);
    this.chunks.length = 0;
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_NO_ERROR);
  }

  private finish(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

function onData(this: CallStream, chunk: Buffer): void {
  this[CALL]!.data(chunk);
}

function onEnd(this: CallStream): void {
  void this[CALL]!.end();
}

function onDeadline(call: UnaryCall): void {
  call.fail(new WireError('DEADLINE_EXCEEDED', 'Deadline Exceeded'));
}

function sendOkTrailers(this: ServerHttp2Stream): void {
  try {
    this.sendTrailers(OK_TRAILERS);
  } catch {
    this.destroy();
  }
}

function ignore(): void {
  // A reset or broken stream only means nobody waits for the answer any more.
}
