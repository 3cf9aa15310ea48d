/**
 * The plain Kubernetes form: an Indexed Job (`completionMode: Indexed`, completions = parallelism
 * = N) plus a headless Service, so pod `i` is `<job>-<i>.<service>`. Kubernetes sets
 * `JOB_COMPLETION_INDEX`; the manifest sets the peers as `TFSCALE_HOST_PATTERN` (+
 * `TFSCALE_WORLD_SIZE`) or `TFSCALE_HOSTS`. Every pod is a worker; rank = completion index, so
 * index 0 is the chief (TF's rule for worker-only clusters).
 */
import { CLUSTER_ENV, type ClusterEnv, hostsFromEnv, readInteger } from './cluster-env';
import { clusterError } from './cluster-error';
import { type ClusterSpec, createClusterSpec } from './cluster-spec';

const INDEX_HINT =
  'Run the pods as an Indexed Job (`completionMode: Indexed`): Kubernetes then sets JOB_COMPLETION_INDEX.';

/**
 * The cluster an Indexed Job's pod belongs to, or `undefined` when the environment does not
 * describe one (no host list: a lone `JOB_COMPLETION_INDEX` is an ordinary indexed batch job).
 *
 * @example
 * ```ts
 * clusterFromIndexedJobEnv({
 *   JOB_COMPLETION_INDEX: '1',
 *   TFSCALE_HOST_PATTERN: 'train-{index}.train-svc:2222',
 *   TFSCALE_WORLD_SIZE: '2',
 * })?.ranks; // { worldSize: 2, rank: 1, isChief: false, ... }
 * ```
 */
export function clusterFromIndexedJobEnv(env: ClusterEnv): ClusterSpec | undefined {
  const worldSize = readInteger(env, CLUSTER_ENV.worldSize, 1);
  const index = readInteger(env, CLUSTER_ENV.completionIndex, 0, INDEX_HINT);
  const hosts = hostsFromEnv(env, worldSize);
  if (hosts === undefined) {
    if (worldSize === undefined || worldSize === 1 || index === undefined) return undefined;
    throw clusterError(
      CLUSTER_ENV.hostPattern,
      undefined,
      `the peers' addresses, since ${CLUSTER_ENV.worldSize}=${worldSize}`,
      `Set ${CLUSTER_ENV.hostPattern}="<job>-{index}.<headless-service>:2222" (or ${CLUSTER_ENV.hosts}).`,
    );
  }
  if (index === undefined) throw clusterError(CLUSTER_ENV.completionIndex, undefined, 'this pod’s index', INDEX_HINT);
  const source = env[CLUSTER_ENV.hosts]?.trim() ? CLUSTER_ENV.hosts : CLUSTER_ENV.hostPattern;
  if (index >= hosts.length) {
    throw clusterError(
      CLUSTER_ENV.completionIndex,
      index,
      `an index below ${hosts.length} (the number of hosts)`,
      `Make the Job's completions equal ${CLUSTER_ENV.worldSize}.`,
    );
  }
  return createClusterSpec({
    jobs: { worker: hosts },
    self: { type: 'worker', index },
    source: 'indexed-job',
    names: {
      cluster: source,
      type: CLUSTER_ENV.completionIndex,
      index: CLUSTER_ENV.completionIndex,
      job: () => source,
    },
  });
}
