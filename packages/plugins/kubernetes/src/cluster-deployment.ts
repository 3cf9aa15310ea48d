/**
 * The two deployments the kubernetes deployer returns: one applied to a cluster (status from
 * the Deployment's rollout or the InferenceService's Ready condition, `stop()` deletes the
 * objects), and one whose manifests were only written (nothing to watch or delete).
 */
import { type Deployment, type DeploymentStatus, TfscaleError } from '@tfscale/sdk';
import type { Kubectl } from './kubectl';
import type { ServingManifests } from './serving-manifests';

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * A deployment applied with kubectl. `status()` asks the cluster each time; `stop()` deletes
 * what was applied (idempotent; `--ignore-not-found`).
 *
 * @example
 * ```ts
 * const deployment = new ClusterDeployment(manifests, kubectl, 'default', { url: 'http://mnist.default.svc.cluster.local:8501' });
 * (await deployment.status()).state; // 'ready' once every replica is
 * ```
 */
export class ClusterDeployment implements Deployment {
  readonly url?: string;
  readonly grpcAddress?: string;
  readonly stopCommand?: string;
  readonly notes: readonly string[];
  #stopped = false;

  constructor(
    private readonly manifests: ServingManifests,
    private readonly kubectl: Kubectl,
    private readonly namespace: string,
    endpoints: { url?: string; grpcAddress?: string; stopCommand?: string; notes?: readonly string[] },
  ) {
    if (endpoints.url !== undefined) this.url = endpoints.url;
    if (endpoints.grpcAddress !== undefined) this.grpcAddress = endpoints.grpcAddress;
    if (endpoints.stopCommand !== undefined) this.stopCommand = endpoints.stopCommand;
    this.notes = endpoints.notes ?? [];
  }

  async status(): Promise<DeploymentStatus> {
    if (this.#stopped) return { state: 'stopped', message: 'deleted from the cluster' };
    const kind = this.manifests.spec.flavor === 'kserve' ? 'inferenceservice' : 'deployment';
    const r = await this.kubectl.run(['get', kind, this.manifests.spec.name, '-n', this.namespace, '-o', 'json']);
    if (r.code !== 0) {
      return { state: 'failed', message: `kubectl get ${kind}/${this.manifests.spec.name}: ${r.stderr.trim()}` };
    }
    const object = JSON.parse(r.stdout) as {
      spec?: { replicas?: number };
      status?: { readyReplicas?: number; updatedReplicas?: number; conditions?: Condition[] };
    };
    const conditions = object.status?.conditions ?? [];
    if (kind === 'inferenceservice') {
      const ready = conditions.find((c) => c.type === 'Ready');
      if (ready?.status === 'True') return { state: 'ready', message: 'InferenceService Ready' };
      return { state: 'starting', message: ready?.message ?? ready?.reason ?? 'waiting for KServe' };
    }
    const stuck = conditions.find((c) => c.type === 'Progressing' && c.status === 'False');
    if (stuck) return { state: 'failed', message: stuck.message ?? stuck.reason ?? 'rollout stuck' };
    const want = object.spec?.replicas ?? 1;
    const ready = Math.min(object.status?.readyReplicas ?? 0, object.status?.updatedReplicas ?? 0);
    return ready >= want
      ? { state: 'ready', message: `${ready}/${want} replicas ready` }
      : { state: 'starting', message: `${ready}/${want} replicas ready` };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    const r = await this.kubectl.run(['delete', '-f', '-', '--ignore-not-found', '--wait=false'], {
      input: this.manifests.yaml,
    });
    if (r.code !== 0) {
      throw new TfscaleError(
        'TFSCALE_E_DEPLOY_TARGET_UNREACHABLE',
        `Could not delete the ${this.manifests.spec.name} objects: ${r.stderr.trim()}`,
        this.stopCommand ? { hint: `Retry, or run: ${this.stopCommand}` } : {},
      );
    }
    this.#stopped = true;
  }
}

/**
 * The manifests-only result, when there is no cluster to apply to (no kubectl, no current
 * context, or `apply: false`). Its state is `'starting'`: the deployment exists as files and
 * starts when someone applies them; the message says where they are and how to apply them.
 * Nothing runs, so `stop()` only marks it `'stopped'` and keeps the files.
 *
 * @example
 * ```ts
 * const d = new ManifestsDeployment('deploy/kubernetes/mnist/manifests.yaml', 'no current kubectl context');
 * (await d.status()).message; // 'manifests written to …; apply with: kubectl apply -f …'
 * ```
 */
export class ManifestsDeployment implements Deployment {
  readonly notes: readonly string[];
  readonly stopCommand: string;
  #stopped = false;

  constructor(
    readonly file: string,
    readonly reason: string,
    notes: readonly string[] = [],
  ) {
    this.stopCommand = `kubectl delete -f ${file}`;
    this.notes = [`Not applied (${reason}).`, `Apply with: kubectl apply -f ${file}`, ...notes];
  }

  async status(): Promise<DeploymentStatus> {
    if (this.#stopped) return { state: 'stopped', message: `manifests kept at ${this.file}` };
    return {
      state: 'starting',
      message: `manifests written to ${this.file}; apply with: kubectl apply -f ${this.file}`,
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
  }
}
