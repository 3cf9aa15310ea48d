/**
 * Serving manifests: a Deployment + Service running tfscale's model server or TensorFlow
 * Serving's image, or a KServe InferenceService; YAML for `kubectl apply -f`.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { type InferenceService, inferenceServiceManifest } from './kserve-manifest';
import { resolveServingSpec, type ServingManifestSpec } from './serving-spec';
import { toYaml } from './to-yaml';
import { assertValidServingManifests } from './validate-serving';

/** Names of the container ports (and the Service ports that target them). */
export const SERVING_PORT_NAMES = { rest: 'http', grpc: 'grpc' } as const;

/** Where the model base is mounted in the pod: `/models/<modelName>`, as TF Serving's image does. */
export const MODEL_MOUNT_ROOT = '/models';

const MODEL_VOLUME = 'model';

/**
 * The objects of one serving deployment, their YAML and the resolved spec.
 *
 * @example
 * ```ts
 * const { objects, yaml } = servingManifests({ modelPath: 's3://b/mnist', modelName: 'mnist' });
 * ```
 */
export interface ServingManifests {
  readonly spec: ServingManifestSpec;
  readonly objects: readonly (IDeployment | IService | InferenceService)[];
  readonly yaml: string;
}

/**
 * Builds and validates (Kubernetes and KServe schemas, plus cross-object rules) the manifests
 * for `DeploySpec`-shaped input; throws `TFSCALE_E_INVALID_VALUE` for a bad spec.
 *
 * @example
 * ```ts
 * servingManifests({ modelPath: 'pvc://models/mnist', modelName: 'mnist', options: { flavor: 'tf-serving' } });
 * ```
 */
export function servingManifests(input: Parameters<typeof resolveServingSpec>[0]): ServingManifests {
  const spec = resolveServingSpec(input);
  const objects =
    spec.flavor === 'kserve' ? [inferenceServiceManifest(spec)] : [serviceManifest(spec), deploymentManifest(spec)];
  assertValidServingManifests(objects);
  return { spec, objects, yaml: toYaml(objects) };
}

/**
 * The labels on every object and pod (Kubernetes' recommended `app.kubernetes.io/*`).
 *
 * @example
 * ```ts
 * servingLabels(spec)['app.kubernetes.io/component']; // 'serving'
 * ```
 */
export function servingLabels(spec: ServingManifestSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': spec.flavor === 'tf-serving' ? 'tensorflow-serving' : 'tfscale',
    'app.kubernetes.io/instance': spec.name,
    'app.kubernetes.io/component': 'serving',
    'app.kubernetes.io/managed-by': 'tfscale',
    ...spec.labels,
  };
}

function selector(spec: ServingManifestSpec): Record<string, string> {
  return { 'app.kubernetes.io/instance': spec.name, 'app.kubernetes.io/component': 'serving' };
}

function metadata(spec: ServingManifestSpec) {
  return {
    name: spec.name,
    ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
    labels: servingLabels(spec),
  };
}

/**
 * The Service in front of the pods: REST and gRPC ports, by name.
 *
 * @example
 * ```ts
 * serviceManifest(spec).spec?.ports?.map((p) => p.port); // [8501, 8500]
 * ```
 */
export function serviceManifest(spec: ServingManifestSpec): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(spec),
    spec: {
      type: spec.serviceType,
      selector: selector(spec),
      ports: [
        { name: SERVING_PORT_NAMES.rest, port: spec.restPort, targetPort: SERVING_PORT_NAMES.rest, protocol: 'TCP' },
        { name: SERVING_PORT_NAMES.grpc, port: spec.grpcPort, targetPort: SERVING_PORT_NAMES.grpc, protocol: 'TCP' },
      ],
    },
  };
}

/**
 * The Deployment: one server container with named ports, readiness/liveness probes, resources
 * and a grace period that covers the server's drain, the model mounted read-only at
 * `/models/<modelName>` (or copied there by an init container for a URI source).
 *
 * @example
 * ```ts
 * deploymentManifest(spec).spec?.template.spec?.containers[0].args;
 * ```
 */
export function deploymentManifest(spec: ServingManifestSpec): IDeployment {
  const basePath = `${MODEL_MOUNT_ROOT}/${spec.modelName}`;
  const volume = modelVolume(spec);
  const mount = {
    name: MODEL_VOLUME,
    mountPath: basePath,
    readOnly: true,
    ...(spec.source.kind === 'pvc' && spec.source.subPath ? { subPath: spec.source.subPath } : {}),
  };
  const initContainers: IContainer[] =
    spec.source.kind === 'uri'
      ? [
          {
            // KServe's storage initializer: `<uri> <dest>` copies the model from object stores or HTTP.
            name: 'storage-initializer',
            image: spec.storageInitializerImage,
            args: [spec.source.uri, basePath],
            volumeMounts: [{ name: MODEL_VOLUME, mountPath: basePath }],
            resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '1Gi' } },
          },
        ]
      : [];
  const container: IContainer = {
    name: spec.flavor === 'tf-serving' ? 'tensorflow-serving' : 'tfscale',
    image: spec.image,
    ...serverCommand(spec, basePath),
    ports: [
      { name: SERVING_PORT_NAMES.rest, containerPort: spec.restPort, protocol: 'TCP' },
      { name: SERVING_PORT_NAMES.grpc, containerPort: spec.grpcPort, protocol: 'TCP' },
    ],
    ...probes(spec),
    resources: structuredClone(spec.resources),
    volumeMounts: [mount],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(spec),
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector(spec) },
      // Keep serving while a new version rolls out: start one new pod before an old one goes.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: servingLabels(spec) },
        spec: {
          terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
          ...(initContainers.length ? { initContainers } : {}),
          containers: [container],
          volumes: [volume],
        },
      },
    },
  };
}

function serverCommand(spec: ServingManifestSpec, basePath: string): Pick<IContainer, 'command' | 'args'> {
  if (spec.flavor === 'tf-serving') {
    // The image's entrypoint appends "$@" to flags of its own; calling the server directly
    // leaves one set of flags.
    return {
      command: ['tensorflow_model_server'],
      args: [
        `--model_name=${spec.modelName}`,
        `--model_base_path=${basePath}`,
        `--port=${spec.grpcPort}`,
        `--rest_api_port=${spec.restPort}`,
      ],
    };
  }
  return {
    command: ['tfscale'],
    args: [
      'serve',
      '--model_name',
      spec.modelName,
      '--model_base_path',
      basePath,
      '--host',
      '0.0.0.0',
      '--rest_api_port',
      String(spec.restPort),
      '--port',
      String(spec.grpcPort),
    ],
  };
}

function probes(spec: ServingManifestSpec): Pick<IContainer, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  const http = (p: string): Pick<IProbe, 'httpGet'> => ({ httpGet: { path: p, port: SERVING_PORT_NAMES.rest } });
  if (spec.flavor === 'tf-serving') {
    // TF Serving has no health route; model status answers 200 once the model is known.
    const status = http(`/v1/models/${spec.modelName}`);
    return {
      startupProbe: { ...status, periodSeconds: 5, failureThreshold: 60 },
      readinessProbe: { ...status, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: SERVING_PORT_NAMES.grpc }, periodSeconds: 10, failureThreshold: 3 },
    };
  }
  return {
    // Loading a large model takes a while: the startup probe holds liveness off for up to 5 min.
    startupProbe: { ...http('/v2/health/live'), periodSeconds: 5, failureThreshold: 60 },
    readinessProbe: { ...http('/v2/health/ready'), periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...http('/v2/health/live'), periodSeconds: 10, failureThreshold: 3 },
  };
}

function modelVolume(spec: ServingManifestSpec): IVolume {
  const source = spec.source;
  switch (source.kind) {
    case 'pvc':
      return { name: MODEL_VOLUME, persistentVolumeClaim: { claimName: source.claim, readOnly: true } };
    case 'hostPath':
      return { name: MODEL_VOLUME, hostPath: { path: source.path, type: 'Directory' } };
    case 'uri':
      return { name: MODEL_VOLUME, emptyDir: {} };
  }
}
