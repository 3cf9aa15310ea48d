/**
 * A handle on one local deployment (a detached `tfscale serve`), built from its record, so the
 * caller that started it and any later one (a restarted CLI, the VS Code extension) get the same
 * status and stop.
 */
import type { Deployment, DeploymentStatus } from './deployer';
import {
  deploymentId,
  deploymentStateDir,
  type LocalDeploymentRecord,
  listRecords,
  readRecord,
  removeRecord,
  resolveModelPath,
} from './deployment-record';
import { probeModel } from './model-probe';
import { isServeProcess, logTail, signalServer, waitForPidExit } from './serve-process';

/**
 * How long `stop()` waits for the graceful SIGTERM shutdown before SIGKILL.
 *
 * @example
 * ```ts
 * new LocalDeployment(record, stateDir, { stopTimeoutMs: 5_000 });
 * ```
 */
export interface LocalDeploymentOptions {
  /** Default 30 s: the server finishes in-flight requests first. */
  readonly stopTimeoutMs?: number;
  /** This handle started the server (false: it attached to a running one). */
  readonly started?: boolean;
  /** Settles with `code N` or `signal S` when the server exits, when this process is its parent. */
  readonly exited?: Promise<string>;
}

/** `host` as a URL authority part: wildcard binds are reached on loopback, IPv6 in brackets. */
function urlHost(host: string): string {
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return reach.includes(':') ? `[${reach}]` : reach;
}

/**
 * A local deployment. `status()` is live (process + REST status route); `stop()` sends SIGTERM
 * to the server's process group, waits for it to exit, and removes the record; it is idempotent.
 *
 * @example
 * ```ts
 * const deployment = await attach({ modelPath: 'models/half', modelName: 'half' });
 * if (deployment) console.log(deployment.pid, (await deployment.status()).state);
 * ```
 */
export class LocalDeployment implements Deployment {
  readonly url: string;
  readonly grpcAddress: string;
  readonly stopCommand: string;
  /** True when this handle started the server, false when it attached to a running one. */
  readonly started: boolean;
  #stopped = false;
  #exit: string | undefined;

  constructor(
    readonly record: LocalDeploymentRecord,
    readonly stateDir: string,
    private readonly options: LocalDeploymentOptions = {},
  ) {
    this.url = `http://${urlHost(record.host)}:${record.restApiPort}`;
    this.grpcAddress = `${urlHost(record.host)}:${record.grpcPort}`;
    this.started = options.started ?? false;
    const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
    this.stopCommand = `tfscale deploy --stop --model_base_path ${q(record.modelPath)} --model_name ${q(record.modelName)}`;
    void options.exited?.then((how) => {
      this.#exit = how;
    });
  }

  /** The server's process id (also its process group). */
  get pid(): number {
    return this.record.pid;
  }

  async status(): Promise<DeploymentStatus> {
    if (this.#stopped) return { state: 'stopped' };
    const current = readRecord(this.stateDir, this.record.id);
    if (!current) return { state: 'stopped', message: 'the deployment record was removed (stopped elsewhere)' };
    if (current.pid !== this.pid)
      return { state: 'stopped', message: `replaced by another server (pid ${current.pid})` };
    if (this.#exit !== undefined || !isServeProcess(this.pid, this.record.modelPath)) {
      // Our own child: its exit event (with the signal) may be a tick behind the process table.
      if (this.#exit === undefined && this.options.exited) {
        const late = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000).unref());
        this.#exit = await Promise.race([this.options.exited, late]);
      }
      const code = this.#exit === undefined ? '' : ` (${this.#exit})`;
      const tail = logTail(this.record.logFile);
      return {
        state: 'failed',
        message: `The model server (pid ${this.pid}) exited${code}.${tail ? ` Last log lines (${this.record.logFile}):\n${tail}` : ''}`,
      };
    }
    const probe = await probeModel(this.url, this.record.modelName);
    if (probe.available) return { state: 'ready' };
    if (!probe.answered)
      return {
        state: 'failed',
        message: `The model server (pid ${this.pid}) is running but ${this.url} does not answer (${probe.message}).`,
      };
    const loading = probe.versions.some((v) => v.state === 'START' || v.state === 'LOADING');
    return { state: loading ? 'starting' : 'failed', message: `Model "${this.record.modelName}": ${probe.message}` };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    const { pid, modelPath } = this.record;
    if (isServeProcess(pid, modelPath)) {
      signalServer(pid, 'SIGTERM');
      if (!(await waitForPidExit(pid, this.options.stopTimeoutMs ?? 30_000))) {
        signalServer(pid, 'SIGKILL');
        await waitForPidExit(pid, 5_000);
      }
    }
    removeRecord(this.stateDir, this.record.id, pid);
    this.#stopped = true;
  }
}

/**
 * Every local deployment recorded in the state dir (live or not: `status()` tells), oldest first.
 * For hosts that list running servers (the VS Code extension, `tfscale deploy --list`).
 *
 * @example
 * ```ts
 * for (const d of listDeployments()) console.log(d.record.modelName, d.url, (await d.status()).state);
 * ```
 */
export function listDeployments(options: { stateDir?: string } = {}): LocalDeployment[] {
  const stateDir = deploymentStateDir(options.stateDir);
  return listRecords(stateDir).map((record) => new LocalDeployment(record, stateDir));
}

/**
 * The recorded local deployment of a model base path + name, or `undefined` when there is none.
 * It may have died since: check `status()`.
 *
 * @example
 * ```ts
 * await (await attach({ modelPath: 'models/half', modelName: 'half' }))?.stop();
 * ```
 */
export async function attach(target: {
  modelPath: string;
  modelName: string;
  stateDir?: string;
}): Promise<LocalDeployment | undefined> {
  const stateDir = deploymentStateDir(target.stateDir);
  const record = readRecord(stateDir, deploymentId(resolveModelPath(target.modelPath), target.modelName));
  return record ? new LocalDeployment(record, stateDir) : undefined;
}
