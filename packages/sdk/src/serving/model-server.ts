/**
 * The whole model server in one call, as `tfscale serve` (and the VS Code extension) start it:
 * the file-system model manager, the REST front end (TF Serving + KServe V2), TF Serving's gRPC
 * API, optional batching shared by both, optional Prometheus metrics on the REST port, and one
 * graceful `close()` for all of it.
 */
import type { Logger } from '../core/logger';
import type { Registry } from '../core/registry';
import { Batcher } from './batcher';
import type { BatchingOptions } from './batcher/batching-parameters';
import type { GrpcChannelArguments } from './grpc/grpc-channel-args';
import { startGrpcServer } from './grpc/grpc-server';
import { ModelHttpServer } from './http-server';
import { ServingMetrics } from './metrics';
import type { ModelServerConfig } from './model-config';
import { FileSystemModelManager } from './model-manager';
import type { PredictHooks, RequestObserver } from './predict-hooks';
import { type MonitoringConfig, prometheusHandler } from './prometheus-config';
import type { ServingRuntime } from './types';

/**
 * What to serve and how; names follow TF Serving's flags.
 * @example
 *   const options: ModelServerOptions = { config: singleModelConfig('half', 'models/half'), runtimes, restApiPort: 8501, grpcPort: 0 };
 */
export interface ModelServerOptions {
  readonly config: ModelServerConfig;
  readonly runtimes: readonly ServingRuntime[] | Pick<Registry<ServingRuntime>, 'list'>;
  /** `--runtime`: force one runtime for `tensorflow` models. */
  readonly runtime?: string;
  /** `--file_system_poll_wait_seconds` (default 1). */
  readonly fileSystemPollWaitSeconds?: number;
  /** Address both ports bind (default 127.0.0.1). */
  readonly host?: string;
  /** `--rest_api_port` (default 8501); 0 turns REST off. */
  readonly restApiPort?: number;
  /** `--port`, TF Serving's gRPC API (default 8500); 0 turns gRPC off. */
  readonly grpcPort?: number;
  /** `--allow_version_labels_for_unavailable_models`: config labels may name versions not loaded yet. */
  readonly allowVersionLabelsForUnavailableModels?: boolean;
  /** `--rest_api_enable_cors_support`. */
  readonly enableCors?: boolean;
  /** `--rest_api_timeout_in_ms` (default 30000; 0 waits forever). */
  readonly restApiTimeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly authToken?: string;
  /** `--grpc_channel_arguments` (see grpc/grpc-channel-args.ts for the ones that apply). */
  readonly grpcChannelArguments?: GrpcChannelArguments;
  /** `--enable_batching` with these parameters. */
  readonly batching?: Partial<BatchingOptions>;
  /** `--monitoring_config_file`. */
  readonly monitoring?: MonitoringConfig;
  readonly logger?: Logger;
}

/**
 * A started model server.
 * @example
 *   const server = await startModelServer(options); console.log(server.rest?.port); await server.close();
 */
export interface RunningModelServer {
  readonly manager: FileSystemModelManager;
  readonly http?: ModelHttpServer;
  /** Bound REST address, when REST is on. */
  readonly rest?: { host: string; port: number };
  /** Bound gRPC port, when gRPC is on. */
  readonly grpcPort?: number;
  readonly metrics?: ServingMetrics;
  readonly batcher?: Batcher;
  /** Stops accepting, finishes in-flight requests and queued batches, unloads every model. */
  close(): Promise<void>;
}

/**
 * Loads the configured models, then opens the ports. Rejects (with everything closed again) when
 * a model fails to load, as TF Serving exits then.
 * @example
 *   const server = await startModelServer({ config, runtimes: servingRuntimeRegistry(container) });
 */
export async function startModelServer(options: ModelServerOptions): Promise<RunningModelServer> {
  const restPort = options.restApiPort ?? 8501;
  const grpcPort = options.grpcPort ?? 8500;
  const host = options.host ?? '127.0.0.1';
  const manager = new FileSystemModelManager({
    runtimes: options.runtimes,
    runtime: options.runtime,
    fileSystemPollWaitSeconds: options.fileSystemPollWaitSeconds,
    allowVersionLabelsForUnavailableModels: options.allowVersionLabelsForUnavailableModels,
    logger: options.logger,
  });
  const prometheus = options.monitoring?.prometheus.enable ? options.monitoring.prometheus : undefined;
  const metrics = prometheus ? new ServingMetrics() : undefined;
  metrics?.watchModels(manager);
  const batcher = options.batching ? new Batcher(options.batching, metrics) : undefined;
  const observers: RequestObserver[] = metrics ? [metrics.observe] : [];
  const modelHooks: PredictHooks = batcher ? { wrapPredict: batcher.wrap } : {};
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  closers.push(() => manager.close());
  if (batcher) closers.push(() => batcher.close());
  try {
    await manager.start(options.config);
    let http: ModelHttpServer | undefined;
    let rest: { host: string; port: number } | undefined;
    if (restPort !== 0) {
      http = new ModelHttpServer({
        manager,
        host,
        port: restPort,
        enableCors: options.enableCors,
        maxBodyBytes: options.maxBodyBytes,
        authToken: options.authToken,
        hooks: { ...modelHooks, timeoutMs: options.restApiTimeoutMs ?? 30_000 },
        observers,
      });
      if (metrics && prometheus) http.addRoute('GET', prometheus.path, prometheusHandler(metrics), { auth: false });
      rest = await http.listen();
      const started = http;
      closers.push(() => started.close());
    }
    let boundGrpc: number | undefined;
    if (grpcPort !== 0) {
      const grpc = await startGrpcServer({
        manager,
        host,
        port: grpcPort,
        hooks: modelHooks,
        observers,
        authToken: options.authToken,
        logger: options.logger,
        channelOptions: options.grpcChannelArguments,
      });
      boundGrpc = grpc.port;
      closers.push(() => grpc.shutdown(30_000));
    }
    return { manager, http, rest, grpcPort: boundGrpc, metrics, batcher, close };
  } catch (err) {
    await close();
    throw err;
  }
}
