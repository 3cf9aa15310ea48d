/**
 * TF status codes → HTTP status codes (TF Serving http_server.cc `ToHTTPStatusCode`), and the
 * error body TF Serving writes (`MakeJsonFromStatus`: `{"error": message}` by rapidjson's
 * PrettyWriter, the message without a code prefix).
 */
import type { ServingErrorCode } from '../types';
import { ServingError } from '../types';
import { JsonWriter } from './json-writer';

const HTTP: Record<ServingErrorCode, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

/**
 * The HTTP status TF Serving answers a status code with.
 * @example
 *   httpStatusFor('NOT_FOUND'); // 404
 */
export function httpStatusFor(code: ServingErrorCode): number {
  return HTTP[code] ?? 500;
}

/**
 * Any thrown value as a ServingError: ours pass through, anything else is INTERNAL with its
 * message (a runtime's own exception, or a bug).
 * @example
 *   const e = asServingError(new Error('boom')); // INTERNAL 'boom'
 */
export function asServingError(e: unknown): ServingError {
  if (e instanceof ServingError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ServingError('INTERNAL', message);
}

/**
 * TF Serving's error body.
 * @example
 *   errorJson('Servable not found for request: Latest(half)').toString();
 *   // '{\n    "error": "Servable not found for request: Latest(half)"\n}'
 */
export function errorJson(message: string, pretty = true): Buffer {
  const w = new JsonWriter(pretty);
  w.startObject();
  w.key('error');
  w.string(message);
  w.endObject();
  return w.toBuffer();
}
