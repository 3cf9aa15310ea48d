/**
 * What a serving deployment on Kubernetes needs, from `DeploySpec` + options (typed values from
 * code, or strings from `tfscale deploy --option key=value`), checked once with readable errors.
 */
import * as path from 'node:path';
import { invalidValue } from '@tfscale/sdk';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { PLUGIN_VERSION } from './plugin-version';

/**
 * Which server runs the model: tfscale's own (`tfscale serve`), TensorFlow Serving's image, or a
 * KServe `InferenceService` (KServe picks its TensorFlow runtime).
 *
 * @example
 * ```ts
 * const flavor: ServingFlavor = 'tf-serving';
 * ```
 */
export type ServingFlavor = 'tfscale' | 'tf-serving' | 'kserve';

/**
 * Where the pod finds the model base (numbered version folders): a PersistentVolumeClaim, a
 * node's directory (single-node clusters: kind, minikube, Docker Desktop), or an init container
 * that copies a URI (s3://, gs://, https://, …) into an `emptyDir` with KServe's storage
 * initializer.
 *
 * @example
 * ```ts
 * const source: ModelSource = { kind: 'pvc', claim: 'models', subPath: 'mnist' };
 * ```
 */
export type ModelSource =
  | { readonly kind: 'pvc'; readonly claim: string; readonly subPath?: string }
  | { readonly kind: 'hostPath'; readonly path: string }
  | { readonly kind: 'uri'; readonly uri: string };

/**
 * A serving deployment with every default applied.
 *
 * @example
 * ```ts
 * const spec = resolveServingSpec({ modelPath: 's3://bucket/mnist', modelName: 'mnist' });
 * spec.flavor; // 'tfscale'
 * ```
 */
export interface ServingManifestSpec {
  readonly flavor: ServingFlavor;
  /** `metadata.name` of every object (a DNS-1035 label derived from the model name, or `name`). */
  readonly name: string;
  /** The model's name in the serving API (`/v1/models/<modelName>`). */
  readonly modelName: string;
  readonly source: ModelSource;
  readonly image: string;
  readonly namespace?: string;
  readonly replicas: number;
  readonly restPort: number;
  readonly grpcPort: number;
  readonly serviceType: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  readonly resources: IResourceRequirements;
  readonly terminationGracePeriodSeconds: number;
  /** Image of the init container that copies a `uri` source. */
  readonly storageInitializerImage: string;
  /** KServe only: `model` (modelFormat tensorflow, KServe picks the runtime) or `tensorflow`. */
  readonly kservePredictor: 'model' | 'tensorflow';
  /** KServe only: a ServingRuntime to force (`spec.predictor.model.runtime`). */
  readonly kserveRuntime?: string;
  readonly labels: Readonly<Record<string, string>>;
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const FLAVORS: readonly ServingFlavor[] = ['tfscale', 'tf-serving', 'kserve'];
const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Default images; every one can be replaced with `image` / `storageInitializerImage`. */
export const DEFAULT_IMAGES = {
  tfscale: `tfscale/tfscale:${PLUGIN_VERSION}`,
  'tf-serving': 'tensorflow/serving:2.18.0',
  storageInitializer: 'kserve/storage-initializer:v0.15.0',
} as const;

/**
 * Applies defaults and checks `DeploySpec` + options; throws `TFSCALE_E_INVALID_VALUE` naming
 * the field. Options: `flavor`, `name`, `image`, `namespace`, `replicas`, `restApiPort`,
 * `grpcPort`, `serviceType`, `pvc` (claim) + `pvcSubPath`, `hostPath`, `modelUri`, `cpu`,
 * `memory`, `gpu` or `resources`, `gracePeriodSeconds`, `storageInitializerImage`,
 * `kservePredictor`, `kserveRuntime`. The model comes from `modelUri`, `pvc` or `hostPath` when
 * given, else from `modelPath`: a `pvc://claim/sub/path` or other URI, or a local folder
 * (mounted with `hostPath`).
 *
 * @example
 * ```ts
 * resolveServingSpec({ modelPath: 'models/mnist', modelName: 'mnist', options: { flavor: 'tf-serving', replicas: '2' } });
 * ```
 */
export function resolveServingSpec(spec: {
  readonly modelPath: string;
  readonly modelName: string;
  readonly options?: Readonly<Record<string, unknown>>;
}): ServingManifestSpec {
  const o = spec.options ?? {};
  const flavor = (str(o, 'flavor') ?? 'tfscale') as ServingFlavor;
  if (!FLAVORS.includes(flavor)) throw invalidValue('flavor', o.flavor, `one of ${FLAVORS.join(', ')}`);
  if (typeof spec.modelName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(spec.modelName)) {
    throw invalidValue('modelName', spec.modelName, 'a model name of letters, digits, ".", "_" and "-"');
  }
  const name = str(o, 'name') ?? spec.modelName.toLowerCase().replace(/[._]/g, '-');
  if (!DNS_1035.test(name) || name.length > 53) {
    throw invalidValue(
      'name',
      name,
      'a DNS-1035 label of at most 53 characters (lower-case letters, digits, "-", starting with a letter)',
      'Pass --option name=<label> to name the Kubernetes objects.',
    );
  }
  const restPort = int(o, 'restApiPort', 8501, 1, 65535);
  const grpcPort = int(o, 'grpcPort', 8500, 1, 65535);
  if (restPort === grpcPort) throw invalidValue('grpcPort', grpcPort, 'a port different from restApiPort');
  const serviceType = str(o, 'serviceType') ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(serviceType)) {
    throw invalidValue('serviceType', serviceType, 'ClusterIP, NodePort or LoadBalancer');
  }
  const kservePredictor = str(o, 'kservePredictor') ?? 'model';
  if (kservePredictor !== 'model' && kservePredictor !== 'tensorflow') {
    throw invalidValue('kservePredictor', kservePredictor, '"model" (modelFormat tensorflow) or "tensorflow"');
  }
  const namespace = str(o, 'namespace');
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw invalidValue('namespace', namespace, 'a DNS-1123 label');
  }
  const labels = o.labels ?? {};
  if (typeof labels !== 'object' || labels === null || Object.values(labels).some((v) => typeof v !== 'string')) {
    throw invalidValue('labels', labels, 'an object of string labels');
  }
  return {
    flavor,
    name,
    modelName: spec.modelName,
    source: modelSource(spec.modelPath, o),
    image: str(o, 'image') ?? (flavor === 'tf-serving' ? DEFAULT_IMAGES['tf-serving'] : DEFAULT_IMAGES.tfscale),
    ...(namespace === undefined ? {} : { namespace }),
    replicas: int(o, 'replicas', 1, 0, 1000),
    restPort,
    grpcPort,
    serviceType: serviceType as ServingManifestSpec['serviceType'],
    resources: resources(o),
    terminationGracePeriodSeconds: int(o, 'gracePeriodSeconds', 45, 0, 3600),
    storageInitializerImage: str(o, 'storageInitializerImage') ?? DEFAULT_IMAGES.storageInitializer,
    kservePredictor,
    ...(str(o, 'kserveRuntime') === undefined ? {} : { kserveRuntime: str(o, 'kserveRuntime') }),
    labels: labels as Record<string, string>,
  };
}

/** The model's source: explicit options first, then what `modelPath` looks like. */
function modelSource(modelPath: string, o: Readonly<Record<string, unknown>>): ModelSource {
  const given = ['modelUri', 'pvc', 'hostPath'].filter((k) => o[k] !== undefined);
  if (given.length > 1) throw invalidValue(given[1], o[given[1]], `unset: ${given[0]} already says where the model is`);
  const uri = str(o, 'modelUri');
  if (uri !== undefined) return uriSource(uri, 'modelUri');
  const claim = str(o, 'pvc');
  if (claim !== undefined) {
    const subPath = str(o, 'pvcSubPath');
    return { kind: 'pvc', claim, ...(subPath === undefined ? {} : { subPath }) };
  }
  const hostPath = str(o, 'hostPath');
  if (hostPath !== undefined) {
    if (!path.isAbsolute(hostPath)) throw invalidValue('hostPath', hostPath, 'an absolute path on the node');
    return { kind: 'hostPath', path: hostPath };
  }
  if (typeof modelPath !== 'string' || modelPath === '') throw invalidValue('modelPath', modelPath, 'a path or URI');
  return URI.test(modelPath) ? uriSource(modelPath, 'modelPath') : { kind: 'hostPath', path: path.resolve(modelPath) };
}

function uriSource(uri: string, field: string): ModelSource {
  if (!URI.test(uri))
    throw invalidValue(field, uri, 'a URI such as s3://bucket/model, gs://…, https://… or pvc://claim/path');
  if (uri.toLowerCase().startsWith('pvc://')) {
    const [claim, ...rest] = uri.slice(6).split('/').filter(Boolean);
    if (!claim) throw invalidValue(field, uri, 'pvc://<claim>[/<path>]');
    return { kind: 'pvc', claim, ...(rest.length ? { subPath: rest.join('/') } : {}) };
  }
  if (uri.toLowerCase().startsWith('file://')) return { kind: 'hostPath', path: path.resolve(uri.slice(7)) };
  return { kind: 'uri', uri };
}

function resources(o: Readonly<Record<string, unknown>>): IResourceRequirements {
  if (o.resources !== undefined) {
    if (typeof o.resources !== 'object' || o.resources === null) {
      throw invalidValue('resources', o.resources, 'a ResourceRequirements object ({ requests, limits })');
    }
    return structuredClone(o.resources) as IResourceRequirements;
  }
  const cpu = str(o, 'cpu') ?? '500m';
  const memory = str(o, 'memory') ?? '1Gi';
  const gpu = o.gpu === undefined ? 0 : int(o, 'gpu', 0, 0, 64);
  return {
    requests: { cpu, memory },
    // No CPU limit: throttling a latency-bound server hurts more than it protects.
    limits: { memory, ...(gpu > 0 ? { 'nvidia.com/gpu': gpu } : {}) },
  };
}

function str(o: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidValue(key, value, 'a non-empty string');
  return value;
}

function int(o: Readonly<Record<string, unknown>>, key: string, fallback: number, min: number, max: number): number {
  const raw = o[key];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalidValue(key, raw, `an integer in [${min}, ${max}]`);
  }
  return n;
}
