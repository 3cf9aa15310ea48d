import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A run's state as the views show it.
 * @example
 *   const icon = state === 'running' ? 'sync~spin' : 'pass';
 */
export type RunState = 'running' | 'done' | 'failed' | 'stopped';

/**
 * What the extension records about a run it started, in `<workspace>/.tfscale/vscode/runs/<id>/run.json`;
 * the run's metrics, log, checkpoints and TensorBoard logs sit beside it.
 * @example
 *   const record: RunRecord = readRun(dir);
 */
export interface RunRecord {
  id: string;
  name: string;
  runFile: string;
  startedAt: number;
  endedAt?: number;
  state: RunState;
  pid?: number;
  exitCode?: number | null;
  device: string;
  backend: string;
  /** Model base folders exported from this run (versions inside). */
  exports: string[];
}

/**
 * The files of one run, by convention under its folder.
 * @example
 *   runPaths(dir).metrics; // '<dir>/metrics.jsonl'
 */
export function runPaths(dir: string) {
  return {
    dir,
    record: path.join(dir, 'run.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    log: path.join(dir, 'train.log'),
    checkpoints: path.join(dir, 'checkpoints'),
    logs: path.join(dir, 'logs'),
  };
}

/**
 * Run records on disk: listing, reading, writing. A record left `running` by a window that went
 * away, whose process is gone, reads as `stopped`.
 * @example
 *   const store = new RunStore(workspaceFolder);
 *   for (const run of store.list()) console.log(run.id, run.state);
 */
export class RunStore {
  readonly root: string;

  constructor(workspaceFolder: string) {
    this.root = path.join(workspaceFolder, '.tfscale', 'vscode', 'runs');
  }

  dir(id: string): string {
    return path.join(this.root, id);
  }

  /** Newest first. */
  list(): RunRecord[] {
    if (!fs.existsSync(this.root)) return [];
    const out: RunRecord[] = [];
    for (const id of fs.readdirSync(this.root)) {
      const r = this.read(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }

  read(id: string): RunRecord | undefined {
    const file = runPaths(this.dir(id)).record;
    if (!fs.existsSync(file)) return undefined;
    try {
      const r = JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord;
      if (r.state === 'running' && !(r.pid && alive(r.pid))) r.state = 'stopped';
      return r;
    } catch {
      return undefined;
    }
  }

  write(record: RunRecord): void {
    const dir = this.dir(record.id);
    fs.mkdirSync(dir, { recursive: true });
    const file = runPaths(dir).record;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** Checkpoint folders of a run, oldest first (`ckpt-01`, `ckpt-02`, …). */
  checkpoints(id: string): string[] {
    const dir = runPaths(this.dir(id)).checkpoints;
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((n) => n.startsWith('ckpt-'))
      .sort()
      .map((n) => path.join(dir, n));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A run id from the run's name and start time, safe as a folder name.
 * @example
 *   runId('digits', new Date('2026-01-02T03:04:05Z')); // 'digits-20260102-030405'
 */
export function runId(name: string, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
  return `${name.replace(/[^\w.-]+/g, '_') || 'run'}-${stamp}`;
}
