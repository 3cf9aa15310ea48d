/**
 * The built-in `local` deployer: a detached `tfscale serve` per model, found again by later
 * callers through its record (see `deployment-record.ts`), so deploying twice attaches instead of
 * starting a second server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidValue, TfscaleError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Registry } from '../core/registry';
import { SDK_VERSION } from '../core/version';
import type { Deployer, DeployerFactory, DeploySpec } from './deployer';
import {
  deploymentId,
  deploymentStateDir,
  type LocalDeploymentRecord,
  readRecord,
  removeRecord,
  resolveModelPath,
  withRecordLock,
  writeRecord,
} from './deployment-record';
import { attach, LocalDeployment, listDeployments } from './local-deployment';
import { waitForModel } from './model-probe';
import { freePorts, logTail, resolveServeCli, signalServer, spawnServe, waitForPidExit } from './serve-process';

/**
 * Options of the `local` target, from the factory and/or `DeploySpec.options` (the spec wins).
 *
 * @example
 * ```ts
 * const options: LocalDeployerOptions = { restApiPort: 0, grpcPort: 0, serveArgs: ['--enable_batching'] };
 * ```
 */
export interface LocalDeployerOptions {
  /** REST port (default 8501, TF Serving's); 0 picks a free one. */
  readonly restApiPort?: number;
  /** gRPC port (default 8500); 0 picks a free one. */
  readonly grpcPort?: number;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** More `tfscale serve` flags, e.g. `['--enable_batching', '--monitoring_config_file', 'm.txt']`. */
  readonly serveArgs?: readonly string[];
  /** Where records and logs go (default: see `deploymentStateDir`). */
  readonly stateDir?: string;
  /** How long to wait for the model to become AVAILABLE (default 120 s). */
  readonly readyTimeoutMs?: number;
  /** How long `stop()` waits for a graceful exit before SIGKILL (default 30 s). */
  readonly stopTimeoutMs?: number;
  /** The `tfscale` CLI entry to run (default: found by `resolveServeCli`). */
  readonly cliPath?: string;
  /** Node binary for the server (default `process.execPath`). */
  readonly nodePath?: string;
  /** Working directory of the server, where it discovers plugins (default `process.cwd()`). */
  readonly cwd?: string;
}

// Flags the deployer sets itself; passing them through `serveArgs` would contradict the record.
const OWN_FLAGS = ['--model_name', '--model_base_path', '--model_config_file', '--rest_api_port', '--port', '--host'];
const AUTO_PORT_RETRIES = 3;

function port(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw invalidValue(name, value, 'an integer port in [0, 65535] (0 picks a free port)');
  return n;
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw invalidValue(name, value, 'a positive number of milliseconds');
  return value;
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidValue(name, value, 'a non-empty string');
  return value;
}

/** Checks the options once, so a typo fails before anything starts. */
function resolveOptions(raw: Readonly<Record<string, unknown>>) {
  const serveArgs = raw.serveArgs ?? [];
  if (!Array.isArray(serveArgs) || !serveArgs.every((a) => typeof a === 'string'))
    throw invalidValue('serveArgs', serveArgs, 'an array of `tfscale serve` flags (strings)');
  const own = serveArgs.find((a) => OWN_FLAGS.includes(a.split('=')[0]));
  if (own) throw invalidValue('serveArgs', own, `no flag the deployer sets itself (${OWN_FLAGS.join(', ')})`);
  const restApiPort = port('restApiPort', raw.restApiPort, 8501);
  const grpcPort = port('grpcPort', raw.grpcPort, 8500);
  if (restApiPort !== 0 && restApiPort === grpcPort)
    throw invalidValue('grpcPort', raw.grpcPort, 'a port different from restApiPort');
  return {
    restApiPort,
    grpcPort,
    host: optionalString('host', raw.host) ?? '127.0.0.1',
    serveArgs: serveArgs as string[],
    stateDir: deploymentStateDir(optionalString('stateDir', raw.stateDir)),
    readyTimeoutMs: positive('readyTimeoutMs', raw.readyTimeoutMs, 120_000),
    stopTimeoutMs: positive('stopTimeoutMs', raw.stopTimeoutMs, 30_000),
    cliPath: optionalString('cliPath', raw.cliPath),
    nodePath: optionalString('nodePath', raw.nodePath),
    cwd: optionalString('cwd', raw.cwd) ?? process.cwd(),
  };
}

type ResolvedOptions = ReturnType<typeof resolveOptions>;

/** A TF Serving model base: a folder with at least one numbered version folder. */
function checkModelBase(modelPath: string, given: string): void {
  const expected = 'a model base folder holding numbered version folders (TF Serving layout, e.g. models/half/1)';
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(modelPath, { withFileTypes: true });
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'it is a file' : 'it does not exist';
    throw invalidValue('modelPath', given, `${expected}; ${why}`);
  }
  if (!entries.some((e) => e.isDirectory() && /^\d+$/.test(e.name)))
    throw invalidValue(
      'modelPath',
      given,
      `${expected}; it has no version folder`,
      'export one first: tfscale export <checkpoint> --out <base>',
    );
}

/**
 * The `local` deployer. `deploy()` attaches to a live server of the same model (pid alive and
 * the model AVAILABLE on its REST port) or starts one; a stale record is replaced.
 *
 * @example
 * ```ts
 * const deployment = await new LocalDeployer({ restApiPort: 0, grpcPort: 0 }).deploy({ modelPath: 'models/half', modelName: 'half' });
 * await fetch(`${deployment.url}/v1/models/half:predict`, { method: 'POST', body: '{"instances": [[1]]}' });
 * ```
 */
export class LocalDeployer implements Deployer {
  readonly target = 'local';
  readonly #options: Readonly<Record<string, unknown>>;

  constructor(
    options: Readonly<Record<string, unknown>> = {},
    private readonly logger?: Logger,
  ) {
    resolveOptions(options);
    this.#options = options;
  }

  async deploy(spec: DeploySpec): Promise<LocalDeployment> {
    const raw = { ...this.#options, ...spec.options };
    const options = resolveOptions(raw);
    if (typeof spec.modelName !== 'string' || !/^[^\s/\\?#]+$/.test(spec.modelName))
      throw invalidValue('modelName', spec.modelName, 'a non-empty name without spaces, slashes, ? or #');
    const modelPath = resolveModelPath(spec.modelPath);
    checkModelBase(modelPath, spec.modelPath);
    const id = deploymentId(modelPath, spec.modelName);
    return withRecordLock(options.stateDir, id, options.readyTimeoutMs + 10_000, async () => {
      const existing = readRecord(options.stateDir, id);
      if (existing) {
        const live = new LocalDeployment(existing, options.stateDir, { stopTimeoutMs: options.stopTimeoutMs });
        const status = await live.status();
        if (status.state === 'ready') {
          this.#warnOnPortMismatch(existing, raw);
          return live;
        }
        this.logger?.info(
          `Replacing the stale deployment of ${spec.modelName} (pid ${existing.pid}): ${status.message}`,
        );
        await live.stop();
      }
      return this.#start(modelPath, spec.modelName, id, options);
    });
  }

  /** Every recorded local deployment in this deployer's state dir. */
  listDeployments(): LocalDeployment[] {
    return listDeployments({ stateDir: resolveOptions(this.#options).stateDir });
  }

  /** The recorded deployment of a model, or `undefined`. */
  attach(target: { modelPath: string; modelName: string }): Promise<LocalDeployment | undefined> {
    return attach({ ...target, stateDir: resolveOptions(this.#options).stateDir });
  }

  async #start(modelPath: string, modelName: string, id: string, o: ResolvedOptions): Promise<LocalDeployment> {
    const cli = resolveServeCli(o.cliPath);
    const logFile = path.join(o.stateDir, `${id}.log`);
    for (let attempt = 1; ; attempt++) {
      // Two distinct free ports, neither equal to a port given explicitly.
      const free =
        o.restApiPort === 0 || o.grpcPort === 0
          ? (await freePorts(o.host, 3)).filter((p) => p !== o.restApiPort && p !== o.grpcPort)
          : [];
      const restApiPort = o.restApiPort || (free.shift() as number);
      const grpcPort = o.grpcPort || (free.shift() as number);
      const args = [
        'serve',
        '--model_name',
        modelName,
        '--model_base_path',
        modelPath,
        '--rest_api_port',
        String(restApiPort),
        '--port',
        String(grpcPort),
        '--host',
        o.host,
        ...o.serveArgs,
      ];
      const child = await spawnServe({ cli, args, logFile, cwd: o.cwd, nodePath: o.nodePath });
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
      );
      const record: LocalDeploymentRecord = {
        format: 1,
        id,
        pid: child.pid,
        modelPath,
        modelName,
        host: o.host,
        restApiPort,
        grpcPort,
        startedAt: new Date().toISOString(),
        serverVersion: SDK_VERSION,
        logFile,
        argv: [o.nodePath ?? process.execPath, cli, ...args],
      };
      writeRecord(o.stateDir, record);
      const deployment = new LocalDeployment(record, o.stateDir, {
        stopTimeoutMs: o.stopTimeoutMs,
        started: true,
        exited,
      });
      const abort = new AbortController();
      let exit: string | undefined;
      void exited.then((how) => {
        exit = how;
        abort.abort();
      });
      try {
        await waitForModel(deployment.url, modelName, {
          timeoutMs: o.readyTimeoutMs,
          signal: abort.signal,
          failure: () => (exit === undefined ? undefined : `The model server exited (${exit}) while starting.`),
        });
        this.logger?.debug(`Serving ${modelName} from ${modelPath} at ${deployment.url} (pid ${child.pid})`);
        return deployment;
      } catch (err) {
        // Nothing left behind: stop the server (if it still runs), then its record and log.
        if (exit === undefined) {
          signalServer(child.pid, 'SIGKILL');
          await waitForPidExit(child.pid, 5_000);
        }
        const tail = logTail(logFile);
        removeRecord(o.stateDir, id, child.pid);
        // A port we picked was taken before the server bound it: pick again. A given port stays an error.
        const taken = Number(tail.match(/EADDRINUSE: address already in use \S*:(\d+)/)?.[1]);
        const picked = [o.restApiPort ? -1 : restApiPort, o.grpcPort ? -1 : grpcPort];
        if (picked.includes(taken) && attempt < AUTO_PORT_RETRIES) continue;
        const summary = err instanceof TfscaleError ? err.summary : String(err);
        throw new TfscaleError(
          'TFSCALE_E_DEPLOY_START_FAILED',
          `Could not deploy "${modelName}" from ${modelPath}: ${summary}${tail ? `\nServer output (last lines):\n${tail}` : ''}`,
          {
            hint: /EADDRINUSE/.test(tail)
              ? `a port is in use: pass other ports (restApiPort / grpcPort, 0 picks free ones)`
              : `run it in the foreground to see everything: tfscale ${args.join(' ')}`,
            cause: err,
          },
        );
      }
    }
  }

  /** Ports asked for explicitly (not defaults, not 0) that the running server does not use. */
  #warnOnPortMismatch(existing: LocalDeploymentRecord, raw: Readonly<Record<string, unknown>>): void {
    const asked = (v: unknown, actual: number) => v !== undefined && Number(v) !== 0 && Number(v) !== actual;
    const differs = asked(raw.restApiPort, existing.restApiPort) || asked(raw.grpcPort, existing.grpcPort);
    if (differs)
      this.logger?.warn(
        `${existing.modelName} already runs (pid ${existing.pid}) on REST ${existing.restApiPort} / gRPC ${existing.grpcPort}; attached to it. Stop it first to change ports.`,
      );
  }
}

/**
 * The registry factory of the `local` target.
 *
 * @example
 * ```ts
 * const deployer = await localDeployerFactory({ restApiPort: 0, grpcPort: 0 }, ctx);
 * ```
 */
export const localDeployerFactory: DeployerFactory = (options, ctx) => new LocalDeployer(options, ctx.logger);

/**
 * Registers the SDK's own deployers (`local`).
 *
 * @example
 * ```ts
 * registerBuiltinDeployers(container.resolve(DeployerRegistryToken));
 * ```
 */
export function registerBuiltinDeployers(registry: Registry<DeployerFactory>): void {
  registry.register('local', localDeployerFactory);
}
