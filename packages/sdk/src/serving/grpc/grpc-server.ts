/**
 * TF Serving's gRPC API on @grpc/grpc-js: `tensorflow.serving.PredictionService` and
 * `tensorflow.serving.ModelService`, messages (de)serialized by protobufjs from the shipped
 * .proto files, errors as TF Serving maps them. Model calls go through the shared predict hooks
 * (batching), and every Predict/Classify/Regress reports a RequestEvent (metrics), as the REST
 * front end does.
 */
import {
  type ChannelOptions,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Service } from 'protobufjs';
import type { PredictHooks, PredictTiming, RequestObserver, ServingApi } from '../predict-hooks';
import { type ModelManager, ServingError } from '../types';
import { handleClassify, handleRegress } from './classify-regress';
import { errorCode, toGrpcError } from './grpc-status';
import { handleGetModelStatus, handleReloadConfig } from './model-service';
import { type HandlerContext, handleGetModelMetadata, handlePredict } from './predict';
import { servingRoot } from './proto-root';

/**
 * TF Serving sets `SetMaxMessageSize(INT32_MAX)` for both directions.
 * @example
 *   startGrpcServer({ manager, maxMessageBytes: MAX_MESSAGE_BYTES });
 */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/**
 * Options of {@link startGrpcServer}.
 * @example
 *   const options: GrpcServerOptions = { manager, port: 8500, tensorContent: true };
 */
export interface GrpcServerOptions {
  manager: ModelManager;
  /** Default '0.0.0.0' (TF Serving listens on all interfaces). */
  host?: string;
  /** TF Serving's `--port` (default 8500); 0 picks a free port. */
  port?: number;
  /** The shared model-call hooks (`wrapPredict: batcher.wrap`, timeout); default: direct calls. */
  hooks?: PredictHooks;
  /** Receive one event per Predict/Classify/Regress (e.g. `metrics.observe`). */
  observers?: RequestObserver[];
  /** Answer with `tensor_content` instead of typed fields (`--enable_serialization_as_tensor_content`). */
  tensorContent?: boolean;
  /** Receive and send limit in bytes (default {@link MAX_MESSAGE_BYTES}). */
  maxMessageBytes?: number;
  /** Extra channel arguments (TF Serving's `--grpc_channel_arguments`). */
  channelOptions?: ChannelOptions;
}

/**
 * A running gRPC server.
 * @example
 *   const { port, shutdown } = await startGrpcServer({ manager, port: 0 });
 */
export interface GrpcServing {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting calls, lets in-flight calls finish for up to `graceMs` (default 5000), then
   * cancels whatever is left.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * Starts the TF Serving gRPC API.
 * @example
 *   const grpc = await startGrpcServer({ manager, port: 8500, hooks: { wrapPredict: batcher.wrap }, observers: [metrics.observe] });
 *   process.once('SIGTERM', () => grpc.shutdown(10_000));
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServing> {
  const { manager } = options;
  const observers = options.observers ?? [];
  const limit = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const server = new Server({
    'grpc.max_receive_message_length': limit,
    'grpc.max_send_message_length': limit,
    ...options.channelOptions,
  });
  const ctx: HandlerContext = { manager, hooks: options.hooks ?? {}, tensorContent: options.tensorContent ?? false };
  // Inference calls report one event each (TF Serving counts and times exactly these over gRPC).
  const measured =
    <Req extends { model_spec?: { name?: string } | null }>(
      api: ServingApi,
      run: (req: Req, timing: PredictTiming) => Promise<unknown>,
    ) =>
    async (req: Req) => {
      const start = process.hrtime.bigint();
      const timing: PredictTiming = {};
      let status: ReturnType<typeof errorCode> = 'OK';
      try {
        return await run(req, timing);
      } catch (error) {
        status = errorCode(error);
        throw error;
      } finally {
        const latencyMicros = Number((process.hrtime.bigint() - start) / 1000n);
        const event = {
          entrypoint: 'GRPC' as const,
          api,
          model: req.model_spec?.name ?? '',
          status,
          latencyMicros,
          ...timing,
        };
        for (const observe of observers) {
          try {
            observe(event);
          } catch {
            // observers must not break requests
          }
        }
      }
    };
  server.addService(
    definition(servingRoot().lookupService('tensorflow.serving.PredictionService')),
    implement({
      Predict: measured('predict', (req, timing) => handlePredict(ctx, req, timing)),
      Classify: measured('classify', (req, timing) => handleClassify(ctx, req, timing)),
      Regress: measured('regress', (req, timing) => handleRegress(ctx, req, timing)),
      GetModelMetadata: (req) => handleGetModelMetadata(ctx, req),
      MultiInference: () => {
        throw new ServingError(
          'UNIMPLEMENTED',
          'MultiInference is not supported by tfscale; call Classify and Regress.',
        );
      },
    }),
  );
  server.addService(
    definition(servingRoot().lookupService('tensorflow.serving.ModelService')),
    implement({
      GetModelStatus: (req) => handleGetModelStatus(manager, req),
      HandleReloadConfigRequest: (req) => handleReloadConfig(manager, req),
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${options.host ?? '0.0.0.0'}:${options.port ?? 8500}`,
      ServerCredentials.createInsecure(),
      (e, p) => (e ? reject(e) : resolve(p)),
    );
  });
  return { server, port, shutdown: (graceMs = 5000) => shutdown(server, graceMs) };
}

/** A grpc-js service definition whose (de)serializers are the protobufjs types. */
function definition(service: Service): ServiceDefinition {
  const out: Record<string, ServiceDefinition[string]> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType!;
    const res = method.resolvedResponseType!;
    out[method.name] = {
      path: `/${service.fullName.slice(1)}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: object) => Buffer.from(req.encode(v).finish()),
      requestDeserialize: (b: Buffer) => req.decode(b),
      responseSerialize: (v: object) => {
        const bytes = res.encode(v).finish();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      responseDeserialize: (b: Buffer) => res.decode(b),
      originalName: method.name,
    };
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: request shapes are checked inside each handler
type Handler = (request: any) => unknown;

/** Unary handlers that return (or throw ServingError) mapped to grpc-js callbacks. */
function implement(handlers: Record<string, Handler>): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
      Promise.resolve()
        .then(() => handler(call.request))
        .then(
          (response) => callback(null, response),
          (error) => callback(toGrpcError(error)),
        );
    };
    out[name] = unary;
  }
  return out;
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
