/**
 * The `docker` deployer: TensorFlow Serving's own image (`tensorflow/serving`) in a detached
 * container named `tfscale-<model>`, healthy once the REST model status says AVAILABLE.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type Deployer,
  type DeployerFactory,
  type Deployment,
  type DeploymentStatus,
  type DeploySpec,
  invalidValue,
  type Logger,
  probeModel,
  TfscaleError,
  waitForModel,
} from '@tfscale/sdk';
import { DockerCallError, type DockerCli, docker, dockerEngine } from './docker-cli';
import {
  CONTAINER_GRPC_PORT,
  CONTAINER_REST_PORT,
  type DockerServingSpec,
  defaultContainerName,
  dockerRunArgs,
  formatDockerCommand,
} from './docker-command';
import { readDockerOptions } from './docker-options';

/** `0.0.0.0:49153` / `[::]:49153` lines of `docker port` → the first host port. */
function publishedPort(text: string): number {
  const port = Number(text.split('\n')[0]?.match(/:(\d+)\s*$/)?.[1]);
  if (!Number.isInteger(port)) throw new Error(`unexpected \`docker port\` output: ${text}`);
  return port;
}

function reachHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

async function logsTail(name: string, cli: DockerCli): Promise<string> {
  try {
    // `docker logs` writes the container's stderr to its own stderr: ask for both in one stream.
    return await docker(['logs', '--tail', '20', name], cli);
  } catch (err) {
    return err instanceof DockerCallError ? err.stderr.trim() : String(err);
  }
}

/** `true` running, `false` exists but stopped, `undefined` no such container. */
async function running(name: string, cli: DockerCli): Promise<boolean | undefined> {
  try {
    return (await docker(['inspect', '--format', '{{.State.Running}}', name], cli)) === 'true';
  } catch (err) {
    if (err instanceof DockerCallError && /no such (object|container)/i.test(err.stderr)) return undefined;
    throw err;
  }
}

/**
 * A container deployment; `stop()` is `docker stop` (the container was started with `--rm`).
 *
 * @example
 * ```ts
 * const d = await new DockerDeployer().deploy(spec); console.log(d.stopCommand); // docker stop tfscale-half
 * ```
 */
export class DockerDeployment implements Deployment {
  readonly stopCommand: string;
  #stopped = false;

  constructor(
    readonly containerName: string,
    readonly modelName: string,
    readonly url: string,
    readonly grpcAddress: string,
    readonly notes: readonly string[],
    private readonly cli: DockerCli,
  ) {
    this.stopCommand = `docker stop ${containerName}`;
  }

  async status(): Promise<DeploymentStatus> {
    if (this.#stopped) return { state: 'stopped' };
    let isRunning: boolean | undefined;
    try {
      isRunning = await running(this.containerName, this.cli);
    } catch (err) {
      return { state: 'failed', message: `Docker does not answer: ${(err as Error).message}` };
    }
    if (isRunning !== true)
      return {
        state: 'failed',
        message: `Container ${this.containerName} is ${isRunning === false ? 'not running' : 'gone'}.`,
      };
    const probe = await probeModel(this.url, this.modelName);
    if (probe.available) return { state: 'ready' };
    const loading = !probe.answered || probe.versions.some((v) => v.state === 'START' || v.state === 'LOADING');
    return { state: loading ? 'starting' : 'failed', message: probe.message ?? 'model not available' };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    try {
      await docker(['stop', this.containerName], this.cli);
    } catch (err) {
      if (!(err instanceof DockerCallError && /no such container/i.test(err.stderr))) throw err;
    }
    this.#stopped = true;
  }
}

/**
 * Deploys to a Docker engine with `tensorflow/serving`. Options (factory and/or
 * `DeploySpec.options`, strings accepted as the CLI's `--option` gives them): `restApiPort`,
 * `grpcPort`, `host`, `image`, `tag`, `gpus`, `containerName`, `serverArgs`, `docker` (binary),
 * `dockerHost`, `readyTimeoutMs`.
 *
 * @example
 * ```ts
 * const d = await new DockerDeployer({ tag: '2.18.0' }).deploy({ modelPath: '/srv/models/half', modelName: 'half' });
 * ```
 */
export class DockerDeployer implements Deployer {
  readonly target = 'docker';

  constructor(
    private readonly options: Readonly<Record<string, unknown>> = {},
    private readonly logger?: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    readDockerOptions(options);
  }

  async deploy(spec: DeploySpec): Promise<DockerDeployment> {
    const o = readDockerOptions({ ...this.options, ...spec.options });
    const modelPath = path.resolve(spec.modelPath);
    checkModelBase(modelPath, spec.modelPath);
    const serving: DockerServingSpec = { ...o.serving, modelPath, modelName: spec.modelName };
    const name = serving.containerName ?? defaultContainerName(spec.modelName);
    const cli: DockerCli = {
      command: o.docker,
      env: o.dockerHost ? { ...this.env, DOCKER_HOST: o.dockerHost } : this.env,
    };
    const foreground = formatDockerCommand(dockerRunArgs(serving, 'interactive'));

    const engine = await dockerEngine(cli);
    if (!engine.reachable)
      throw new TfscaleError(
        'TFSCALE_E_DEPLOY_TARGET_UNREACHABLE',
        engine.clientMissing
          ? `No Docker engine is reachable: the docker CLI (${o.docker}) is not on the PATH.`
          : `No Docker engine is reachable: ${engine.reason}`,
        {
          hint: `start Docker (or point DOCKER_HOST at an engine), or run this where Docker runs:\n  ${foreground}`,
        },
      );

    const existing = await running(name, cli);
    if (existing === true) {
      const attached = await this.#describe(name, serving, cli, foreground);
      if ((await attached.status()).state === 'ready') {
        this.logger?.info(`Container ${name} already serves ${spec.modelName}; attached to it.`);
        return attached;
      }
    }
    if (existing !== undefined) await docker(['rm', '-f', name], cli);

    await docker(dockerRunArgs(serving, 'detached'), { ...cli, timeoutMs: o.readyTimeoutMs });
    const deployment = await this.#describe(name, serving, cli, foreground);
    try {
      await waitForModel(deployment.url, spec.modelName, {
        timeoutMs: o.readyTimeoutMs,
        failure: async () => ((await running(name, cli)) ? undefined : `Container ${name} exited while starting.`),
      });
      return deployment;
    } catch (err) {
      const logs = await logsTail(name, cli);
      await docker(['rm', '-f', name], cli).catch(() => undefined);
      const summary = err instanceof TfscaleError ? err.summary : String(err);
      throw new TfscaleError(
        'TFSCALE_E_DEPLOY_START_FAILED',
        `Could not deploy "${spec.modelName}" in Docker: ${summary}${logs ? `\nContainer output (last lines):\n${logs}` : ''}`,
        { hint: `run it in the foreground to see everything:\n  ${foreground}`, cause: err },
      );
    }
  }

  async #describe(name: string, serving: DockerServingSpec, cli: DockerCli, foreground: string) {
    const rest = serving.restApiPort || publishedPort(await docker(['port', name, `${CONTAINER_REST_PORT}/tcp`], cli));
    const grpc = serving.grpcPort || publishedPort(await docker(['port', name, `${CONTAINER_GRPC_PORT}/tcp`], cli));
    const host = reachHost(serving.host);
    const notes = [
      `container ${name} (${serving.image ?? 'tensorflow/serving'}${serving.tag ? `:${serving.tag}` : ''})`,
      `foreground form: ${foreground}`,
    ];
    return new DockerDeployment(name, serving.modelName, `http://${host}:${rest}`, `${host}:${grpc}`, notes, cli);
  }
}

/** TF Serving's layout: a folder with at least one numbered version folder. */
function checkModelBase(modelPath: string, given: string): void {
  const expected = 'a model base folder holding numbered version folders (e.g. models/half/1/saved_model.pb)';
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(modelPath, { withFileTypes: true });
  } catch {
    throw invalidValue('modelPath', given, `${expected}; it is not a readable folder`);
  }
  if (!names.some((e) => e.isDirectory() && /^\d+$/.test(e.name)))
    throw invalidValue('modelPath', given, `${expected}; it has no version folder`);
}

/**
 * The registry factory of the `docker` target.
 *
 * @example
 * ```ts
 * const deployer = await dockerDeployerFactory({ tag: '2.18.0' }, ctx);
 * ```
 */
export const dockerDeployerFactory: DeployerFactory = (options, ctx) => new DockerDeployer(options, ctx.logger);
