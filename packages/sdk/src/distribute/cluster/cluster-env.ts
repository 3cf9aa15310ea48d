/**
 * The environment variables cluster resolution reads, and the small parsers the Kubernetes env
 * forms share. Names are data so that manifest generators (the kubernetes plugin) and the
 * resolver cannot drift apart.
 */
import { clusterError } from './cluster-error';

/**
 * Every variable cluster resolution reads.
 *
 * @example
 * ```ts
 * env[CLUSTER_ENV.hostPattern] = 'train-{index}.train-svc:2222';
 * ```
 */
export const CLUSTER_ENV = {
  /** TensorFlow's cluster variable (Kubeflow TFJob, Vertex AI, SageMaker TF set it). */
  tfConfig: 'TF_CONFIG',
  /** The tfscale-native form, `{"workers": [...], "rank": n}`. */
  cluster: 'TFSCALE_CLUSTER',
  /** Comma-separated `host:port` of every rank, in rank order. */
  hosts: 'TFSCALE_HOSTS',
  /** A `host:port` with `{index}` for the rank, e.g. `train-{index}.train-svc:2222`. */
  hostPattern: 'TFSCALE_HOST_PATTERN',
  /** The number of ranks (= the Job's `completions`). */
  worldSize: 'TFSCALE_WORLD_SIZE',
  /** JobSet only: the headless Service's name when not the JobSet's (`network.subdomain`). */
  subdomain: 'TFSCALE_SUBDOMAIN',
  /** JobSet only: the port of generated addresses (default 2222, TensorFlow's). */
  port: 'TFSCALE_PORT',
  /** Set by Kubernetes in every pod of an Indexed Job. */
  completionIndex: 'JOB_COMPLETION_INDEX',
  /** JobSet: from the pod label `jobset.sigs.k8s.io/jobset-name` via the downward API. */
  jobSetName: 'JOBSET_NAME',
  /** JobSet: from the pod label `jobset.sigs.k8s.io/replicatedjob-name`. */
  replicatedJobName: 'REPLICATED_JOB_NAME',
  /** JobSet: from the pod label `jobset.sigs.k8s.io/job-index`. */
  jobIndex: 'JOB_INDEX',
  /** JobSet: from the pod label `jobset.sigs.k8s.io/replicatedjob-replicas`. */
  replicatedJobReplicas: 'REPLICATED_JOB_REPLICAS',
} as const;

/**
 * An environment to read: `process.env` or a test's plain object.
 *
 * @example
 * ```ts
 * const env: ClusterEnv = { JOB_COMPLETION_INDEX: '1', TFSCALE_HOSTS: 'a:1,b:1' };
 * ```
 */
export type ClusterEnv = Readonly<Record<string, string | undefined>>;

/** TensorFlow's default port, also the TFJob operator's `tfjob-port` default. */
export const DEFAULT_CLUSTER_PORT = 2222;

/**
 * A variable's value, `undefined` when unset or blank (templating often leaves `""`).
 *
 * @example
 * ```ts
 * readVariable({ A: ' ' }, 'A'); // undefined
 * ```
 */
export function readVariable(env: ClusterEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * An integer variable with a lower bound; `undefined` when unset.
 *
 * @example
 * ```ts
 * readInteger({ TFSCALE_WORLD_SIZE: '4' }, 'TFSCALE_WORLD_SIZE', 1); // 4
 * ```
 */
export function readInteger(env: ClusterEnv, name: string, min: number, hint?: string): number | undefined {
  const text = readVariable(env, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw clusterError(name, text, `an integer >= ${min}`, hint);
  }
  return Number(text);
}

/**
 * The addresses of `worldSize` ranks from `TFSCALE_HOSTS` or `TFSCALE_HOST_PATTERN`, or
 * `undefined` when neither is set. `worldSize` is required with a pattern and checked against
 * a list.
 *
 * @example
 * ```ts
 * hostsFromEnv({ TFSCALE_HOST_PATTERN: 't-{index}.svc:7000' }, 2); // ['t-0.svc:7000', 't-1.svc:7000']
 * ```
 */
export function hostsFromEnv(env: ClusterEnv, worldSize: number | undefined): string[] | undefined {
  const list = readVariable(env, CLUSTER_ENV.hosts);
  const pattern = readVariable(env, CLUSTER_ENV.hostPattern);
  if (list !== undefined && pattern !== undefined) {
    throw clusterError(CLUSTER_ENV.hostPattern, pattern, `unset when ${CLUSTER_ENV.hosts} is set (one host list only)`);
  }
  if (list !== undefined) {
    const hosts = list.split(',').map((host) => host.trim());
    if (worldSize !== undefined && hosts.length !== worldSize) {
      throw clusterError(CLUSTER_ENV.hosts, list, `${worldSize} addresses (${CLUSTER_ENV.worldSize}=${worldSize})`);
    }
    return hosts;
  }
  if (pattern === undefined) return undefined;
  if (!pattern.includes('{index}')) {
    throw clusterError(
      CLUSTER_ENV.hostPattern,
      pattern,
      'a "host:port" containing {index}, e.g. "train-{index}.train-svc:2222"',
    );
  }
  if (worldSize === undefined) {
    throw clusterError(
      CLUSTER_ENV.worldSize,
      undefined,
      `the number of ranks, required with ${CLUSTER_ENV.hostPattern}`,
    );
  }
  return Array.from({ length: worldSize }, (_, i) => pattern.replaceAll('{index}', String(i)));
}
