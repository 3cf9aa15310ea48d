/**
 * The `kubernetes` deployer: serving manifests for tfscale's server, TensorFlow Serving or
 * KServe, written to a folder and, when kubectl has a current context, applied and waited for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Deployer, type DeployerFactory, type DeploySpec, invalidValue, TfscaleError } from '@tfscale/sdk';
import { ClusterDeployment, ManifestsDeployment } from './cluster-deployment';
import { Kubectl } from './kubectl';
import { type ServingManifests, servingManifests } from './serving-manifests';

/**
 * Options of the deployer itself (the manifest options are listed on `resolveServingSpec`).
 * All may come from the factory or from `DeploySpec.options` (the spec wins), as values or as
 * the strings `tfscale deploy --option key=value` passes.
 *
 * @example
 * ```ts
 * const options: KubernetesDeployerOptions = { apply: 'never', out: 'deploy/k8s' };
 * ```
 */
export interface KubernetesDeployerOptions {
  /** `auto` (default): apply when kubectl has a current context; `always`: fail without one; `never`. */
  readonly apply?: 'auto' | 'always' | 'never' | boolean;
  /** Folder for `manifests.yaml` (default `./deploy/kubernetes/<name>`). */
  readonly out?: string;
  /** kubectl binary (default `kubectl` on PATH). */
  readonly kubectl?: string;
  /** kubeconfig context (default: the current one). */
  readonly context?: string;
  /** Wait for the rollout / Ready condition (default true). */
  readonly wait?: boolean;
  /** How long to wait, in seconds (default 300). */
  readonly timeoutSeconds?: number;
}

function applyMode(value: unknown): 'auto' | 'always' | 'never' {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === true || value === 'true' || value === 'always') return 'always';
  if (value === false || value === 'false' || value === 'never') return 'never';
  throw invalidValue('apply', value, '"auto", "always" or "never" (or true/false)');
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidValue(name, value, 'true or false');
}

function text(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidValue(name, value, 'a non-empty string');
  return value;
}

/**
 * Deploys to Kubernetes through the user's kubectl. `deploy()` always writes
 * `<out>/manifests.yaml` (validated first). With a current context (and `apply` not `never`)
 * it runs `kubectl apply -f -`, waits for `kubectl rollout status` (or the InferenceService's
 * Ready condition), and returns a {@link ClusterDeployment} whose URL is the Service's cluster
 * DNS name (a LoadBalancer's address, or KServe's status URL, when there is one), with a
 * port-forward hint in `notes`. Without a cluster it returns a {@link ManifestsDeployment}:
 * state `'starting'`, message "manifests written to X; apply with: kubectl apply -f X".
 *
 * @example
 * ```ts
 * const deployment = await new KubernetesDeployer().deploy({ modelPath: 'pvc://models/mnist', modelName: 'mnist', options: { flavor: 'tf-serving' } });
 * console.log(deployment.notes?.join('\n'));
 * ```
 */
export class KubernetesDeployer implements Deployer {
  readonly target = 'kubernetes';

  constructor(private readonly options: Readonly<Record<string, unknown>> = {}) {
    applyMode(options.apply);
  }

  async deploy(spec: DeploySpec): Promise<ClusterDeployment | ManifestsDeployment> {
    const options = { ...this.options, ...spec.options };
    const mode = applyMode(options.apply);
    const wait = flag('wait', options.wait, true);
    const timeout = Number(options.timeoutSeconds ?? 300);
    if (!Number.isInteger(timeout) || timeout < 1)
      throw invalidValue('timeoutSeconds', options.timeoutSeconds, 'a positive integer');
    const manifests = servingManifests({ modelPath: spec.modelPath, modelName: spec.modelName, options });
    const out = path.resolve(text('out', options.out) ?? path.join('deploy', 'kubernetes', manifests.spec.name));
    fs.mkdirSync(out, { recursive: true });
    const file = path.join(out, 'manifests.yaml');
    fs.writeFileSync(file, manifests.yaml);
    const hints = portForwardNotes(manifests);
    if (mode === 'never') return new ManifestsDeployment(file, 'apply: never', hints);
    const kubectl = new Kubectl({
      binary: text('kubectl', options.kubectl),
      context: text('context', options.context),
    });
    const context = await kubectl.currentContext();
    if (context === undefined) {
      const reason = `no current kubectl context${kubectl.context ? ` named ${kubectl.context}` : ''}`;
      if (mode === 'always') {
        throw new TfscaleError('TFSCALE_E_DEPLOY_TARGET_UNREACHABLE', `Cannot apply to Kubernetes: ${reason}.`, {
          hint: `Configure kubectl (kubectl config use-context <name>), or apply ${file} yourself.`,
        });
      }
      return new ManifestsDeployment(file, reason, hints);
    }
    return this.#apply(manifests, kubectl, context, file, { wait, timeout, hints });
  }

  async #apply(
    manifests: ServingManifests,
    kubectl: Kubectl,
    context: string,
    file: string,
    o: { wait: boolean; timeout: number; hints: string[] },
  ): Promise<ClusterDeployment> {
    const { spec } = manifests;
    const namespace = spec.namespace ?? (await kubectl.contextNamespace());
    const stopCommand = `kubectl --context ${context} delete -f ${file}`;
    const applied = await kubectl.run(['apply', '-n', namespace, '-f', '-'], { input: manifests.yaml });
    if (applied.code !== 0) {
      throw new TfscaleError(
        'TFSCALE_E_DEPLOY_START_FAILED',
        `kubectl apply failed on context ${context}: ${applied.stderr.trim()}`,
        {
          hint: `The manifests are in ${file}; fix the cause above and apply them again.`,
        },
      );
    }
    const resource = spec.flavor === 'kserve' ? `inferenceservice/${spec.name}` : `deployment/${spec.name}`;
    if (o.wait) {
      const args =
        spec.flavor === 'kserve'
          ? ['wait', '--for=condition=Ready', resource, '-n', namespace, `--timeout=${o.timeout}s`]
          : ['rollout', 'status', resource, '-n', namespace, `--timeout=${o.timeout}s`];
      const waited = await kubectl.run(args, { timeoutMs: (o.timeout + 30) * 1000 });
      if (waited.code !== 0) {
        throw new TfscaleError(
          'TFSCALE_E_DEPLOY_START_FAILED',
          `${resource} did not become ready within ${o.timeout} s: ${(waited.stderr || waited.stdout).trim()}`,
          { hint: `Look at kubectl describe ${resource} -n ${namespace}; remove it with: ${stopCommand}` },
        );
      }
    }
    const endpoints = await this.#endpoints(manifests, kubectl, namespace);
    return new ClusterDeployment(manifests, kubectl, namespace, {
      ...endpoints,
      stopCommand,
      notes: [`Applied to context ${context}, namespace ${namespace}; manifests in ${file}.`, ...o.hints],
    });
  }

  async #endpoints(
    m: ServingManifests,
    kubectl: Kubectl,
    namespace: string,
  ): Promise<{ url?: string; grpcAddress?: string }> {
    const { spec } = m;
    if (spec.flavor === 'kserve') {
      const r = await kubectl.run([
        'get',
        'inferenceservice',
        spec.name,
        '-n',
        namespace,
        '-o',
        'jsonpath={.status.url}',
      ]);
      const url = r.code === 0 ? r.stdout.trim() : '';
      return URL.canParse(url) ? { url } : {};
    }
    let host = `${spec.name}.${namespace}.svc.cluster.local`;
    if (spec.serviceType === 'LoadBalancer') {
      const r = await kubectl.run([
        'get',
        'service',
        spec.name,
        '-n',
        namespace,
        '-o',
        'jsonpath={.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}',
      ]);
      if (r.code === 0 && r.stdout.trim() !== '') host = r.stdout.trim();
    }
    return { url: `http://${host}:${spec.restPort}`, grpcAddress: `${host}:${spec.grpcPort}` };
  }
}

function portForwardNotes(m: ServingManifests): string[] {
  const { spec } = m;
  if (spec.flavor === 'kserve') {
    return [`KServe serves the model as /v1/models/${spec.name}:predict (the InferenceService's name).`];
  }
  return [
    `From your machine: kubectl port-forward svc/${spec.name} ${spec.restPort}:${spec.restPort}` +
      ` then http://127.0.0.1:${spec.restPort}/v1/models/${spec.modelName}`,
  ];
}

/**
 * The factory registered as `kubernetes`.
 *
 * @example
 * ```ts
 * ctx.registries.deployer.register('kubernetes', kubernetesDeployerFactory);
 * ```
 */
export const kubernetesDeployerFactory: DeployerFactory = (options) => new KubernetesDeployer(options);
