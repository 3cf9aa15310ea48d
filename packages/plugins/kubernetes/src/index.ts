/**
 * @tfscale/plugin-kubernetes — serve and train on Kubernetes: the `kubernetes` deployer
 * (Deployment + Service for tfscale or TF Serving, KServe InferenceService) and Kubeflow TFJob /
 * Indexed Job training manifests, validated against the Kubernetes and KServe schemas.
 * @packageDocumentation
 */
import { kubernetesPlugin } from './plugin';

export { ClusterDeployment, ManifestsDeployment } from './cluster-deployment';
export {
  type GenerateTrainingOptions,
  generateTrainingManifests,
  type TrainingManifests,
  type TrainingTarget,
} from './generate-training-manifests';
export { INDEXED_JOB_ENV, type IndexedJobManifests, indexedJobManifests, TRAINER_PORT_NAME } from './indexed-job';
export { indexedJobIssues } from './indexed-job-rules';
export { type InferenceService, inferenceServiceManifest, type KServePredictorModel } from './kserve-manifest';
export { inferenceServiceSchemaIssues, KSERVE_SCHEMA_FILE } from './kserve-schema';
export { Kubectl, type KubectlResult } from './kubectl';
export { KubernetesDeployer, type KubernetesDeployerOptions, kubernetesDeployerFactory } from './kubernetes-deployer';
export { kubernetesPlugin, PLUGIN_VERSION } from './plugin';
export { type KubernetesSchema, type ManifestIssue, schemaIssues } from './schema-validation';
export {
  deploymentManifest,
  MODEL_MOUNT_ROOT,
  SERVING_PORT_NAMES,
  type ServingManifests,
  serviceManifest,
  servingLabels,
  servingManifests,
} from './serving-manifests';
export {
  DEFAULT_IMAGES,
  type ModelSource,
  resolveServingSpec,
  type ServingFlavor,
  type ServingManifestSpec,
} from './serving-spec';
export {
  TFJOB_CONTAINER_NAME,
  TFJOB_PORT_NAME,
  type TfJob,
  type TfReplicaSpec,
  type TfReplicaType,
  tfJobManifest,
} from './tfjob';
export { tfJobIssues } from './tfjob-rules';
export { toYaml } from './to-yaml';
export {
  type ResolvedTrainingSpec,
  resolveTrainingSpec,
  runLabels,
  type TrainingManifestSpec,
  trainerContainer,
} from './training-spec';
export { assertValidTrainingManifests, validateTrainingManifests } from './validate-manifests';
export { assertValidServingManifests, validateServingManifests } from './validate-serving';

export default kubernetesPlugin;
