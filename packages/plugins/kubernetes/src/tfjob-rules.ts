/**
 * Structural checks of a Kubeflow `TFJob`. No npm package ships the training-operator CRD schema,
 * so these are written from the CRD's Go types (`pkg/apis/kubeflow.org/v1/tensorflow_types.go`,
 * `common_types.go`), the operator's own `ValidateV1TFJob` (`tensorflow_validation.go`) and the
 * Kubeflow v1 TFJob guide; each replica's pod template is validated with the real Kubernetes
 * `PodTemplateSpec` schema. Unknown fields are refused: the CRD's structural schema would prune
 * them silently, losing a typo'd setting.
 */
import { type ManifestIssue, schemaIssues } from './schema-validation';
import { TFJOB_CONTAINER_NAME } from './tfjob';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const REPLICA_TYPES = ['Chief', 'Master', 'Worker', 'PS', 'Evaluator'];
const SPEC_KEYS = ['runPolicy', 'successPolicy', 'tfReplicaSpecs', 'enableDynamicWorker'];
const REPLICA_KEYS = ['replicas', 'restartPolicy', 'template'];
const RESTART = ['Always', 'OnFailure', 'ExitCode', 'Never'];
const CLEAN_POD = ['All', 'Running', 'None'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31 - 1;

/**
 * Issues of a TFJob (`[]` when valid).
 *
 * @example
 * ```ts
 * tfJobIssues(tfJobManifest(spec)); // []
 * ```
 */
export function tfJobIssues(tfJob: unknown): ManifestIssue[] {
  const job = isObject(tfJob) ? tfJob : {};
  const meta = isObject(job.metadata) ? job.metadata : {};
  const object = `TFJob/${String(meta.name ?? '')}`;
  const issues: ManifestIssue[] = [];
  const add = (path: string, message: string) => issues.push({ object, path, message });
  if (job.apiVersion !== 'kubeflow.org/v1') add('/apiVersion', 'must be "kubeflow.org/v1"');
  if (job.kind !== 'TFJob') add('/kind', 'must be "TFJob"');
  if (typeof meta.name !== 'string' || !DNS_1035.test(meta.name))
    add('/metadata/name', 'must be a DNS-1035 label (the operator refuses others)');
  const spec = isObject(job.spec) ? job.spec : {};
  for (const key of Object.keys(spec)) if (!SPEC_KEYS.includes(key)) add(`/spec/${key}`, 'is not a TFJob field');
  if (spec.successPolicy !== undefined && !['', 'AllWorkers'].includes(spec.successPolicy as string)) {
    add('/spec/successPolicy', 'must be "" or "AllWorkers"');
  }
  if (spec.enableDynamicWorker === true)
    add('/spec/enableDynamicWorker', 'must be false: tfscale needs the full cluster in TF_CONFIG');
  runPolicyIssues(spec.runPolicy, add);
  const replicas = spec.tfReplicaSpecs;
  if (!isObject(replicas) || Object.keys(replicas).length === 0) {
    add('/spec/tfReplicaSpecs', 'must map replica types (Chief, Worker, PS, …) to replica specs');
    return issues;
  }
  if ('Chief' in replicas && 'Master' in replicas)
    add('/spec/tfReplicaSpecs', 'must not have both Chief and Master (one chief)');
  for (const [type, replica] of Object.entries(replicas)) {
    const path = `/spec/tfReplicaSpecs/${type}`;
    if (!REPLICA_TYPES.includes(type)) add(path, `is not a replica type (${REPLICA_TYPES.join(', ')})`);
    issues.push(...replicaIssues(type, replica, path, object));
  }
  return issues;
}

function runPolicyIssues(runPolicy: unknown, add: (path: string, message: string) => void): void {
  if (runPolicy === undefined) return;
  if (!isObject(runPolicy)) {
    add('/spec/runPolicy', 'must be an object');
    return;
  }
  if (runPolicy.cleanPodPolicy !== undefined && !CLEAN_POD.includes(runPolicy.cleanPodPolicy as string)) {
    add('/spec/runPolicy/cleanPodPolicy', `must be one of ${CLEAN_POD.join(', ')}`);
  }
  for (const key of ['backoffLimit', 'ttlSecondsAfterFinished', 'activeDeadlineSeconds']) {
    if (runPolicy[key] !== undefined && !isCount(runPolicy[key]))
      add(`/spec/runPolicy/${key}`, 'must be an integer >= 0');
  }
}

function replicaIssues(type: string, replica: unknown, path: string, object: string): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const add = (at: string, message: string) => issues.push({ object, path: `${path}${at}`, message });
  if (!isObject(replica))
    return [{ object, path, message: 'must be a replica spec {replicas, restartPolicy, template}' }];
  for (const key of Object.keys(replica))
    if (!REPLICA_KEYS.includes(key)) add(`/${key}`, 'is not a replica spec field');
  if (!isCount(replica.replicas)) add('/replicas', 'must be an integer >= 0');
  else if (['Chief', 'Master', 'Evaluator'].includes(type) && (replica.replicas as number) > 1) {
    add('/replicas', `must be at most 1: TensorFlow allows one ${type.toLowerCase()}`);
  }
  if (replica.restartPolicy !== undefined && !RESTART.includes(replica.restartPolicy as string)) {
    add('/restartPolicy', `must be one of ${RESTART.join(', ')}`);
  }
  if (!isObject(replica.template))
    return [...issues, { object, path: `${path}/template`, message: 'must be a pod template' }];
  issues.push(...schemaIssues('PodTemplateSpec', replica.template, object, `${path}/template`));
  const containers = (isObject(replica.template.spec) ? replica.template.spec.containers : undefined) as
    | Json[]
    | undefined;
  if (!Array.isArray(containers) || containers.length === 0)
    return [...issues, { object, path: `${path}/template/spec/containers`, message: 'must not be empty' }];
  containers.forEach((c, i) => {
    if (!c.image)
      add(`/template/spec/containers/${i}/image`, 'must be set (the operator refuses containers without an image)');
  });
  if (!containers.some((c) => c.name === TFJOB_CONTAINER_NAME)) {
    add(
      '/template/spec/containers',
      `must include a container named "${TFJOB_CONTAINER_NAME}": the operator sets TF_CONFIG only there`,
    );
  }
  return issues;
}
