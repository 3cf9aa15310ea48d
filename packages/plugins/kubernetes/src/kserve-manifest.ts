/**
 * The KServe form: one `InferenceService` (serving.kserve.io/v1beta1) whose predictor is the
 * model format `tensorflow` (KServe chooses its TensorFlow Serving runtime) or the older
 * `tensorflow:` predictor, reading the model base from `storageUri`.
 */
import { invalidValue } from '@tfscale/sdk';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ServingManifestSpec } from './serving-spec';

/**
 * The part of a KServe predictor tfscale writes (the CRD allows much more).
 *
 * @example
 * ```ts
 * const p: KServePredictorModel = { modelFormat: { name: 'tensorflow' }, storageUri: 's3://b/mnist' };
 * ```
 */
export interface KServePredictorModel {
  readonly modelFormat?: { readonly name: string; readonly version?: string };
  readonly runtime?: string;
  readonly storageUri: string;
  readonly protocolVersion?: string;
  readonly resources?: IResourceRequirements;
  readonly image?: string;
  readonly args?: readonly string[];
}

/**
 * A KServe InferenceService as tfscale writes it.
 *
 * @example
 * ```ts
 * const isvc: InferenceService = inferenceServiceManifest(spec);
 * ```
 */
export interface InferenceService {
  readonly apiVersion: 'serving.kserve.io/v1beta1';
  readonly kind: 'InferenceService';
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  readonly spec: {
    readonly predictor: {
      readonly minReplicas?: number;
      readonly maxReplicas?: number;
      readonly model?: KServePredictorModel;
      readonly tensorflow?: KServePredictorModel;
    };
  };
}

/**
 * The InferenceService of a spec. KServe needs a `storageUri` it can fetch (s3://, gs://,
 * https://, pvc://claim/path); a local folder is refused with a hint. `replicas` becomes
 * `minReplicas` (0 lets KServe scale to zero where Knative runs).
 *
 * @example
 * ```ts
 * inferenceServiceManifest(resolveServingSpec({ modelPath: 'gs://b/mnist', modelName: 'mnist', options: { flavor: 'kserve' } }));
 * ```
 */
export function inferenceServiceManifest(spec: ServingManifestSpec): InferenceService {
  const predictor: KServePredictorModel = {
    ...(spec.kservePredictor === 'model'
      ? { modelFormat: { name: 'tensorflow' }, ...(spec.kserveRuntime ? { runtime: spec.kserveRuntime } : {}) }
      : {}),
    storageUri: storageUri(spec),
    // TF Serving's REST API (/v1/models/<name>:predict) is KServe's "v1" protocol.
    protocolVersion: 'v1',
    resources: structuredClone(spec.resources),
  };
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: spec.name,
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      labels: {
        'app.kubernetes.io/name': 'tfscale',
        'app.kubernetes.io/instance': spec.name,
        'app.kubernetes.io/component': 'serving',
        'app.kubernetes.io/managed-by': 'tfscale',
        ...spec.labels,
      },
    },
    spec: {
      predictor: {
        minReplicas: spec.replicas,
        ...(spec.kservePredictor === 'model' ? { model: predictor } : { tensorflow: predictor }),
      },
    },
  };
}

function storageUri(spec: ServingManifestSpec): string {
  const source = spec.source;
  if (source.kind === 'uri') return source.uri;
  if (source.kind === 'pvc') return `pvc://${source.claim}${source.subPath ? `/${source.subPath}` : ''}`;
  throw invalidValue(
    'modelPath',
    source.path,
    'a storage URI KServe can fetch (s3://, gs://, https://, pvc://<claim>/<path>) for flavor kserve',
    'Upload the model base (with its numbered version folders) and pass its URI, or --option pvc=<claim>.',
  );
}
