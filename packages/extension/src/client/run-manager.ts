import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetricsEvent } from '../shared/messages';
import type { SdkLocation } from '../shared/sdk-locator';
import { runPlacement } from './device-picker';
import { MetricsTail } from './metrics-tail';
import { type RunRecord, RunStore, runId, runPaths } from './run-store';

/**
 * Options of {@link RunManager.start}.
 * @example
 *   runs.start(file, { device: 'cpu', backend: 'auto', epochs: 3 } satisfies StartRunOptions);
 */
export interface StartRunOptions {
  device: string;
  backend: string;
  /** Overrides the run file's epochs when set. */
  epochs?: number;
  /** Each line the CLI prints (stdout and stderr). */
  onOutput?: (line: string) => void;
  /** Each MetricsStream event, as the run writes it. */
  onEvents?: (events: MetricsEvent[]) => void;
}

/**
 * A run this window started and is still watching.
 * @example
 *   const { record, done } = runs.start(file, options); await done;
 */
export interface ActiveRun {
  record: RunRecord;
  child: ChildProcess;
  /** Resolves with the final record when the process ends. */
  done: Promise<RunRecord>;
}

/**
 * Starts `tfscale train` from the workspace's SDK as a child process, with a MetricsStream file,
 * checkpoints and TensorBoard logs in the run's folder, and keeps its record up to date.
 * Emits `change` whenever a run starts or ends.
 * @example
 *   const runs = new RunManager(sdk, folder);
 *   const run = runs.start('examples/quickstart/tfscale.json', { device: 'auto', backend: 'auto', epochs: 2 });
 *   await run.done;
 */
export class RunManager extends EventEmitter {
  readonly store: RunStore;
  readonly #active = new Map<string, ActiveRun>();
  readonly #stopping = new Set<string>();

  constructor(
    private readonly sdk: SdkLocation,
    readonly workspaceFolder: string,
  ) {
    super();
    this.store = new RunStore(workspaceFolder);
  }

  active(): ActiveRun[] {
    return [...this.#active.values()];
  }

  start(runFile: string, options: StartRunOptions): ActiveRun {
    const absolute = path.resolve(this.workspaceFolder, runFile);
    const name = runName(absolute);
    const id = runId(name, new Date());
    const paths = runPaths(this.store.dir(id));
    fs.mkdirSync(paths.dir, { recursive: true });
    const placement = runPlacement(options.device, options.backend);
    const args = [
      this.sdk.cli,
      'train',
      absolute,
      '--metrics-file',
      paths.metrics,
      '--checkpoint-dir',
      paths.checkpoints,
      '--logdir',
      paths.logs,
      ...placement.args,
      ...(options.epochs ? ['--epochs', String(options.epochs)] : []),
    ];
    const log = fs.createWriteStream(paths.log);
    const child = spawn(process.execPath, args, {
      cwd: path.dirname(absolute),
      env: { ...process.env, ...placement.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const record: RunRecord = {
      id,
      name,
      runFile: absolute,
      startedAt: Date.now(),
      state: 'running',
      pid: child.pid,
      device: options.device,
      backend: options.backend,
      exports: [],
    };
    this.store.write(record);
    const lines = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput?.(line);
    };
    child.stdout?.on('data', lines);
    child.stderr?.on('data', lines);
    const tail = new MetricsTail(paths.metrics, (events) => options.onEvents?.(events));
    tail.start();
    const done = new Promise<RunRecord>((resolve) => {
      const finish = (code: number | null, error?: Error) => {
        tail.poll();
        tail.dispose();
        log.end();
        if (error) options.onOutput?.(`could not start tfscale train: ${error.message}`);
        const end: RunRecord = {
          ...(this.store.read(id) ?? record),
          state: this.#stopping.delete(id) ? 'stopped' : code === 0 ? 'done' : 'failed',
          exitCode: code,
          endedAt: Date.now(),
        };
        this.store.write(end);
        this.#active.delete(id);
        this.emit('change');
        resolve(end);
      };
      child.once('error', (err) => finish(null, err));
      child.once('exit', (code) => finish(code));
    });
    const run: ActiveRun = { record, child, done };
    this.#active.set(id, run);
    this.emit('change');
    return run;
  }

  /**
   * Stops a run the way Ctrl-C does (after the current batch, keeping a backup), then kills it
   * if it has not ended within `graceMs`.
   */
  async stop(id: string, graceMs = 10_000): Promise<RunRecord | undefined> {
    const run = this.#active.get(id);
    if (!run) return undefined;
    this.#stopping.add(id);
    run.child.kill('SIGINT');
    const timer = setTimeout(() => run.child.kill('SIGKILL'), graceMs);
    try {
      return await run.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records an export made from a run, so its Exports node and the Models view list it. */
  addExport(id: string, base: string): void {
    const r = this.store.read(id);
    if (!r) return;
    if (!r.exports.includes(base)) r.exports.push(base);
    this.store.write(r);
    this.emit('change');
  }

  dispose(): void {
    for (const run of this.#active.values()) run.child.kill('SIGINT');
  }
}

/**
 * The run's `name` from a tfscale.json, else its folder's name.
 * @example
 *   runName('/w/quickstart/tfscale.json'); // 'digits' (its name), else 'quickstart'
 */
export function runName(runFile: string): string {
  if (runFile.endsWith('.json')) {
    try {
      const value = JSON.parse(fs.readFileSync(runFile, 'utf8')) as { name?: unknown };
      if (typeof value.name === 'string' && value.name) return value.name;
    } catch {
      // not readable JSON: the CLI will say why
    }
  }
  return path.basename(path.dirname(runFile));
}
