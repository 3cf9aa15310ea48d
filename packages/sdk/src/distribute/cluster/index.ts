/**
 * Cluster resolution: TF_CONFIG with TensorFlow's exact rules, the tfscale-native form, Kubernetes
 * Indexed Job and JobSet environments, and the MultiWorkerMirrored / ParameterServer views of the
 * result.
 */
export { CLUSTER_ENV, type ClusterEnv, DEFAULT_CLUSTER_PORT } from './cluster-env';
export {
  type ClusterRanks,
  type ClusterSource,
  type ClusterSpec,
  type ClusterSpecInput,
  type ClusterTask,
  clusterJobs,
  createClusterSpec,
  taskAddress,
} from './cluster-spec';
export { clusterFromIndexedJobEnv } from './indexed-job-env';
export { clusterFromJobSetEnv } from './jobset-env';
export {
  type ClusterFieldNames,
  type ClusterJobs,
  collectiveLeader,
  idInCluster,
  isChief,
  TASK_TYPES,
  type TaskRef,
  type TaskType,
  validateClusterJobs,
  workerCount,
} from './multi-worker-util';
export { clusterFromNativeConfig, type NativeClusterConfig, parseNativeCluster } from './native-config';
export { type ParameterServerCluster, type ParameterServerRole, parameterServerRoles } from './parameter-server';
export { type ResolveClusterOptions, resolveCluster } from './resolve-cluster';
export { clusterFromTfConfig, parseTfConfig, parseTfConfigValue, type TfConfig, toTfConfig } from './tf-config';
