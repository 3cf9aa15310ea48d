/**
 * A Kubeflow Training Operator v1 `TFJob` for a run. The operator creates one pod and one
 * headless Service per replica and injects `TF_CONFIG` into the container named `tensorflow`
 * (only when there is more than one replica in total), with addresses
 * `<job>-<type>-<i>.<ns>.svc:<tfjob-port>`; the SDK's resolver reads it unchanged.
 * Shape from the Kubeflow v1 TensorFlow guide and `pkg/apis/kubeflow.org/v1/tensorflow_types.go`.
 */
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import {
  type ResolvedTrainingSpec,
  resolveTrainingSpec,
  runLabels,
  type TrainingManifestSpec,
  trainerContainer,
} from './training-spec';

/**
 * TFJob replica types (`Master` is the legacy `Chief`).
 *
 * @example
 * ```ts
 * const type: TfReplicaType = 'Worker';
 * ```
 */
export type TfReplicaType = 'Chief' | 'Master' | 'Worker' | 'PS' | 'Evaluator';

/**
 * A TFJob replica: how many pods of one type, restarted how, from which pod template.
 *
 * @example
 * ```ts
 * const worker: TfReplicaSpec = { replicas: 4, restartPolicy: 'OnFailure', template: { spec: { containers: [] } } };
 * ```
 */
export interface TfReplicaSpec {
  readonly replicas: number;
  /** `Always`, `OnFailure`, `ExitCode` or `Never` (the operator's default). */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'ExitCode' | 'Never';
  readonly template: IPodTemplateSpec;
}

/**
 * A `kubeflow.org/v1` TFJob.
 *
 * @example
 * ```ts
 * const job: TfJob = tfJobManifest({ name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', workers: 2 });
 * ```
 */
export interface TfJob {
  readonly apiVersion: 'kubeflow.org/v1';
  readonly kind: 'TFJob';
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec: {
    readonly runPolicy?: {
      readonly cleanPodPolicy?: 'All' | 'Running' | 'None';
      readonly backoffLimit?: number;
      readonly ttlSecondsAfterFinished?: number;
      readonly activeDeadlineSeconds?: number;
    };
    readonly successPolicy?: '' | 'AllWorkers';
    readonly tfReplicaSpecs: Readonly<Partial<Record<TfReplicaType, TfReplicaSpec>>>;
    readonly enableDynamicWorker?: boolean;
  };
}

/** The operator injects TF_CONFIG only into this container (tensorflow_types.go). */
export const TFJOB_CONTAINER_NAME = 'tensorflow';
/** The container port the operator puts into TF_CONFIG; 2222 when absent. */
export const TFJOB_PORT_NAME = 'tfjob-port';

/**
 * The TFJob of a run: `Worker` × `workers`, plus `Chief` × 1 when `chief` (or `ps`) is set and
 * `PS` × `ps`. Chief and workers restart `OnFailure` by default; parameter servers `Always`, as the
 * Kubeflow docs recommend. Throws `TFSCALE_E_INVALID_VALUE` for a bad spec.
 *
 * @example
 * ```ts
 * tfJobManifest({ name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', workers: 4 });
 * // spec.tfReplicaSpecs.Worker: { replicas: 4, restartPolicy: 'OnFailure', template: { ...container "tensorflow"... } }
 * ```
 */
export function tfJobManifest(spec: TrainingManifestSpec): TfJob {
  const longest = Math.max(spec.workers, spec.ps ?? 0) - 1;
  const resolved = resolveTrainingSpec(spec, `-worker-${Math.max(0, longest)}`);
  const labels = runLabels(resolved);
  const replica = (count: number, restartPolicy: TfReplicaSpec['restartPolicy']): TfReplicaSpec => ({
    replicas: count,
    restartPolicy,
    template: podTemplate(resolved, labels),
  });
  const policy = resolved.restartPolicy;
  return {
    apiVersion: 'kubeflow.org/v1',
    kind: 'TFJob',
    metadata: { name: resolved.name, ...namespace(resolved), labels: { ...labels } },
    spec: {
      runPolicy: { cleanPodPolicy: 'Running', backoffLimit: resolved.backoffLimit },
      tfReplicaSpecs: {
        ...(resolved.chief ? { Chief: replica(1, policy) } : {}),
        Worker: replica(resolved.workers, policy),
        ...(resolved.ps > 0 ? { PS: replica(resolved.ps, 'Always') } : {}),
      },
    },
  };
}

function podTemplate(spec: ResolvedTrainingSpec, labels: Record<string, string>): IPodTemplateSpec {
  return {
    // Istio sidecars keep a finished pod running, so the job never completes (Kubeflow docs).
    metadata: { labels: { ...labels }, annotations: { 'sidecar.istio.io/inject': 'false' } },
    spec: { containers: [trainerContainer(spec, TFJOB_CONTAINER_NAME, TFJOB_PORT_NAME, [])] },
  };
}

function namespace(spec: ResolvedTrainingSpec): { namespace?: string } {
  return spec.namespace === undefined ? {} : { namespace: spec.namespace };
}
