/**
 * `TF_CONFIG`, read the way TensorFlow's `TFConfigClusterResolver` and `multi_worker_util` read it:
 * `{"cluster": {job: [addresses] | {index: address}}, "task": {"type", "index"}}`, with
 * `rpc_layer` and `environment` kept and every other key ignored (managed services add `job`,
 * `trial`, …). `master` is the legacy name of `chief` (TF 1 Estimator, Kubeflow, SageMaker PS mode).
 * A missing or empty `cluster` means single-process, as in TensorFlow.
 */
import { closestMatch } from '../../core/did-you-mean';
import { clusterError, parseJsonVariable } from './cluster-error';
import { type ClusterSpec, clusterJobs, createClusterSpec } from './cluster-spec';
import { type ClusterJobs, TASK_TYPES, type TaskRef, type TaskType } from './multi-worker-util';

/**
 * A parsed `TF_CONFIG`; `master` already renamed to `chief`.
 *
 * @example
 * ```ts
 * const config: TfConfig = { cluster: { worker: ['a:2222', 'b:2222'] }, task: { type: 'worker', index: 0 } };
 * ```
 */
export interface TfConfig {
  readonly cluster: ClusterJobs;
  readonly task?: TaskRef;
  readonly rpcLayer?: string;
  readonly environment?: string;
}

const EXAMPLE = '{"cluster": {"worker": ["host0:2222", "host1:2222"]}, "task": {"type": "worker", "index": 0}}';
const KNOWN = [...TASK_TYPES, 'master'];

/**
 * Parses the text of a `TF_CONFIG` variable (see {@link parseTfConfigValue}).
 *
 * @example
 * ```ts
 * parseTfConfig('{"cluster": {"chief": ["c:2222"], "worker": ["w:2222"]}, "task": {"type": "worker", "index": 0}}');
 * ```
 */
export function parseTfConfig(text: string, name = 'TF_CONFIG'): TfConfig {
  return parseTfConfigValue(parseJsonVariable(name, text, EXAMPLE), name);
}

/**
 * Checks and normalises a `TF_CONFIG` object; throws `TFSCALE_E_CLUSTER_INVALID` naming the bad
 * part (`TF_CONFIG.cluster.worker[1]`, `TF_CONFIG.task.type`, …). The task is only required when
 * the cluster is not empty.
 *
 * @example
 * ```ts
 * parseTfConfigValue({ cluster: { master: ['m:2222'] }, task: { type: 'master', index: 0 } }).task; // { type: 'chief', index: 0 }
 * ```
 */
export function parseTfConfigValue(value: unknown, name = 'TF_CONFIG'): TfConfig {
  if (!isObject(value)) throw clusterError(name, value, `a JSON object such as ${EXAMPLE}`);
  if (value.cluster === undefined && value.sparseCluster !== undefined) {
    throw clusterError(`${name}.sparseCluster`, value.sparseCluster, 'a full `cluster`', SPARSE_HINT);
  }
  const cluster = parseCluster(value.cluster ?? {}, `${name}.cluster`);
  const empty = Object.keys(cluster).length === 0;
  const task = empty || value.task === undefined ? undefined : parseTask(value.task, `${name}.task`);
  return {
    cluster,
    ...(task ? { task } : {}),
    ...(typeof value.rpc_layer === 'string' ? { rpcLayer: value.rpc_layer } : {}),
    ...(typeof value.environment === 'string' ? { environment: value.environment } : {}),
  };
}

/**
 * The cluster a parsed `TF_CONFIG` describes, or `undefined` when its cluster is empty
 * (single-process, as TensorFlow). A non-empty cluster needs a `task` (MultiWorkerMirrored and
 * ParameterServer both refuse to start without one).
 *
 * @example
 * ```ts
 * clusterFromTfConfig(parseTfConfig(process.env.TF_CONFIG ?? '{}'))?.ranks.rank;
 * ```
 */
export function clusterFromTfConfig(config: TfConfig, name = 'TF_CONFIG'): ClusterSpec | undefined {
  if (Object.keys(config.cluster).length === 0) return undefined;
  if (!config.task) {
    throw clusterError(`${name}.task`, undefined, '{"type": ..., "index": ...} naming this process', TASK_HINT);
  }
  return createClusterSpec({
    jobs: config.cluster,
    self: config.task,
    source: 'tf-config',
    names: { cluster: `${name}.cluster`, type: `${name}.task.type`, index: `${name}.task.index` },
    ...(config.rpcLayer === undefined ? {} : { rpcLayer: config.rpcLayer }),
    ...(config.environment === undefined ? {} : { environment: config.environment }),
  });
}

/**
 * The `TF_CONFIG` object for one task of a cluster (what a launcher sets for each process).
 *
 * @example
 * ```ts
 * process.env.TF_CONFIG = JSON.stringify(toTfConfig(spec));
 * ```
 */
export function toTfConfig(spec: Pick<ClusterSpec, 'tasks' | 'self' | 'rpcLayer' | 'environment'>): object {
  return {
    cluster: clusterJobs(spec),
    task: { type: spec.self.type, index: spec.self.index },
    ...(spec.rpcLayer === undefined ? {} : { rpc_layer: spec.rpcLayer }),
    ...(spec.environment === undefined ? {} : { environment: spec.environment }),
  };
}

const SPARSE_HINT =
  'This is a Kubeflow TFJob with `enableDynamicWorker: true`, which hides the other workers; set it to false so every worker gets the full cluster.';
const TASK_HINT = 'Every process of a cluster needs its own task, e.g. "task": {"type": "worker", "index": 0}.';

function parseCluster(value: unknown, name: string): ClusterJobs {
  if (!isObject(value)) throw clusterError(name, value, 'an object mapping job names to address lists');
  const jobs: Partial<Record<TaskType, readonly string[]>> = {};
  for (const [job, tasks] of Object.entries(value)) {
    const type = taskType(job, `${name}.${job}`, 'a job name');
    if (jobs[type])
      throw clusterError(`${name}.${job}`, tasks, `no second ${type} job (chief and master are the same job)`);
    jobs[type] = parseTasks(tasks, `${name}.${job}`);
  }
  return jobs;
}

/** A job as a list, or TF's sparse form {"index": address}; gaps are refused (peers need every address). */
function parseTasks(value: unknown, name: string): readonly string[] {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) throw clusterError(name, value, 'a list of "host:port" addresses');
  const entries = Object.entries(value);
  for (const [key] of entries) {
    if (!/^\d+$/.test(key)) throw clusterError(`${name}.${key}`, key, 'a task index (sparse form {"0": "host:port"})');
  }
  const byIndex = new Map(entries.map(([key, address]) => [Number(key), address]));
  const list = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i));
  const gap = list.findIndex((_, i) => !byIndex.has(i));
  if (gap >= 0) {
    throw clusterError(
      name,
      value,
      `every task index from 0 to ${list.length - 1} (index ${gap} is missing)`,
      SPARSE_HINT,
    );
  }
  return list as string[];
}

function parseTask(value: unknown, name: string): TaskRef {
  if (!isObject(value)) throw clusterError(name, value, '{"type": ..., "index": ...}', TASK_HINT);
  const type = taskType(value.type, `${name}.type`, 'the task type');
  const index = value.index;
  // TF reads the index with int(): JSON numbers and decimal strings both occur in the wild.
  if (typeof index === 'string' && /^\d+$/.test(index)) return { type, index: Number(index) };
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw clusterError(`${name}.index`, index, 'an integer >= 0', TASK_HINT);
  }
  return { type, index };
}

function taskType(value: unknown, name: string, what: string): TaskType {
  if (value === 'master') return 'chief';
  if (typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value)) return value as TaskType;
  const near = typeof value === 'string' ? closestMatch(value, KNOWN) : undefined;
  throw clusterError(name, value, `${what} among ${KNOWN.join(', ')}`, near ? `Did you mean "${near}"?` : undefined);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
