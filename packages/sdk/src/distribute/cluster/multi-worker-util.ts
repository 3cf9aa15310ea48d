/**
 * TensorFlow's cluster rules, ported from `tensorflow/python/distribute/multi_worker_util.py`
 * (`_validate_cluster_spec`, `worker_count`, `id_in_cluster`, `is_chief`, `collective_leader`) so
 * that every process agrees with a Python TensorFlow peer on who is rank 0 and who is the chief.
 * Differences, all stricter and documented where they apply: empty jobs, negative indices,
 * duplicate addresses and clusters with neither chief nor worker are refused up front (TF would
 * fail later, at server start or with an assertion).
 */
import { clusterError } from './cluster-error';

/**
 * The task types TensorFlow accepts in a cluster (`master` is mapped to `chief` by the TF_CONFIG
 * parser before these rules run).
 *
 * @example
 * ```ts
 * TASK_TYPES.includes('ps'); // true
 * ```
 */
export const TASK_TYPES = ['chief', 'worker', 'ps', 'evaluator'] as const;

/**
 * One of {@link TASK_TYPES}.
 *
 * @example
 * ```ts
 * const type: TaskType = 'worker';
 * ```
 */
export type TaskType = (typeof TASK_TYPES)[number];

/**
 * A task: its type and 0-based index within that type (TF's `task_type`, `task_id`).
 *
 * @example
 * ```ts
 * const self: TaskRef = { type: 'worker', index: 1 };
 * ```
 */
export interface TaskRef {
  readonly type: TaskType;
  readonly index: number;
}

/**
 * The cluster as TF's `ClusterSpec.as_dict()`: job name → addresses, index = position.
 *
 * @example
 * ```ts
 * const jobs: ClusterJobs = { chief: ['host0:2222'], worker: ['host1:2222', 'host2:2222'] };
 * ```
 */
export type ClusterJobs = Readonly<Partial<Record<TaskType, readonly string[]>>>;

/**
 * The user-facing names of the cluster's parts, used in error messages.
 *
 * @example
 * ```ts
 * const names: ClusterFieldNames = { cluster: 'TF_CONFIG.cluster', type: 'TF_CONFIG.task.type', index: 'TF_CONFIG.task.index' };
 * ```
 */
export interface ClusterFieldNames {
  readonly cluster: string;
  readonly type: string;
  readonly index: string;
  /** A job's name when it is not `<cluster>.<type>` (the native form's `workers`). */
  readonly job?: (type: TaskType) => string;
}

const DEFAULT_NAMES: ClusterFieldNames = { cluster: 'cluster', type: 'task.type', index: 'task.index' };

/**
 * TF's `_validate_cluster_spec(cluster, task_type, task_id)` plus our stricter checks; throws
 * `TFSCALE_E_CLUSTER_INVALID` naming the bad part. An evaluator may be absent from the cluster
 * (TF allows it for Estimator compatibility).
 *
 * @example
 * ```ts
 * validateClusterJobs({ worker: ['a:1', 'b:1'] }, { type: 'worker', index: 2 }); // throws: index out of range
 * ```
 */
export function validateClusterJobs(jobs: ClusterJobs, self: TaskRef, names: ClusterFieldNames = DEFAULT_NAMES): void {
  const seen = new Map<string, string>();
  for (const [type, addresses] of Object.entries(jobs)) {
    const job = jobName(names, type);
    if (!(TASK_TYPES as readonly string[]).includes(type)) {
      throw clusterError(names.cluster, Object.keys(jobs), `only the task types ${TASK_TYPES.join(', ')}`);
    }
    if (!Array.isArray(addresses) || addresses.length === 0) {
      throw clusterError(
        job,
        addresses,
        'a non-empty list of "host:port" addresses',
        `Remove \`${type}\` if it has no tasks.`,
      );
    }
    addresses.forEach((address: unknown, i) => {
      if (typeof address !== 'string' || address.length === 0 || /\s/.test(address)) {
        throw clusterError(`${job}[${i}]`, address, 'a "host:port" address without spaces');
      }
      const other = seen.get(address);
      if (other) throw clusterError(`${job}[${i}]`, address, `an address no other task uses (${other} has it)`);
      seen.set(address, `${job}[${i}]`);
    });
  }
  if ((jobs.chief?.length ?? 0) > 1) {
    throw clusterError(jobName(names, 'chief'), jobs.chief, 'at most one chief task', 'Make the extra chiefs workers.');
  }
  if ((jobs.evaluator?.length ?? 0) > 1)
    throw clusterError(jobName(names, 'evaluator'), jobs.evaluator, 'at most one evaluator task');
  if (!jobs.chief && !jobs.worker) {
    throw clusterError(names.cluster, Object.keys(jobs), 'a `chief` or a `worker` job: training needs at least one');
  }
  if (!(TASK_TYPES as readonly string[]).includes(self.type)) {
    throw clusterError(names.type, self.type, `one of ${TASK_TYPES.join(', ')}`);
  }
  if (!Number.isSafeInteger(self.index) || self.index < 0)
    throw clusterError(names.index, self.index, 'an integer >= 0');
  const count = jobs[self.type]?.length;
  if (count === undefined && self.type !== 'evaluator') {
    throw clusterError(names.type, self.type, `a job of the cluster (${Object.keys(jobs).join(', ')})`);
  }
  if (count !== undefined && self.index >= count) {
    throw clusterError(names.index, self.index, `an index below ${count} (${jobName(names, self.type)} has ${count})`);
  }
}

/**
 * TF's `worker_count(cluster, task_type)`: chief + workers for a chief or worker ("the chief is
 * also a worker"); the evaluator count for an evaluator, which is a cluster of its own (1 when
 * the evaluator is absent from the cluster, where TF raises a KeyError). Throws for `ps`, as TF.
 *
 * @example
 * ```ts
 * workerCount({ chief: ['c:1'], worker: ['w0:1', 'w1:1'] }, { type: 'worker', index: 0 }); // 3
 * ```
 */
export function workerCount(jobs: ClusterJobs, self: TaskRef, names: ClusterFieldNames = DEFAULT_NAMES): number {
  validateClusterJobs(jobs, self, names);
  if (self.type === 'evaluator') return jobs.evaluator?.length ?? 1;
  if (self.type === 'ps') throw notInGroup(self, names);
  return (jobs.chief?.length ?? 0) + (jobs.worker?.length ?? 0);
}

/**
 * TF's `id_in_cluster` (the MultiWorkerMirrored rank): chief → 0, worker i → i + len(chief),
 * evaluator → its index. Throws for `ps`, as TF.
 *
 * @example
 * ```ts
 * idInCluster({ chief: ['c:1'], worker: ['w0:1', 'w1:1'] }, { type: 'worker', index: 1 }); // 2
 * ```
 */
export function idInCluster(jobs: ClusterJobs, self: TaskRef, names: ClusterFieldNames = DEFAULT_NAMES): number {
  validateClusterJobs(jobs, self, names);
  if (self.type === 'chief') return 0;
  if (self.type === 'worker') return self.index + (jobs.chief?.length ?? 0);
  if (self.type === 'evaluator') return self.index;
  throw notInGroup(self, names);
}

/**
 * TF's `is_chief`: the chief, the evaluator ("a chief job on its own"), or worker 0 when the
 * cluster has no chief.
 *
 * @example
 * ```ts
 * isChief({ worker: ['w0:1', 'w1:1'] }, { type: 'worker', index: 0 }); // true
 * ```
 */
export function isChief(jobs: ClusterJobs, self: TaskRef, names: ClusterFieldNames = DEFAULT_NAMES): boolean {
  validateClusterJobs(jobs, self, names);
  if (self.type === 'chief' || self.type === 'evaluator') return true;
  return jobs.chief === undefined && self.type === 'worker' && self.index === 0;
}

/**
 * TF's `collective_leader` as a task: `chief:0` if there is a chief, else `worker:0`;
 * `undefined` for the evaluator (TF returns "").
 *
 * @example
 * ```ts
 * collectiveLeader({ worker: ['w0:1', 'w1:1'] }, { type: 'worker', index: 1 }); // { type: 'worker', index: 0 }
 * ```
 */
export function collectiveLeader(
  jobs: ClusterJobs,
  self: TaskRef,
  names: ClusterFieldNames = DEFAULT_NAMES,
): TaskRef | undefined {
  validateClusterJobs(jobs, self, names);
  if (self.type === 'evaluator') return undefined;
  return jobs.chief ? { type: 'chief', index: 0 } : { type: 'worker', index: 0 };
}

function jobName(names: ClusterFieldNames, type: string): string {
  return names.job?.(type as TaskType) ?? `${names.cluster}.${type}`;
}

function notInGroup(self: TaskRef, names: ClusterFieldNames) {
  return clusterError(
    names.type,
    self.type,
    'chief, worker or evaluator: a ps task is not part of a MultiWorkerMirrored group',
    'Parameter-server clusters are read with parameterServerRoles().',
  );
}
