/**
 * Which cluster this process is part of. One numbered chain, first match wins (design
 * convention 6: instance > explicit config > environment > default):
 *
 * 1. `instance`: a {@link ClusterSpec} the caller built (tests, a custom launcher).
 * 2. `config`: the tfscale-native form given explicitly (run file, CLI), `{workers, rank}`.
 * 3. `TFSCALE_CLUSTER`: the same form as an environment variable (our local launcher sets it).
 * 4. `TF_CONFIG`: TensorFlow's variable (Kubeflow TFJob, Vertex AI, SageMaker TF, any TF tool);
 *    an empty cluster means single-process, as in TensorFlow.
 * 5. JobSet env: `JOBSET_NAME` (+ `REPLICATED_JOB_NAME`, `JOB_INDEX`, `JOB_COMPLETION_INDEX`).
 *    Before 6 because JobSet pods also carry `JOB_COMPLETION_INDEX`.
 * 6. Indexed Job env: `JOB_COMPLETION_INDEX` + `TFSCALE_HOSTS` or `TFSCALE_HOST_PATTERN` with
 *    `TFSCALE_WORLD_SIZE`.
 * 7. Nothing: `undefined`, a single process.
 *
 * A source that is present but wrong throws (coded) instead of falling through: a typo in
 * TF_CONFIG must not silently train N independent single-process models.
 */
import { CLUSTER_ENV, type ClusterEnv, readVariable } from './cluster-env';
import type { ClusterSpec } from './cluster-spec';
import { clusterFromIndexedJobEnv } from './indexed-job-env';
import { clusterFromJobSetEnv } from './jobset-env';
import { clusterFromNativeConfig, type NativeClusterConfig, parseNativeCluster } from './native-config';
import { clusterFromTfConfig, parseTfConfig } from './tf-config';

/**
 * Inputs of {@link resolveCluster}, highest priority first.
 *
 * @example
 * ```ts
 * resolveCluster({ config: { workers: ['h1:7000', 'h2:7000'], rank: 0 } });
 * ```
 */
export interface ResolveClusterOptions {
  readonly instance?: ClusterSpec;
  readonly config?: NativeClusterConfig;
  /** Defaults to `process.env`. */
  readonly env?: ClusterEnv;
}

/**
 * Resolves the cluster by the chain above; `undefined` means single-process. Throws
 * `TFSCALE_E_CLUSTER_INVALID` or `TFSCALE_E_CLUSTER_NOT_JSON` for a source that is set but wrong.
 *
 * @example
 * ```ts
 * const spec = resolveCluster();
 * if (!spec) return new OneDeviceStrategy();
 * logger.info(`rank ${spec.ranks.rank} of ${spec.ranks.worldSize} (from ${spec.source})`);
 * ```
 */
export function resolveCluster(options: ResolveClusterOptions = {}): ClusterSpec | undefined {
  if (options.instance) return options.instance;
  if (options.config) return clusterFromNativeConfig(options.config);
  const env = options.env ?? process.env;
  const native = readVariable(env, CLUSTER_ENV.cluster);
  if (native !== undefined) return parseNativeCluster(native);
  const tfConfig = readVariable(env, CLUSTER_ENV.tfConfig);
  // An empty TF_CONFIG cluster is TensorFlow's single-process setting, so it ends the chain too.
  if (tfConfig !== undefined) return clusterFromTfConfig(parseTfConfig(tfConfig));
  return clusterFromJobSetEnv(env) ?? clusterFromIndexedJobEnv(env);
}
