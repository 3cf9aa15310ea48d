/**
 * ServingError → gRPC status, as TF Serving's `ToGRPCStatus`: the TF code number is the gRPC
 * code, and messages over 1024 characters are cut with "...TRUNCATED".
 */
import { ServingError, type ServingErrorCode } from '../types';
import { GRPC_CODES, WireError } from './grpc-wire';

const MESSAGE_LIMIT = 1024;

/**
 * The TF/gRPC code of any thrown value (non-ServingErrors are INTERNAL).
 * @example
 *   errorCode(new ServingError('NOT_FOUND', 'x')); // 'NOT_FOUND'
 */
export function errorCode(error: unknown): ServingErrorCode {
  return error instanceof ServingError || error instanceof WireError ? error.code : 'INTERNAL';
}

/**
 * The status a failed call answers with: code number and message (not yet percent-encoded).
 * @example
 *   const { code, message } = toGrpcStatus(err); // { code: 5, message: 'Servable not found …' }
 */
export function toGrpcStatus(error: unknown): { code: number; message: string } {
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.length > MESSAGE_LIMIT ? `${raw.slice(0, MESSAGE_LIMIT)}...TRUNCATED` : raw;
  return { code: GRPC_CODES[errorCode(error)], message };
}
