/**
 * @tfscale/plugin-kubernetes — train on Kubernetes: Kubeflow TFJob and Indexed Job manifests,
 * validated against the Kubernetes schemas.
 * @packageDocumentation
 */
import { kubernetesPlugin } from './plugin';

export {
  type GenerateTrainingOptions,
  generateTrainingManifests,
  type TrainingManifests,
  type TrainingTarget,
} from './generate-training-manifests';
export { INDEXED_JOB_ENV, type IndexedJobManifests, indexedJobManifests, TRAINER_PORT_NAME } from './indexed-job';
export { indexedJobIssues } from './indexed-job-rules';
export { kubernetesPlugin, PLUGIN_VERSION } from './plugin';
export { type KubernetesSchema, type ManifestIssue, schemaIssues } from './schema-validation';
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

export default kubernetesPlugin;
