/**
 * The deployer plugin point: where an exported model runs (a local server, Kubernetes, …).
 */
import type { FactoryContext } from '../core/factory-context';
import { createToken } from '../core/tokens';

/**
 * What to deploy.
 *
 * @example
 * ```ts
 * const spec: DeploySpec = { modelPath: 'models/mnist', modelName: 'mnist', options: { restApiPort: 8501 } };
 * ```
 */
export interface DeploySpec {
  /** Model base path (TF Serving layout: numbered version folders) or URL. */
  readonly modelPath: string;
  /** Name clients use, as in `/v1/models/<modelName>:predict`. */
  readonly modelName: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Lifecycle state of a deployment.
 *
 * @example
 * ```ts
 * const state: DeploymentState = 'ready';
 * ```
 */
export type DeploymentState = 'starting' | 'ready' | 'failed' | 'stopped';

/**
 * A snapshot of a deployment's health.
 *
 * @example
 * ```ts
 * const { state, message } = await deployment.status();
 * ```
 */
export interface DeploymentStatus {
  readonly state: DeploymentState;
  readonly message?: string;
}

/**
 * A running (or starting) deployment. `stop()` is idempotent; after it, `status()` reports
 * `'stopped'`.
 *
 * @example
 * ```ts
 * const deployment = await deployer.deploy(spec);
 * console.log(deployment.url); // http://localhost:8501
 * await deployment.stop();
 * ```
 */
export interface Deployment {
  /** REST endpoint base, when the target serves REST. */
  readonly url?: string;
  /** gRPC `host:port`, when the target serves gRPC. */
  readonly grpcAddress?: string;
  /** A shell command that stops it from anywhere (`docker stop tfscale-mnist`), for CLIs to print. */
  readonly stopCommand?: string;
  /** Extra lines for the user (files written, how to open or apply them), for CLIs to print. */
  readonly notes?: readonly string[];
  /** What `url` is: a model API (default) or a web page to open. */
  readonly urlKind?: 'api' | 'page';
  /** Served by the calling process (a static server): it ends with the process, so a CLI keeps running until Ctrl-C. */
  readonly inProcess?: boolean;
  status(): Promise<DeploymentStatus>;
  stop(): Promise<void>;
}

/**
 * Deploys models to one target.
 *
 * @example
 * ```ts
 * const deployer = await deployers.get('local')({}, ctx);
 * const deployment = await deployer.deploy({ modelPath: 'models/mnist', modelName: 'mnist' });
 * ```
 */
export interface Deployer {
  /** Registry name of the target: 'local', 'kubernetes', … */
  readonly target: string;
  deploy(spec: DeploySpec): Promise<Deployment>;
}

/**
 * What the deployer registry holds.
 *
 * @example
 * ```ts
 * deployers.register('local', (options, ctx) => new LocalDeployer(ctx.logger));
 * ```
 */
export type DeployerFactory = (
  options: Readonly<Record<string, unknown>>,
  ctx: FactoryContext,
) => Deployer | Promise<Deployer>;

/**
 * The run's chosen deployer.
 *
 * @example
 * ```ts
 * run.registerInstance(DeployerToken, deployer);
 * ```
 */
export const DeployerToken = createToken<Deployer>('Deployer');
