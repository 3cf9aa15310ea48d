/**
 * The JobSet form. JobSet sets no rank variables of its own: it labels pods
 * (`jobset.sigs.k8s.io/jobset-name`, `…/replicatedjob-name`, `…/job-index`,
 * `…/replicatedjob-replicas`), makes child Jobs Indexed (so Kubernetes sets
 * `JOB_COMPLETION_INDEX`) and a headless Service named `network.subdomain` (default: the JobSet's
 * name). The pod template passes the labels in through the downward API as `JOBSET_NAME`,
 * `REPLICATED_JOB_NAME`, `JOB_INDEX`, `REPLICATED_JOB_REPLICAS`. One replicated job is the
 * training group: rank = JOB_INDEX × podsPerJob + JOB_COMPLETION_INDEX (what Kubeflow Trainer v2
 * does), and pod FQDNs are `<jobset>-<replicatedJob>-<jobIndex>-<podIndex>.<subdomain>`.
 */
import {
  CLUSTER_ENV,
  type ClusterEnv,
  DEFAULT_CLUSTER_PORT,
  hostsFromEnv,
  readInteger,
  readVariable,
} from './cluster-env';
import { clusterError } from './cluster-error';
import { type ClusterSpec, createClusterSpec } from './cluster-spec';

const LABEL_HINT = (label: string) =>
  `Pass it through the downward API: env { name, valueFrom: { fieldRef: { fieldPath: "metadata.labels['jobset.sigs.k8s.io/${label}']" } } }.`;

/**
 * The cluster of a JobSet pod, or `undefined` when `JOBSET_NAME` is not set. The world size is
 * `TFSCALE_WORLD_SIZE` (replicas × completions), by default `REPLICATED_JOB_REPLICAS` (one pod
 * per Job); `TFSCALE_HOSTS` / `TFSCALE_HOST_PATTERN` replace the generated addresses.
 *
 * @example
 * ```ts
 * clusterFromJobSetEnv({
 *   JOBSET_NAME: 'train', REPLICATED_JOB_NAME: 'workers', JOB_INDEX: '1', JOB_COMPLETION_INDEX: '0',
 *   REPLICATED_JOB_REPLICAS: '2',
 * })?.ranks.peers; // ['train-workers-0-0.train:2222', 'train-workers-1-0.train:2222']
 * ```
 */
export function clusterFromJobSetEnv(env: ClusterEnv): ClusterSpec | undefined {
  const jobSet = readVariable(env, CLUSTER_ENV.jobSetName);
  if (jobSet === undefined) return undefined;
  const replicatedJob = readVariable(env, CLUSTER_ENV.replicatedJobName);
  if (replicatedJob === undefined) {
    throw clusterError(
      CLUSTER_ENV.replicatedJobName,
      undefined,
      'the replicated job’s name',
      LABEL_HINT('replicatedjob-name'),
    );
  }
  const replicas = readInteger(env, CLUSTER_ENV.replicatedJobReplicas, 1) ?? 1;
  const jobIndex = readInteger(env, CLUSTER_ENV.jobIndex, 0) ?? (replicas === 1 ? 0 : undefined);
  if (jobIndex === undefined) {
    throw clusterError(
      CLUSTER_ENV.jobIndex,
      undefined,
      `this Job's index (there are ${replicas})`,
      LABEL_HINT('job-index'),
    );
  }
  const podIndex = readInteger(env, CLUSTER_ENV.completionIndex, 0) ?? 0;
  const worldSize = readInteger(env, CLUSTER_ENV.worldSize, 1) ?? replicas;
  if (worldSize % replicas !== 0) {
    throw clusterError(
      CLUSTER_ENV.worldSize,
      worldSize,
      `a multiple of ${CLUSTER_ENV.replicatedJobReplicas}=${replicas}`,
    );
  }
  const podsPerJob = worldSize / replicas;
  if (jobIndex >= replicas) {
    throw clusterError(
      CLUSTER_ENV.jobIndex,
      jobIndex,
      `an index below ${CLUSTER_ENV.replicatedJobReplicas}=${replicas}`,
    );
  }
  if (podIndex >= podsPerJob) {
    throw clusterError(
      CLUSTER_ENV.completionIndex,
      podIndex,
      `an index below ${podsPerJob} (pods per Job = ${CLUSTER_ENV.worldSize} / replicas)`,
      `Set ${CLUSTER_ENV.worldSize} to replicas × completions.`,
    );
  }
  const subdomain = readVariable(env, CLUSTER_ENV.subdomain) ?? jobSet;
  const port = readInteger(env, CLUSTER_ENV.port, 1) ?? DEFAULT_CLUSTER_PORT;
  const hosts =
    hostsFromEnv(env, worldSize) ??
    Array.from(
      { length: worldSize },
      (_, rank) =>
        `${jobSet}-${replicatedJob}-${Math.floor(rank / podsPerJob)}-${rank % podsPerJob}.${subdomain}:${port}`,
    );
  const list = [CLUSTER_ENV.hosts, CLUSTER_ENV.hostPattern].find((name) => readVariable(env, name)) ?? 'JobSet hosts';
  return createClusterSpec({
    jobs: { worker: hosts },
    self: { type: 'worker', index: jobIndex * podsPerJob + podIndex },
    source: 'jobset',
    names: { cluster: list, type: CLUSTER_ENV.jobIndex, index: CLUSTER_ENV.jobIndex, job: () => list },
  });
}
