/**
 * Validation of core Kubernetes objects against the official OpenAPI schemas, as compiled into
 * validators by `kubernetes-models` (4.5.1: the Kubernetes 1.33 API, from its `stopSignal`,
 * `backoffLimitPerIndex` and `trafficDistribution` fields). The schemas check types, enums and
 * required fields; what they cannot say (a Job's pods must not use `Always`, a Service must match
 * the Job's pods) is in the rule files beside this one.
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Container } from 'kubernetes-models/v1/Container';
import { PodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * One problem in a manifest: which object, where (a JSON pointer), what.
 *
 * @example
 * ```ts
 * const issue: ManifestIssue = { object: 'Job/mnist', path: '/spec/completionMode', message: 'must be "Indexed"' };
 * ```
 */
export interface ManifestIssue {
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

/**
 * The schemas available: whole objects, and the pod template and container (for CRDs that embed
 * one, as TFJob and KServe's predictors).
 *
 * @example
 * ```ts
 * const schema: KubernetesSchema = 'PodTemplateSpec';
 * ```
 */
export type KubernetesSchema = 'Job' | 'Service' | 'PodTemplateSpec' | 'Deployment' | 'Container';

const MODELS = { Job, Service, PodTemplateSpec, Deployment, Container } as const;

interface SchemaError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: { readonly allowedValues?: readonly unknown[] };
}

/**
 * Validates `value` against a Kubernetes schema; `[]` when valid. `basePath` prefixes the
 * pointers (e.g. `/spec/tfReplicaSpecs/Worker/template`).
 *
 * @example
 * ```ts
 * schemaIssues('Job', job, 'Job/mnist'); // [] for a valid Job
 * schemaIssues('Service', { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 'x' }] } }, 'Service/s');
 * // [{ object: 'Service/s', path: '/spec/ports/0/port', message: 'must be integer' }]
 * ```
 */
export function schemaIssues(schema: KubernetesSchema, value: unknown, object: string, basePath = ''): ManifestIssue[] {
  try {
    // The models copy their input; validate() throws a ValidationError listing every problem.
    new MODELS[schema](value as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: readonly SchemaError[] }).errors;
    if (!Array.isArray(errors)) return [{ object, path: basePath || '/', message: String(err) }];
    return errors.map((e) => ({
      object,
      path: `${basePath}${e.instancePath ?? ''}` || '/',
      message: e.params?.allowedValues
        ? `${e.message} (${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')})`
        : (e.message ?? 'is invalid'),
    }));
  }
}
