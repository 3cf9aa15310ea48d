/**
 * ParameterServerStrategy (TF2) semantics over a resolved cluster: the `chief` task is the
 * coordinator that runs the program and dispatches work, `worker` and `ps` tasks only serve, and
 * the evaluator stays outside the training cluster (TF's parameter_server_training tutorial).
 */
import { clusterError } from './cluster-error';
import type { ClusterSpec, ClusterTask } from './cluster-spec';

/**
 * What this process does under ParameterServerStrategy.
 *
 * @example
 * ```ts
 * const role: ParameterServerRole = 'coordinator';
 * ```
 */
export type ParameterServerRole = 'coordinator' | 'worker' | 'ps' | 'evaluator';

/**
 * The parameter-server view of a cluster.
 *
 * @example
 * ```ts
 * const { role, ps, workers } = parameterServerRoles(spec);
 * if (role === 'ps' || role === 'worker') await serveUntilDone();
 * ```
 */
export interface ParameterServerCluster {
  readonly role: ParameterServerRole;
  /** The chief task; TF asks for `chief` as the coordinator's type "for legacy reasons". */
  readonly coordinator: ClusterTask | undefined;
  /** Variables live here, optionally partitioned across them. */
  readonly ps: readonly ClusterTask[];
  readonly workers: readonly ClusterTask[];
  readonly evaluator: ClusterTask | undefined;
}

/**
 * Splits a cluster into parameter-server roles. Throws `TFSCALE_E_CLUSTER_INVALID` when there is
 * no `ps` or no `worker` task, as TF's `ParameterServerStrategyV2` does ("There must be at least
 * one ps." / "… one worker.").
 *
 * @example
 * ```ts
 * parameterServerRoles(spec); // { role: 'ps', coordinator: chief, ps: [ps0, ps1], workers: [w0, w1], evaluator: undefined }
 * ```
 */
export function parameterServerRoles(spec: Pick<ClusterSpec, 'tasks' | 'self' | 'source'>): ParameterServerCluster {
  const of = (type: ClusterTask['type']) => spec.tasks.filter((task) => task.type === type);
  const ps = of('ps');
  const workers = of('worker');
  const jobs = spec.tasks.map((task) => task.type);
  const where = spec.source === 'tf-config' ? 'TF_CONFIG.cluster' : 'cluster';
  if (ps.length === 0) {
    throw clusterError(`${where}.ps`, undefined, 'at least one ps task for ParameterServerStrategy', PS_HINT(jobs));
  }
  if (workers.length === 0) {
    throw clusterError(`${where}.worker`, undefined, 'at least one worker task for ParameterServerStrategy');
  }
  const type = spec.self.type;
  return {
    role: type === 'chief' ? 'coordinator' : type,
    coordinator: of('chief')[0],
    ps,
    workers,
    evaluator: of('evaluator')[0],
  };
}

const PS_HINT = (jobs: readonly string[]) =>
  `The cluster has only ${[...new Set(jobs)].join(', ')}: add a "ps" job, or train with a multi-worker mirrored strategy.`;
