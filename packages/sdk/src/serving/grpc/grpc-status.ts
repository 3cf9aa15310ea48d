/**
 * ServingError → gRPC status, as TF Serving's `ToGRPCStatus`: the TF code number is the gRPC
 * code, and messages over 1024 characters are cut with "...TRUNCATED".
 */
import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { ServingError, type ServingErrorCode } from '../types';

const MESSAGE_LIMIT = 1024;

/**
 * The TF/gRPC code of any thrown value (non-ServingErrors are INTERNAL).
 * @example
 *   errorCode(new ServingError('NOT_FOUND', 'x')); // 'NOT_FOUND'
 */
export function errorCode(error: unknown): ServingErrorCode {
  return error instanceof ServingError ? error.code : 'INTERNAL';
}

/**
 * The grpc-js error to pass to a unary callback.
 * @example
 *   callback(toGrpcError(err));
 */
export function toGrpcError(error: unknown): Partial<ServiceError> {
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  const details = raw.length > MESSAGE_LIMIT ? `${raw.slice(0, MESSAGE_LIMIT)}...TRUNCATED` : raw;
  return { code: GrpcStatus[code], details, metadata: new Metadata() };
}
