/**
 * One entry point that validates serving objects: Deployment and Service against the
 * Kubernetes schemas, InferenceService against KServe's CRD schema (and its container part
 * against the Kubernetes Container schema), plus what no schema states: the Service and the
 * Deployment's selector reach the pods, named ports and volumes exist, the model is mounted
 * where the server reads it.
 */
import { TfscaleError } from '@tfscale/sdk';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import { inferenceServiceSchemaIssues } from './kserve-schema';
import { type ManifestIssue, schemaIssues } from './schema-validation';

// Fields KServe adds to a predictor's container; the rest is a Kubernetes Container.
const KSERVE_ONLY = ['modelFormat', 'runtime', 'runtimeVersion', 'protocolVersion', 'storageUri', 'storage'];

/**
 * Validates serving objects together; `[]` when all are valid. Objects of other kinds are
 * reported, not ignored.
 *
 * @example
 * ```ts
 * validateServingManifests(servingManifests({ modelPath: 's3://b/m', modelName: 'm' }).objects); // []
 * ```
 */
export function validateServingManifests(objects: readonly unknown[]): ManifestIssue[] {
  const typed = objects.map((o) => o as { kind?: unknown; metadata?: { name?: unknown } });
  const services = typed.filter((o) => o.kind === 'Service') as IService[];
  const deployments = typed.filter((o) => o.kind === 'Deployment') as IDeployment[];
  return typed
    .flatMap((o, i) => {
      const object = `${String(o.kind)}/${String(o.metadata?.name ?? '')}`;
      if (o.kind === 'Deployment') {
        return [...schemaIssues('Deployment', o, object), ...deploymentRules(o as IDeployment, object)];
      }
      if (o.kind === 'Service') {
        return [...schemaIssues('Service', o, object), ...serviceRules(o as IService, deployments, object)];
      }
      if (o.kind === 'InferenceService') return inferenceServiceIssues(o, object);
      return [
        {
          object: `objects[${i}]`,
          path: '/kind',
          message: `is ${JSON.stringify(o.kind)}; expected Deployment, Service or InferenceService`,
        },
      ];
    })
    .concat(
      services.length === 0 && deployments.length > 0
        ? [{ object: 'objects', path: '/', message: 'has a Deployment but no Service in front of it' }]
        : [],
    );
}

/**
 * Throws `TFSCALE_E_INVALID_VALUE` listing every issue when the manifests are not valid.
 *
 * @example
 * ```ts
 * assertValidServingManifests([deployment, service]);
 * ```
 */
export function assertValidServingManifests(objects: readonly unknown[]): void {
  const issues = validateServingManifests(objects);
  if (issues.length === 0) return;
  const lines = issues.map((issue) => `  ${issue.object} ${issue.path}: ${issue.message}`);
  throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `Invalid Kubernetes serving manifests:\n${lines.join('\n')}`, {
    hint: 'Fix the options (or your edits to the objects) so that every line above is satisfied.',
  });
}

function inferenceServiceIssues(isvc: unknown, object: string): ManifestIssue[] {
  const issues = inferenceServiceSchemaIssues(isvc, object);
  const predictor = (isvc as { spec?: { predictor?: Record<string, unknown> } }).spec?.predictor ?? {};
  for (const key of ['model', 'tensorflow']) {
    const part = predictor[key];
    if (!part || typeof part !== 'object') continue;
    const container = Object.fromEntries(Object.entries(part).filter(([k]) => !KSERVE_ONLY.includes(k)));
    // KServe names the container itself (kserve-container) when the spec leaves it out.
    issues.push(
      ...schemaIssues('Container', { name: 'kserve-container', ...container }, object, `/spec/predictor/${key}`),
    );
  }
  if (predictor.model && predictor.tensorflow) {
    issues.push({
      object,
      path: '/spec/predictor',
      message: 'sets both model and tensorflow; KServe takes one predictor',
    });
  }
  return issues;
}

function deploymentRules(d: IDeployment, object: string): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const add = (path: string, message: string) => issues.push({ object, path, message });
  const podLabels = d.spec?.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(d.spec?.selector.matchLabels ?? {})) {
    if (podLabels[k] !== v)
      add('/spec/selector/matchLabels', `selects ${k}=${v}, which the pod template does not carry`);
  }
  const pod = d.spec?.template.spec;
  const volumes = new Set((pod?.volumes ?? []).map((v) => v.name));
  (pod?.containers ?? []).forEach((c, ci) => {
    const base = `/spec/template/spec/containers/${ci}`;
    const portNames = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
      if (typeof port === 'string' && !portNames.has(port))
        add(`${base}/${probe}`, `uses port "${port}", which the container does not name`);
    }
    (c.volumeMounts ?? []).forEach((m, mi) => {
      if (!volumes.has(m.name))
        add(`${base}/volumeMounts/${mi}`, `mounts volume "${m.name}", which the pod does not define`);
    });
    const args = c.args ?? [];
    const flag = args.findIndex((a) => a === '--model_base_path' || a.startsWith('--model_base_path='));
    if (flag >= 0) {
      const basePath = args[flag].includes('=') ? args[flag].split('=')[1] : args[flag + 1];
      if (!(c.volumeMounts ?? []).some((m) => basePath === m.mountPath || basePath?.startsWith(`${m.mountPath}/`))) {
        add(`${base}/args`, `reads the model from ${basePath}, where no volume is mounted`);
      }
    }
  });
  return issues;
}

function serviceRules(s: IService, deployments: readonly IDeployment[], object: string): ManifestIssue[] {
  const selector = s.spec?.selector ?? {};
  const target = deployments.find((d) =>
    Object.entries(selector).every(([k, v]) => d.spec?.template.metadata?.labels?.[k] === v),
  );
  if (!target) return [{ object, path: '/spec/selector', message: 'matches the pods of no Deployment beside it' }];
  const names = new Set(
    (target.spec?.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name)).filter(Boolean),
  );
  return (s.spec?.ports ?? []).flatMap((p, i) =>
    typeof p.targetPort === 'string' && !names.has(p.targetPort)
      ? [
          {
            object,
            path: `/spec/ports/${i}/targetPort`,
            message: `names port "${p.targetPort}", which the pods do not define`,
          },
        ]
      : [],
  );
}
