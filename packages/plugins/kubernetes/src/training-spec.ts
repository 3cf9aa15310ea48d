/**
 * What a training deployment needs, checked once with readable errors, and the trainer container
 * both manifest forms share. Names must leave room for the suffixes Kubernetes and the TFJob
 * operator append (`<name>-worker-3`, `<name>-3`), all DNS-1035 labels of at most 63 characters.
 */
import { invalidValue } from '@tfscale/sdk';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';

/**
 * A distributed training run to deploy.
 *
 * @example
 * ```ts
 * const spec: TrainingManifestSpec = { name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', workers: 4 };
 * ```
 */
export interface TrainingManifestSpec {
  /** `metadata.name` of every object: a DNS-1035 label (lower case, starts with a letter). */
  readonly name: string;
  readonly image: string;
  /** The run file inside the image, as `tfscale train <run-file>` takes it. */
  readonly runFile: string;
  /** `--strategy` of `tfscale train`; default `multi-worker-mirrored`, or `parameter-server` with `ps`. */
  readonly strategy?: string;
  /** Training processes: TFJob `Worker` replicas, or the Indexed Job's completions. */
  readonly workers: number;
  /** TFJob only: add a `Chief` replica (always added with `ps`: it is the coordinator). */
  readonly chief?: boolean;
  /** TFJob only: parameter servers (`PS` replicas). */
  readonly ps?: number;
  readonly namespace?: string;
  /** The port processes talk on; default 2222 (TensorFlow's and the operator's `tfjob-port`). */
  readonly port?: number;
  /** Container resources, e.g. `{ limits: { 'nvidia.com/gpu': 1 } }`. */
  readonly resources?: IResourceRequirements;
  /** Extra environment of the trainer container. */
  readonly env?: Readonly<Record<string, string>>;
  /** Restart policy of training pods; default `OnFailure`. `ExitCode` is TFJob-only. */
  readonly restartPolicy?: 'OnFailure' | 'Never' | 'ExitCode';
  /** Retries before the job fails; default 3. */
  readonly backoffLimit?: number;
  /** Extra labels on every object and pod. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A spec with every default applied.
 *
 * @example
 * ```ts
 * const resolved: ResolvedTrainingSpec = resolveTrainingSpec({ name: 'mnist', image: 'i', runFile: 'r.json', workers: 2 });
 * ```
 */
export type ResolvedTrainingSpec = Required<
  Pick<TrainingManifestSpec, 'name' | 'image' | 'runFile' | 'strategy' | 'workers' | 'chief' | 'ps' | 'port'>
> &
  Pick<TrainingManifestSpec, 'namespace' | 'resources'> & {
    readonly env: Readonly<Record<string, string>>;
    readonly restartPolicy: 'OnFailure' | 'Never' | 'ExitCode';
    readonly backoffLimit: number;
    readonly labels: Readonly<Record<string, string>>;
  };

/** Variables the cluster resolver reads: set by us or by Kubernetes / the operator, never by hand. */
const RESERVED_ENV = [
  'TF_CONFIG',
  'TFSCALE_CLUSTER',
  'TFSCALE_HOSTS',
  'TFSCALE_HOST_PATTERN',
  'TFSCALE_WORLD_SIZE',
  'JOB_COMPLETION_INDEX',
];
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Applies defaults and checks a spec; throws `TFSCALE_E_INVALID_VALUE` naming the field.
 * `longestSuffix` is what the chosen form appends to `name` (e.g. `-worker-11`).
 *
 * @example
 * ```ts
 * resolveTrainingSpec({ name: 'mnist', image: 'i', runFile: 'r.json', workers: 2 }, '-1').port; // 2222
 * ```
 */
export function resolveTrainingSpec(spec: TrainingManifestSpec, longestSuffix = ''): ResolvedTrainingSpec {
  const max = 63 - longestSuffix.length;
  if (typeof spec.name !== 'string' || !DNS_1035.test(spec.name) || spec.name.length > max) {
    throw invalidValue(
      'name',
      spec.name,
      `a DNS-1035 label of at most ${max} characters (lower-case letters, digits, "-", starting with a letter)`,
    );
  }
  for (const field of ['image', 'runFile'] as const) {
    if (typeof spec[field] !== 'string' || spec[field].trim() === '')
      throw invalidValue(field, spec[field], 'a non-empty string');
  }
  count('workers', spec.workers, 1);
  const ps = count('ps', spec.ps ?? 0, 0);
  const port = count('port', spec.port ?? 2222, 1);
  if (port > 65535) throw invalidValue('port', port, 'a port in [1, 65535]');
  const backoffLimit = count('backoffLimit', spec.backoffLimit ?? 3, 0);
  const reserved = Object.keys(spec.env ?? {}).find((name) => RESERVED_ENV.includes(name));
  if (reserved) {
    throw invalidValue(
      `env.${reserved}`,
      spec.env?.[reserved],
      'not set by hand: the operator or the manifest sets it for each pod',
    );
  }
  return {
    name: spec.name,
    image: spec.image,
    runFile: spec.runFile,
    strategy: spec.strategy ?? (ps > 0 ? 'parameter-server' : 'multi-worker-mirrored'),
    workers: spec.workers,
    chief: spec.chief ?? ps > 0,
    ps,
    port,
    namespace: spec.namespace,
    resources: spec.resources,
    env: spec.env ?? {},
    restartPolicy: spec.restartPolicy ?? 'OnFailure',
    backoffLimit,
    labels: spec.labels ?? {},
  };
}

/**
 * The trainer container: `npx tfscale train <run-file> --strategy <s>` listening on `port`.
 *
 * @example
 * ```ts
 * trainerContainer(resolved, 'tensorflow', 'tfjob-port', []); // the TFJob's container
 * ```
 */
export function trainerContainer(
  spec: ResolvedTrainingSpec,
  name: string,
  portName: string,
  env: readonly { name: string; value: string }[],
): IContainer {
  const userEnv = Object.entries(spec.env).map(([envName, value]) => ({ name: envName, value }));
  const allEnv = [...env, ...userEnv];
  return {
    name,
    image: spec.image,
    command: ['npx', 'tfscale', 'train', spec.runFile, '--strategy', spec.strategy],
    ports: [{ name: portName, containerPort: spec.port, protocol: 'TCP' }],
    ...(allEnv.length > 0 ? { env: allEnv } : {}),
    ...(spec.resources ? { resources: structuredClone(spec.resources) } : {}),
  };
}

/**
 * The labels every object and pod of a run carries (Kubernetes' recommended `app.kubernetes.io/*`).
 *
 * @example
 * ```ts
 * runLabels(resolved); // { 'app.kubernetes.io/name': 'tfscale', 'app.kubernetes.io/instance': 'mnist', ... }
 * ```
 */
export function runLabels(spec: ResolvedTrainingSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'tfscale',
    'app.kubernetes.io/instance': spec.name,
    'app.kubernetes.io/component': 'training',
    'app.kubernetes.io/managed-by': 'tfscale',
    ...spec.labels,
  };
}

function count(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidValue(name, value, `an integer >= ${min}`);
  }
  return value;
}
