/**
 * TF Serving's gRPC API: `tensorflow.serving.PredictionService` and
 * `tensorflow.serving.ModelService`, served directly on node:http2 (h2c with prior knowledge,
 * what gRPC clients speak without TLS). Every method is unary, so grpc-call.ts handles a call
 * in a few steps instead of a general gRPC server's per-call machinery: on 2 cores, a Predict
 * with a canned model answer costs ~50 µs of server CPU at 16-64 concurrent calls, against ~90
 * on @grpc/grpc-js' Server and ~40 for a bare node:http2 responder. Messages are
 * (de)serialized by protobufjs from the shipped .proto files, errors mapped as TF Serving maps
 * them. Model calls go through the shared predict hooks (batching), and every
 * Predict/Classify/Regress reports a RequestEvent (metrics), as the REST front end does.
 */
import { createServer, type Http2Server, type Http2Session, type Settings } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Service } from 'protobufjs';
import type { Logger } from '../../core/logger';
import type { PredictHooks, RequestObserver, ServingApi } from '../predict-hooks';
import { type ModelManager, ServingError } from '../types';
import { handleClassify, handleRegress } from './classify-regress';
import { type CallRouter, digestToken, serveStream, type UnaryRoute } from './grpc-call';
import { type GrpcChannelArguments, resolveChannelArguments } from './grpc-channel-args';
import { handleGetModelStatus, handleReloadConfig } from './model-service';
import { type HandlerContext, handleGetModelMetadata, handlePredict } from './predict';
import { predictResponseFrame } from './predict-frame';
import { readPredictRequest } from './predict-request';
import { servingRoot } from './proto-root';

export type { GrpcChannelArguments } from './grpc-channel-args';

/**
 * TF Serving sets `SetMaxMessageSize(INT32_MAX)` for both directions.
 * @example
 *   startGrpcServer({ manager, maxMessageBytes: MAX_MESSAGE_BYTES });
 */
export const MAX_MESSAGE_BYTES = 2 ** 31 - 1;

/**
 * Options of {@link startGrpcServer}.
 * @example
 *   const options: GrpcServerOptions = { manager, port: 8500, tensorContent: true, authToken: process.env.TOKEN };
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
  /**
   * TF Serving's `--grpc_channel_arguments`: `grpc.max_receive_message_length`,
   * `grpc.max_send_message_length` (both override maxMessageBytes; -1 is unlimited),
   * `grpc.max_concurrent_streams` and `grpc.http2.max_frame_size` apply; others are ignored with
   * a warning.
   */
  channelOptions?: GrpcChannelArguments;
  /** Require call metadata `authorization: Bearer <token>` (the server's `--auth-token`). */
  authToken?: string;
  /** Where warnings go (ignored channel arguments); default process warnings. */
  logger?: Logger;
}

/**
 * A running gRPC server.
 * @example
 *   const { port, shutdown } = await startGrpcServer({ manager, port: 0 });
 */
export interface GrpcServing {
  /** The node:http2 server (h2c) under the gRPC API. */
  readonly server: Http2Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting connections and calls (GOAWAY), lets in-flight calls finish for up to
   * `graceMs` (default 5000), then closes whatever is left; resolves once all is closed.
   */
  shutdown(graceMs?: number): Promise<void>;
}

// Flow-control windows large enough that multi-megabyte tensors stream without stalls.
const STREAM_WINDOW = 4 << 20;
const CONNECTION_WINDOW = 16 << 20;

/**
 * Starts the TF Serving gRPC API.
 * @example
 *   const grpc = await startGrpcServer({ manager, port: 8500, hooks: { wrapPredict: batcher.wrap }, observers: [metrics.observe] });
 *   process.once('SIGTERM', () => grpc.shutdown(10_000));
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServing> {
  const limit = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const args = resolveChannelArguments(options.channelOptions ?? {}, (message) =>
    options.logger ? options.logger.warn(message) : process.emitWarning(message, 'GrpcChannelArgumentWarning'),
  );
  const router: CallRouter = {
    routes: routes(options),
    maxReceive: args.maxReceive ?? limit,
    maxSend: args.maxSend ?? limit,
    tokenDigest: options.authToken ? digestToken(options.authToken) : undefined,
  };
  const settings: Settings = {
    initialWindowSize: STREAM_WINDOW,
    maxConcurrentStreams: args.maxConcurrentStreams ?? 1000,
    ...(args.maxFrameSize === undefined ? {} : { maxFrameSize: args.maxFrameSize }),
  };
  // maxSessionMemory (MB) bounds what nghttp2 buffers per connection before refusing new streams.
  const server = createServer({ settings, maxSessionMemory: 256 });
  const sessions = new Set<Http2Session>();
  let closing = false;
  server.on('session', (session) => {
    session.on('error', ignore);
    if (closing) return session.close();
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setLocalWindowSize(CONNECTION_WINDOW);
  });
  server.on('sessionError', ignore);
  server.on('stream', (stream, headers) => serveStream(router, stream, headers));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8500, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shutdown = (graceMs = 5000) =>
    new Promise<void>((resolve) => {
      closing = true;
      const force = setTimeout(() => {
        for (const s of sessions) s.destroy();
      }, graceMs);
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      // GOAWAY: clients open no new streams here; each session closes once its calls are answered.
      for (const s of sessions) s.close();
    });
  return { server, port, shutdown };
}

/** The routes of both services, by `:path`. */
function routes(options: GrpcServerOptions): Map<string, UnaryRoute> {
  const { manager } = options;
  const observers = options.observers ?? [];
  const ctx: HandlerContext = { manager, hooks: options.hooks ?? {}, tensorContent: options.tensorContent ?? false };
  // Inference calls report one event each (TF Serving counts and times exactly these over gRPC).
  const reporter =
    (api: ServingApi): UnaryRoute['report'] =>
    (req: { model_spec?: { name?: string } | null }, status, latencyMicros, timing) => {
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
    };
  const out = new Map<string, UnaryRoute>();
  add(out, servingRoot().lookupService('tensorflow.serving.PredictionService'), {
    Predict: {
      handler: (req, timing) => handlePredict(ctx, req, timing),
      decode: readPredictRequest,
      report: reporter('predict'),
      frame: predictResponseFrame,
    },
    Classify: { handler: (req, timing) => handleClassify(ctx, req, timing), report: reporter('classify') },
    Regress: { handler: (req, timing) => handleRegress(ctx, req, timing), report: reporter('regress') },
    GetModelMetadata: { handler: async (req) => handleGetModelMetadata(ctx, req) },
    MultiInference: {
      handler: async () => {
        throw new ServingError(
          'UNIMPLEMENTED',
          'MultiInference is not supported by tfscale; call Classify and Regress.',
        );
      },
    },
  });
  add(out, servingRoot().lookupService('tensorflow.serving.ModelService'), {
    GetModelStatus: { handler: async (req) => handleGetModelStatus(manager, req) },
    HandleReloadConfigRequest: { handler: async (req) => handleReloadConfig(manager, req) },
  });
  return out;
}

type RouteParts = Omit<UnaryRoute, 'request' | 'response'>;

function add(out: Map<string, UnaryRoute>, service: Service, parts: Record<string, RouteParts>): void {
  for (const method of service.methodsArray) {
    const part = parts[method.name];
    if (!part) continue; // methods the API defines but nobody implements stay UNIMPLEMENTED
    method.resolve();
    out.set(`/${service.fullName.slice(1)}/${method.name}`, {
      request: method.resolvedRequestType!,
      response: method.resolvedResponseType!,
      ...part,
    });
  }
}

function ignore(): void {
  // A broken connection only ends its own calls.
}
