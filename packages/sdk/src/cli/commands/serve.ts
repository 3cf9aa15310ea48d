import * as path from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../../backend/select-backend';
import { invalidValue, TfscaleError } from '../../core/errors';
import { ConsoleLogger } from '../../core/logger';
import { BackendRegistryToken } from '../../core/tokens';
import { createSdkContainerWithPlugins } from '../../sdk-container';
import { readBatchingParameters } from '../../serving/batcher/batching-parameters';
import { parseChannelArguments } from '../../serving/grpc/grpc-channel-args';
import { readModelConfigFile, singleModelConfig } from '../../serving/model-config';
import { type RunningModelServer, startModelServer } from '../../serving/model-server';
import { readMonitoringConfig } from '../../serving/prometheus-config';
import { servingRuntimeRegistry } from '../../serving/runtimes/runtime-registry';
import type { ModelVersionEvent, SignatureSpec } from '../../serving/types';

interface ServeFlags {
  model_name: string;
  model_base_path?: string;
  model_config_file?: string;
  rest_api_port: string;
  port: string;
  file_system_poll_wait_seconds: string;
  enable_batching?: string | boolean;
  batching_parameters_file?: string;
  monitoring_config_file?: string;
  rest_api_enable_cors_support?: string | boolean;
  allow_version_labels_for_unavailable_models?: string | boolean;
  rest_api_timeout_in_ms: string;
  host: string;
  authToken?: string;
  maxBodyBytes: string;
  runtime?: string;
  tensorflow_intra_op_parallelism?: string;
  tensorflow_inter_op_parallelism?: string;
  grpc_channel_arguments?: string;
}

function int(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw invalidValue(name, value, `an integer in [${min}, ${max}]`);
  return n;
}

function seconds(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw invalidValue(name, value, 'a number of seconds (0 polls once)');
  return n;
}

/** TF Serving's bool flags: bare, or `=true/false/1/0`. */
function bool(name: string, value: string | boolean | undefined): boolean {
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  if (/^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  throw invalidValue(name, value, 'true or false');
}

/** TensorFlow reads its thread counts from the environment once, before the first session. */
function tensorflowThreads(flags: ServeFlags): void {
  const intra = int('tensorflow_intra_op_parallelism', flags.tensorflow_intra_op_parallelism ?? '0', 0, 4096);
  if (intra > 0) process.env.TF_NUM_INTRAOP_THREADS = String(intra);
  if (flags.tensorflow_inter_op_parallelism !== undefined)
    process.env.TF_NUM_INTEROP_THREADS = String(
      int('tensorflow_inter_op_parallelism', flags.tensorflow_inter_op_parallelism, -1, 4096),
    );
}

/** A request body that fits a signature: zeros (or "") of its shape, -1 dims as 1, one example. */
function exampleBody(sig: SignatureSpec | undefined): string {
  if (!sig) return '{"instances": [[0.0]]}';
  const value = (t: SignatureSpec['inputs'][number]): unknown => {
    const leaf = t.dtype === 'string' ? '' : t.dtype === 'bool' ? false : t.dtype.startsWith('float') ? 0.5 : 0;
    const dims = (t.shape ?? []).slice(1).map((d) => (d < 0 ? 1 : d));
    return dims.reduceRight<unknown>((inner, d) => Array.from({ length: d }, () => inner), leaf);
  };
  const instance =
    sig.inputs.length === 1 ? value(sig.inputs[0]) : Object.fromEntries(sig.inputs.map((t) => [t.key, value(t)]));
  return JSON.stringify({ instances: [instance] });
}

/** One line per version that comes or goes after startup (TF Serving logs these too). */
function logVersion(e: ModelVersionEvent): void {
  if (e.state === 'AVAILABLE') {
    const trials = e.runtimeTrials
      ?.map(
        (t) => `${t.runtime} ${t.micros === undefined ? (t.error ? 'failed' : 'n/a') : `${Math.round(t.micros)} µs`}`,
      )
      .join(', ');
    const took = e.loadMillis === undefined ? '' : `, loaded in ${Math.round(e.loadMillis)} ms`;
    console.log(
      `model ${e.model}: version ${e.version} AVAILABLE on the ${e.runtime} runtime${took}${trials ? ` (probe: ${trials})` : ''}`,
    );
  } else if (e.state === 'END' && e.previous === 'UNLOADING')
    console.log(`model ${e.model}: version ${e.version} unloaded`);
}

function printReady(server: RunningModelServer, flags: ServeFlags): void {
  if (server.rest) {
    const base = `http://${server.rest.host.includes(':') ? `[${server.rest.host}]` : server.rest.host}:${server.rest.port}`;
    console.log(`REST API listening on ${base} (TF Serving /v1, KServe V2 /v2, /healthz)`);
    const auth = flags.authToken ? ' -H "Authorization: Bearer $TOKEN"' : '';
    for (const model of server.manager.modelNames()) {
      let sig: SignatureSpec | undefined;
      try {
        const lease = server.manager.acquire(model, {});
        sig = lease.servable.signatures.serving_default;
        console.log(`model ${model}: version ${lease.version} AVAILABLE on the ${lease.servable.runtime} runtime`);
        lease.release();
      } catch {
        // no version yet: a generic example
      }
      console.log(
        `  curl${auth} -d '${exampleBody(sig)}' -X POST ${base}/v1/models/${encodeURIComponent(model)}:predict`,
      );
    }
  }
  if (server.grpcPort !== undefined)
    console.log(`gRPC API listening on ${server.rest?.host ?? flags.host}:${server.grpcPort}`);
  if (server.metrics) console.log('Prometheus metrics on the REST port (--monitoring_config_file)');
  if (server.batcher) console.log(`Batching on: max_batch_size ${server.batcher.options.maxBatchSize}`);
}

/**
 * `tfscale serve`: TF Serving's model server, flag for flag (`--model_name`, `--model_base_path`,
 * `--model_config_file`, `--rest_api_port`, `--port`, …, also as `--flag=value`), plus `--host`,
 * `--auth-token`, `--max-body-bytes` and `--runtime`. SIGTERM / Ctrl-C drain in-flight requests
 * and exit 0.
 * @example
 *   registerServeCommand(program); // tfscale serve --model_name half --model_base_path models/half
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve models over TensorFlow Serving REST/gRPC and KServe V2')
    .option('--model_name <name>', 'name of the model in the API (with --model_base_path)', 'default')
    .option('--model_base_path <path>', 'folder holding numbered version folders')
    .option('--model_config_file <file>', 'text-proto ModelServerConfig (model_config_list); overrides the two above')
    .option('--rest_api_port <port>', 'REST port; 0 turns REST off', '8501')
    .option('--port <port>', 'gRPC port; 0 turns gRPC off', '8500')
    .option('--file_system_poll_wait_seconds <s>', 'seconds between polls for new versions; 0 polls once', '1')
    .option('--enable_batching [bool]', 'batch concurrent requests (TF Serving batching)')
    .option('--batching_parameters_file <file>', 'text-proto BatchingParameters')
    .option('--monitoring_config_file <file>', 'text-proto MonitoringConfig (Prometheus on the REST port)')
    .option('--rest_api_enable_cors_support [bool]', 'add CORS headers and answer preflights')
    .option(
      '--allow_version_labels_for_unavailable_models [bool]',
      'let --model_config_file labels name versions not loaded yet (e.g. at startup)',
    )
    .option('--rest_api_timeout_in_ms <ms>', 'REST model-call timeout; 0 waits forever', '30000')
    .option('--host <host>', 'address to bind (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--auth-token <token>', 'require "Authorization: Bearer <token>" (or set TFSCALE_AUTH_TOKEN)')
    .option('--max-body-bytes <n>', 'largest request body, after gzip', String(32 * 1024 * 1024))
    .option('--runtime <name>', 'force a serving runtime (savedmodel, tfjs, or a plugin’s)')
    .option(
      '--grpc_channel_arguments <list>',
      'gRPC channel arguments, name=value,… (max message lengths, max_concurrent_streams, http2.max_frame_size)',
    )
    .option('--tensorflow_intra_op_parallelism <n>', 'threads one TensorFlow op may use; 0: one per core', '0')
    .option(
      '--tensorflow_inter_op_parallelism <n>',
      'threads running independent TensorFlow ops; -1: in the thread that runs the model (default), 0: one per core',
    )
    .action(async (flags: ServeFlags) => {
      const restPort = int('rest_api_port', flags.rest_api_port, 0, 65535);
      const grpcPort = int('port', flags.port, 0, 65535);
      if (restPort !== 0 && restPort === grpcPort)
        throw invalidValue('rest_api_port', flags.rest_api_port, 'a port different from --port (gRPC)');
      if (!flags.model_config_file && !flags.model_base_path) {
        throw new TfscaleError(
          'TFSCALE_E_INVALID_VALUE',
          'Nothing to serve: give --model_base_path or --model_config_file.',
          {
            hint: 'tfscale serve --model_name half --model_base_path models/half',
          },
        );
      }
      const config = flags.model_config_file
        ? await readModelConfigFile(flags.model_config_file)
        : singleModelConfig(flags.model_name, path.resolve(flags.model_base_path as string));
      const batching = bool('enable_batching', flags.enable_batching)
        ? flags.batching_parameters_file
          ? readBatchingParameters(flags.batching_parameters_file)
          : {}
        : undefined;
      const monitoring = flags.monitoring_config_file ? readMonitoringConfig(flags.monitoring_config_file) : undefined;
      if (monitoring?.prometheus.enable && restPort === 0)
        throw invalidValue(
          'rest_api_port',
          '0',
          'a REST port: Prometheus metrics are served on it (--monitoring_config_file)',
        );
      tensorflowThreads(flags);
      const container = await createSdkContainerWithPlugins();
      await selectBackend(container.resolve(BackendRegistryToken));
      const server = await startModelServer({
        config,
        runtimes: servingRuntimeRegistry(container),
        runtime: flags.runtime,
        fileSystemPollWaitSeconds: seconds('file_system_poll_wait_seconds', flags.file_system_poll_wait_seconds),
        host: flags.host,
        restApiPort: restPort,
        grpcPort,
        enableCors: bool('rest_api_enable_cors_support', flags.rest_api_enable_cors_support),
        allowVersionLabelsForUnavailableModels: bool(
          'allow_version_labels_for_unavailable_models',
          flags.allow_version_labels_for_unavailable_models,
        ),
        restApiTimeoutMs: int('rest_api_timeout_in_ms', flags.rest_api_timeout_in_ms, 0),
        maxBodyBytes: int('max-body-bytes', flags.maxBodyBytes, 1),
        authToken: flags.authToken ?? process.env.TFSCALE_AUTH_TOKEN,
        grpcChannelArguments: flags.grpc_channel_arguments
          ? parseChannelArguments(flags.grpc_channel_arguments)
          : undefined,
        batching,
        monitoring,
        // Warnings (a base path with no version yet, a failed load) go to stderr, as TF Serving logs them.
        logger: new ConsoleLogger('warn', '[tfscale serve]'),
      });
      printReady(server, flags);
      server.manager.events?.on('version', logVersion);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => () => {
          console.log(`${signal}: finishing in-flight requests, then exiting`);
          void server.close().then(resolve, (err: Error) => {
            console.error(`Shutdown failed: ${err.message}`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', stop('SIGTERM'));
        process.once('SIGINT', stop('SIGINT'));
      });
      // Native runtimes may keep threads alive after unloading; the server is done.
      process.exit(process.exitCode ?? 0);
    });
}
