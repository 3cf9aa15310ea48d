/**
 * The CLI-free entry point: a run's manifests as objects and YAML, validated before they are
 * returned, so what reaches `kubectl apply` has passed the Kubernetes schemas and our rules.
 */
import { invalidValue } from '@tfscale/sdk';
import { indexedJobManifests } from './indexed-job';
import { type TfJob, tfJobManifest } from './tfjob';
import { toYaml } from './to-yaml';
import type { TrainingManifestSpec } from './training-spec';
import { assertValidTrainingManifests } from './validate-manifests';

/**
 * Which engine runs the workers: a Kubeflow `TFJob` (the operator sets TF_CONFIG) or a plain
 * Indexed Job + headless Service (no operator needed).
 *
 * @example
 * ```ts
 * const target: TrainingTarget = 'indexed-job';
 * ```
 */
export type TrainingTarget = 'tfjob' | 'indexed-job';

/**
 * A spec plus the target; the target defaults to `tfjob` when `ps` or `chief` is set (only TFJob
 * has those replica types), else `indexed-job` (plain Kubernetes, no operator to install).
 *
 * @example
 * ```ts
 * const options: GenerateTrainingOptions = { name: 'mnist', image: 'i', runFile: 'tfscale.json', workers: 4, target: 'tfjob' };
 * ```
 */
export interface GenerateTrainingOptions extends TrainingManifestSpec {
  readonly target?: TrainingTarget;
}

/**
 * What {@link generateTrainingManifests} returns.
 *
 * @example
 * ```ts
 * const { objects, yaml } = generateTrainingManifests(options);
 * ```
 */
export interface TrainingManifests {
  readonly target: TrainingTarget;
  /** In apply order (a Service before the Job whose pods it names). */
  readonly objects: readonly object[];
  readonly yaml: string;
}

/**
 * Generates and validates a run's training manifests. Throws `TFSCALE_E_INVALID_VALUE` for a bad
 * spec or (a bug) manifests that fail validation.
 *
 * @example
 * ```ts
 * const { yaml } = generateTrainingManifests({
 *   name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', strategy: 'multi-worker-mirrored', workers: 4,
 * });
 * fs.writeFileSync('mnist.yaml', yaml); // kubectl apply -f mnist.yaml
 * ```
 */
export function generateTrainingManifests(options: GenerateTrainingOptions): TrainingManifests {
  const { target: chosen, ...spec } = options;
  const target = chosen ?? ((spec.ps ?? 0) > 0 || spec.chief ? 'tfjob' : 'indexed-job');
  let objects: object[];
  if (target === 'tfjob') objects = [tfJobManifest(spec) satisfies TfJob];
  else if (target === 'indexed-job') {
    const { job, service } = indexedJobManifests(spec);
    objects = [service, job];
  } else throw invalidValue('target', target, '"tfjob" or "indexed-job"');
  assertValidTrainingManifests(objects);
  return { target, objects, yaml: toYaml(objects) };
}
