/**
 * What an Indexed Job training deployment needs beyond the schema, from Kubernetes' "Job with
 * pod-to-pod communication" task and the SDK's Indexed Job resolver: indexed completions all
 * running at once, pods named through a headless Service, and the peer env the resolver reads.
 */
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IService } from 'kubernetes-models/v1/Service';
import { INDEXED_JOB_ENV } from './indexed-job';
import type { ManifestIssue } from './schema-validation';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Rule issues of an Indexed Job against the Services deployed with it (`[]` when fine).
 *
 * @example
 * ```ts
 * const { job, service } = indexedJobManifests(spec);
 * indexedJobIssues(job, [service]); // []
 * ```
 */
export function indexedJobIssues(job: IJob, services: readonly IService[]): ManifestIssue[] {
  const name = job.metadata?.name ?? '';
  const object = `Job/${name}`;
  const issues: ManifestIssue[] = [];
  const add = (path: string, message: string, on = object) => issues.push({ object: on, path, message });
  const spec = job.spec;
  const pod = spec?.template?.spec;
  if (!DNS_1035.test(name)) add('/metadata/name', 'must be a DNS-1035 label: pods are named <job>-<index>');
  if (spec?.completionMode !== 'Indexed')
    add('/spec/completionMode', 'must be "Indexed": ranks come from JOB_COMPLETION_INDEX');
  const n = spec?.completions;
  if (!Number.isInteger(n) || (n as number) < 1) add('/spec/completions', 'must be the number of ranks (>= 1)');
  else if (`${name}-${(n as number) - 1}`.length > 63)
    add('/metadata/name', `is too long: hostname ${name}-${(n as number) - 1} exceeds 63 characters`);
  if (spec?.parallelism !== n) add('/spec/parallelism', 'must equal completions: every rank must run at once');
  if (pod?.restartPolicy !== 'OnFailure' && pod?.restartPolicy !== 'Never') {
    add('/spec/template/spec/restartPolicy', 'must be "OnFailure" or "Never" (Jobs refuse "Always")');
  }
  const service = services.find(
    (s) => s.metadata?.name === pod?.subdomain && s.metadata?.namespace === job.metadata?.namespace,
  );
  if (!pod?.subdomain)
    add('/spec/template/spec/subdomain', 'must name the headless Service so pods resolve as <job>-<index>.<service>');
  else if (!service)
    add('/spec/template/spec/subdomain', `names no Service deployed with the Job ("${pod.subdomain}")`);
  const env = new Map((pod?.containers ?? []).flatMap((c) => (c.env ?? []).map((e) => [e.name, e.value] as const)));
  const ports = (pod?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
  if (env.get(INDEXED_JOB_ENV.worldSize) !== String(n)) {
    add('/spec/template/spec/containers', `must set ${INDEXED_JOB_ENV.worldSize}=${n} (= completions)`);
  }
  const pattern = env.get(INDEXED_JOB_ENV.hostPattern);
  const match = /^(.+)-\{index\}\.([^:]+):(\d+)$/.exec(pattern ?? '');
  if (!match || match[1] !== name || match[2] !== pod?.subdomain || !ports.includes(Number(match[3]))) {
    add(
      '/spec/template/spec/containers',
      `must set ${INDEXED_JOB_ENV.hostPattern}="${name}-{index}.${pod?.subdomain ?? '<service>'}:<a container port>" (is ${JSON.stringify(pattern)})`,
    );
  }
  if (service)
    issues.push(
      ...serviceIssues(service, spec?.template?.metadata?.labels ?? {}, match ? Number(match[3]) : undefined),
    );
  return issues;
}

function serviceIssues(
  service: IService,
  podLabels: Record<string, string>,
  port: number | undefined,
): ManifestIssue[] {
  const object = `Service/${service.metadata?.name}`;
  const issues: ManifestIssue[] = [];
  const add = (path: string, message: string) => issues.push({ object, path, message });
  const spec = service.spec;
  if (!DNS_1035.test(service.metadata?.name ?? '')) add('/metadata/name', 'must be a DNS-1035 label');
  if (spec?.clusterIP !== 'None')
    add('/spec/clusterIP', 'must be "None": a headless Service gives each pod a DNS name');
  const selector = Object.entries(spec?.selector ?? {});
  if (selector.length === 0 || selector.some(([k, v]) => podLabels[k] !== v)) {
    add('/spec/selector', "must be non-empty and match the Job's pod labels");
  }
  if (spec?.publishNotReadyAddresses !== true)
    add('/spec/publishNotReadyAddresses', 'must be true: ranks resolve peers while starting');
  if (port !== undefined && !(spec?.ports ?? []).some((p) => p.port === port))
    add('/spec/ports', `must include port ${port}`);
  return issues;
}
