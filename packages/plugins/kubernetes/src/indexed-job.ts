/**
 * The plain-Kubernetes form (no operator): an Indexed Job whose N pods all run at once, and a
 * headless Service so pod `i` resolves as `<job>-<i>.<service>` (Kubernetes' "Job with pod-to-pod
 * communication"). Kubernetes sets `JOB_COMPLETION_INDEX`; the env below is what the SDK's cluster
 * resolver reads, so every pod knows its rank and its peers.
 */
import { invalidValue } from '@tfscale/sdk';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IService } from 'kubernetes-models/v1/Service';
import { resolveTrainingSpec, runLabels, type TrainingManifestSpec, trainerContainer } from './training-spec';

/**
 * The objects of an Indexed Job deployment.
 *
 * @example
 * ```ts
 * const { job, service } = indexedJobManifests({ name: 'mnist', image: 'i', runFile: 'r.json', workers: 4 });
 * ```
 */
export interface IndexedJobManifests {
  readonly job: IJob;
  readonly service: IService;
}

/** The variables the SDK's Indexed Job resolver reads (`CLUSTER_ENV` in @tfscale/sdk). */
export const INDEXED_JOB_ENV = { hostPattern: 'TFSCALE_HOST_PATTERN', worldSize: 'TFSCALE_WORLD_SIZE' } as const;

const SERVICE_SUFFIX = '-svc';

/** The container port's name in Job pods and the Service. */
export const TRAINER_PORT_NAME = 'tfscale';

/**
 * The Indexed Job + headless Service of a run: `completionMode: Indexed`, completions =
 * parallelism = `workers` (a synchronous group needs every rank running), `subdomain` = the
 * Service, which publishes not-ready addresses so peers resolve while they start. Throws
 * `TFSCALE_E_INVALID_VALUE` for a bad spec, including `ps`/`chief` (TFJob-only).
 *
 * @example
 * ```ts
 * indexedJobManifests({ name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', workers: 3 });
 * // job env: TFSCALE_HOST_PATTERN=mnist-{index}.mnist-svc:2222, TFSCALE_WORLD_SIZE=3
 * ```
 */
export function indexedJobManifests(spec: TrainingManifestSpec): IndexedJobManifests {
  const index = `-${Math.max(0, spec.workers - 1)}`;
  const run = resolveTrainingSpec(spec, index.length > SERVICE_SUFFIX.length ? index : SERVICE_SUFFIX);
  if (run.ps > 0 || spec.chief) {
    throw invalidValue(
      run.ps > 0 ? 'ps' : 'chief',
      spec.ps ?? spec.chief,
      'unset for an Indexed Job',
      'Use the TFJob form for chief/ps clusters.',
    );
  }
  if (run.restartPolicy === 'ExitCode') {
    throw invalidValue('restartPolicy', 'ExitCode', '"OnFailure" or "Never" for a Job (ExitCode is TFJob-only)');
  }
  const serviceName = `${run.name}${SERVICE_SUFFIX}`;
  const labels = runLabels(run);
  const selector = { 'app.kubernetes.io/instance': run.name, 'app.kubernetes.io/component': 'training' };
  const meta = (name: string) => ({
    name,
    ...(run.namespace === undefined ? {} : { namespace: run.namespace }),
    labels: { ...labels },
  });
  const env = [
    { name: INDEXED_JOB_ENV.hostPattern, value: `${run.name}-{index}.${serviceName}:${run.port}` },
    { name: INDEXED_JOB_ENV.worldSize, value: String(run.workers) },
  ];
  const job: IJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(run.name),
    spec: {
      completionMode: 'Indexed',
      completions: run.workers,
      parallelism: run.workers,
      backoffLimit: run.backoffLimit,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          subdomain: serviceName,
          restartPolicy: run.restartPolicy,
          containers: [trainerContainer(run, 'trainer', TRAINER_PORT_NAME, env)],
        },
      },
    },
  };
  const service: IService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(serviceName),
    spec: {
      clusterIP: 'None',
      selector,
      // DNS records must exist before pods are Ready: ranks connect while starting.
      publishNotReadyAddresses: true,
      ports: [{ name: TRAINER_PORT_NAME, port: run.port, targetPort: run.port, protocol: 'TCP' }],
    },
  };
  return { job, service };
}
