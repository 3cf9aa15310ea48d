/**
 * One entry point that validates a training deployment's objects: the Kubernetes schema of each
 * core object, the TFJob structure, and the cross-object rules of the Indexed Job form.
 */
import { TfscaleError } from '@tfscale/sdk';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IService } from 'kubernetes-models/v1/Service';
import { indexedJobIssues } from './indexed-job-rules';
import { type ManifestIssue, schemaIssues } from './schema-validation';
import { tfJobIssues } from './tfjob-rules';

/**
 * Validates training manifests together (a Job is checked against the Services beside it);
 * `[]` when all are valid. Objects of other kinds are reported, not ignored.
 *
 * @example
 * ```ts
 * const { job, service } = indexedJobManifests(spec);
 * validateTrainingManifests([job, service]); // []
 * ```
 */
export function validateTrainingManifests(objects: readonly unknown[]): ManifestIssue[] {
  const typed = objects.map((o) => o as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } });
  const services = typed.filter((o) => o.kind === 'Service') as IService[];
  return typed.flatMap((o, i) => {
    const object = `${String(o.kind)}/${String(o.metadata?.name ?? '')}`;
    if (o.kind === 'TFJob') return tfJobIssues(o);
    if (o.kind === 'Job') {
      const schema = schemaIssues('Job', o, object);
      return [...schema, ...indexedJobIssues(o as IJob, services)];
    }
    if (o.kind === 'Service') return schemaIssues('Service', o, object);
    return [
      {
        object: `objects[${i}]`,
        path: '/kind',
        message: `is ${JSON.stringify(o.kind)}; expected TFJob, Job or Service`,
      },
    ];
  });
}

/**
 * Throws `TFSCALE_E_INVALID_VALUE` listing every issue when the manifests are not valid.
 *
 * @example
 * ```ts
 * assertValidTrainingManifests([tfJobManifest(spec)]);
 * ```
 */
export function assertValidTrainingManifests(objects: readonly unknown[]): void {
  const issues = validateTrainingManifests(objects);
  if (issues.length === 0) return;
  const lines = issues.map((issue) => `  ${issue.object} ${issue.path}: ${issue.message}`);
  throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `Invalid Kubernetes manifests:\n${lines.join('\n')}`, {
    hint: 'Fix the spec (or your edits to the objects) so that every line above is satisfied.',
  });
}
