/**
 * gRPC over HTTP/2 wire details for unary calls (doc/PROTOCOL-HTTP2.md): status codes,
 * `grpc-timeout`, percent-encoded `grpc-message`, length-prefixed message framing and the
 * compressions a request may use.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import type { ServingErrorCode } from '../types';

/**
 * gRPC status numbers; TF's error codes are the same numbers (`ToGRPCStatus` casts one to the other).
 * @example
 *   GRPC_CODES.NOT_FOUND; // 5
 */
export const GRPC_CODES: Readonly<Record<ServingErrorCode, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/**
 * What this server decompresses (sent as `grpc-accept-encoding` when a request uses another).
 * @example
 *   headers['grpc-accept-encoding'] = ACCEPT_ENCODING;
 */
export const ACCEPT_ENCODING = 'identity,deflate,gzip';

const TIMEOUT_UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/**
 * Milliseconds of a `grpc-timeout` header (`TimeoutValue TimeoutUnit`, at most 8 digits), or
 * undefined when absent or malformed (then the call has no deadline, as grpc-core treats it).
 * @example
 *   parseGrpcTimeout('100m'); // 100
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value.length < 2 || value.length > 9) return undefined;
  const scale = TIMEOUT_UNITS[value[value.length - 1]!];
  const digits = value.slice(0, -1);
  if (scale === undefined || !/^\d+$/.test(digits)) return undefined;
  return Number(digits) * scale;
}

// Printable ASCII except '%' goes as is (the spec's Percent-Byte-Unencoded).
const UNENCODED = /^[\x20-\x24\x26-\x7e]*$/;

/**
 * `grpc-message` as the spec encodes it: UTF-8 bytes outside 0x20-0x7E, and '%', as %XX.
 * @example
 *   percentEncode('50% done ✓'); // '50%25 done %E2%9C%93'
 */
export function percentEncode(message: string): string {
  if (UNENCODED.test(message)) return message;
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A request failure the server answers with a gRPC status (never reaches handlers).
 * @example
 *   throw new WireError('RESOURCE_EXHAUSTED', 'Received message larger than max (9 vs. 4)');
 */
export class WireError extends Error {
  constructor(
    readonly code: ServingErrorCode,
    message: string,
    /** Extra response headers (e.g. grpc-accept-encoding). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/**
 * The one message of a unary request body: `1 byte compressed flag | 4 bytes big-endian length |
 * message`, decompressed per `grpc-encoding`. Rejects zero or several messages, truncated
 * frames, and messages over `limit` bytes (also after decompression).
 * @example
 *   const message = unaryMessage(Buffer.concat(chunks), headers['grpc-encoding'], 4 << 20);
 */
export function unaryMessage(body: Buffer, encoding: string | undefined, limit: number): Buffer {
  if (body.length === 0)
    throw new WireError('UNIMPLEMENTED', 'No message received: a unary call sends exactly one message');
  if (body.length < 5)
    throw new WireError('INTERNAL', `Truncated gRPC frame: ${body.length} bytes, a frame header has 5`);
  const length = body.readUInt32BE(1);
  checkLimit(length, limit);
  if (body.length < 5 + length)
    throw new WireError('INTERNAL', `Truncated gRPC message: ${body.length - 5} of ${length} bytes received`);
  if (body.length > 5 + length)
    throw new WireError('UNIMPLEMENTED', 'More than one message received: a unary call sends exactly one message');
  const message = body.subarray(5);
  const flag = body[0]!;
  if (flag === 0) return message;
  if (flag !== 1) throw new WireError('INTERNAL', `Bad gRPC frame: compressed flag ${flag} (must be 0 or 1)`);
  return decompress(message, encoding, limit);
}

function decompress(message: Buffer, encoding: string | undefined, limit: number): Buffer {
  const zlib = encoding === 'gzip' ? gunzipSync : encoding === 'deflate' ? inflateSync : undefined;
  if (!zlib) {
    throw new WireError(
      'UNIMPLEMENTED',
      `Compressed message with grpc-encoding ${encoding ?? '(none)'}; this server accepts ${ACCEPT_ENCODING}`,
      { 'grpc-accept-encoding': ACCEPT_ENCODING },
    );
  }
  try {
    // maxOutputLength stops inflating at the limit instead of after it (a zip bomb costs nothing).
    return zlib(message, { maxOutputLength: limit + 1 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new WireError(
        'RESOURCE_EXHAUSTED',
        `Received message larger than max (over ${limit} bytes once decompressed)`,
      );
    throw new WireError('INTERNAL', `Could not decompress the ${encoding} message: ${(error as Error).message}`);
  }
}

/**
 * Throws RESOURCE_EXHAUSTED (grpc-core's words) for a message over the limit.
 * @example
 *   checkLimit(frameLength, maxReceive);
 */
export function checkLimit(length: number, limit: number, direction = 'Received'): void {
  if (length > limit)
    throw new WireError('RESOURCE_EXHAUSTED', `${direction} message larger than max (${length} vs. ${limit})`);
}
