/**
 * The resolved cluster every distributed piece reads: all tasks with addresses, which task this
 * process is, and its MultiWorkerMirrored rank. Built only through {@link createClusterSpec}, so
 * TensorFlow's rules have always been checked, whatever the source.
 */
import {
  type ClusterFieldNames,
  type ClusterJobs,
  collectiveLeader,
  idInCluster,
  isChief,
  TASK_TYPES,
  type TaskRef,
  type TaskType,
  validateClusterJobs,
} from './multi-worker-util';

/**
 * One task of the cluster with its `host:port`.
 *
 * @example
 * ```ts
 * const task: ClusterTask = { type: 'worker', index: 0, address: 'train-0.train-svc:2222' };
 * ```
 */
export interface ClusterTask extends TaskRef {
  readonly address: string;
}

/**
 * Where a cluster came from (the step of `resolveCluster` that produced it).
 *
 * @example
 * ```ts
 * if (spec.source === 'tf-config') logger.info('cluster from TF_CONFIG');
 * ```
 */
export type ClusterSource = 'instance' | 'tfscale-config' | 'tfscale-env' | 'tf-config' | 'jobset' | 'indexed-job';

/**
 * This process's place in the synchronous (MultiWorkerMirrored) training group: the chief and
 * the workers, chief first.
 *
 * @example
 * ```ts
 * const { rank, worldSize, isChief } = spec.ranks; // worker 1 of chief+2 workers: 2, 3, false
 * ```
 */
export interface ClusterRanks {
  /** TF `worker_count` for training tasks: len(chief) + len(worker). Same on every task. */
  readonly worldSize: number;
  /** TF `id_in_cluster` for a chief or worker; `undefined` for ps and evaluator (outside the group). */
  readonly rank: number | undefined;
  /** TF `is_chief`: the chief, the evaluator, or worker 0 when there is no chief. */
  readonly isChief: boolean;
  /** TF `collective_leader` (chief:0, else worker:0); `undefined` for the evaluator. */
  readonly leader: TaskRef | undefined;
  /** The group's addresses indexed by rank. */
  readonly peers: readonly string[];
}

/**
 * A resolved cluster.
 *
 * @example
 * ```ts
 * const spec = resolveCluster();
 * if (spec?.ranks.rank !== undefined) await connectRing(spec.ranks.peers, spec.ranks.rank);
 * ```
 */
export interface ClusterSpec {
  /** Every task, ordered chief, worker, ps, evaluator, then by index. */
  readonly tasks: readonly ClusterTask[];
  readonly self: TaskRef;
  readonly ranks: ClusterRanks;
  readonly source: ClusterSource;
  /** TF_CONFIG's `rpc_layer` (TF's default is "grpc"), when given. */
  readonly rpcLayer?: string;
  /** TF_CONFIG's `environment` (e.g. "cloud"), when given. */
  readonly environment?: string;
}

/**
 * What {@link createClusterSpec} builds from.
 *
 * @example
 * ```ts
 * const input: ClusterSpecInput = { jobs: { worker: ['a:1', 'b:1'] }, self: { type: 'worker', index: 1 }, source: 'instance' };
 * ```
 */
export interface ClusterSpecInput {
  readonly jobs: ClusterJobs;
  readonly self: TaskRef;
  readonly source: ClusterSource;
  readonly rpcLayer?: string;
  readonly environment?: string;
  /** Field names for error messages (default `cluster`, `task.type`, `task.index`). */
  readonly names?: ClusterFieldNames;
}

/**
 * Validates a cluster with TensorFlow's rules and computes the ranks; throws
 * `TFSCALE_E_CLUSTER_INVALID` naming the bad part.
 *
 * @example
 * ```ts
 * const spec = createClusterSpec({
 *   jobs: { chief: ['c:2222'], worker: ['w0:2222', 'w1:2222'] },
 *   self: { type: 'worker', index: 1 },
 *   source: 'instance',
 * });
 * spec.ranks; // { worldSize: 3, rank: 2, isChief: false, leader: { type: 'chief', index: 0 }, peers: ['c:2222', 'w0:2222', 'w1:2222'] }
 * ```
 */
export function createClusterSpec(input: ClusterSpecInput): ClusterSpec {
  const { jobs, self, names } = input;
  validateClusterJobs(jobs, self, names);
  const tasks = TASK_TYPES.flatMap((type) =>
    (jobs[type] ?? []).map((address, index): ClusterTask => ({ type, index, address })),
  );
  const peers = [...(jobs.chief ?? []), ...(jobs.worker ?? [])];
  const inGroup = self.type === 'chief' || self.type === 'worker';
  const ranks: ClusterRanks = {
    worldSize: peers.length,
    rank: inGroup ? idInCluster(jobs, self, names) : undefined,
    isChief: isChief(jobs, self, names),
    leader: collectiveLeader(jobs, self, names),
    peers,
  };
  return {
    tasks,
    self: { type: self.type, index: self.index },
    ranks,
    source: input.source,
    ...(input.rpcLayer === undefined ? {} : { rpcLayer: input.rpcLayer }),
    ...(input.environment === undefined ? {} : { environment: input.environment }),
  };
}

/**
 * The jobs of a spec back as TF's `ClusterSpec.as_dict()` shape.
 *
 * @example
 * ```ts
 * clusterJobs(spec); // { chief: ['c:2222'], worker: ['w0:2222', 'w1:2222'] }
 * ```
 */
export function clusterJobs(spec: Pick<ClusterSpec, 'tasks'>): ClusterJobs {
  const jobs: Partial<Record<TaskType, string[]>> = {};
  for (const task of spec.tasks) {
    const job = jobs[task.type] ?? [];
    job[task.index] = task.address;
    jobs[task.type] = job;
  }
  return jobs;
}

/**
 * The address of a task, or `undefined` when the cluster lacks it (an evaluator outside it).
 *
 * @example
 * ```ts
 * taskAddress(spec, spec.self); // this process's own "host:port"
 * ```
 */
export function taskAddress(spec: Pick<ClusterSpec, 'tasks'>, task: TaskRef): string | undefined {
  return spec.tasks.find((t) => t.type === task.type && t.index === task.index)?.address;
}
