/**
 * The on-disk record of a local deployment: what lets a restarted caller (the CLI run again, the
 * VS Code extension after a reload) find the server an earlier one started. One JSON file per
 * model base path + model name, with the server's log beside it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TfscaleError } from '../core/errors';

/**
 * One local deployment, as written to `<stateDir>/<id>.json`.
 *
 * @example
 * ```ts
 * const record: LocalDeploymentRecord = await readRecord(stateDir, id);
 * ```
 */
export interface LocalDeploymentRecord {
  /** Record layout version. */
  readonly format: 1;
  /** {@link deploymentId} of the model base path and name: the file name. */
  readonly id: string;
  /** The detached `tfscale serve` process (also its process group). */
  readonly pid: number;
  readonly modelPath: string;
  readonly modelName: string;
  /** Address the server binds. */
  readonly host: string;
  readonly restApiPort: number;
  readonly grpcPort: number;
  /** ISO time the server was started. */
  readonly startedAt: string;
  /** `@tfscale/sdk` version of the server. */
  readonly serverVersion: string;
  /** The server's stdout and stderr. */
  readonly logFile: string;
  /** The full command line, for diagnostics. */
  readonly argv: readonly string[];
}

/**
 * Where local deployment records live: `override`, else `$TFSCALE_STATE_DIR/deployments`, else
 * `$XDG_CACHE_HOME/tfscale/deployments` (default `~/.cache/tfscale/deployments`).
 *
 * @example
 * ```ts
 * deploymentStateDir(); // '/home/me/.cache/tfscale/deployments'
 * ```
 */
export function deploymentStateDir(override?: string): string {
  if (override) return path.resolve(override);
  if (process.env.TFSCALE_STATE_DIR) return path.resolve(process.env.TFSCALE_STATE_DIR, 'deployments');
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'tfscale', 'deployments');
}

/**
 * A stable id for a model base path (absolute) + model name: 16 hex digits of their SHA-256.
 *
 * @example
 * ```ts
 * deploymentId('/srv/models/half', 'half'); // e.g. '3f1c…'
 * ```
 */
export function deploymentId(absModelPath: string, modelName: string): string {
  return createHash('sha256').update(`${absModelPath}\0${modelName}`).digest('hex').slice(0, 16);
}

/**
 * A model path as the record keys it: absolute, `file://` URLs accepted.
 *
 * @example
 * ```ts
 * resolveModelPath('file:///srv/models/half'); // '/srv/models/half'
 * ```
 */
export function resolveModelPath(modelPath: string): string {
  return path.resolve(modelPath.startsWith('file://') ? fileURLToPath(modelPath) : modelPath);
}

/**
 * Path of the record file for `id`.
 *
 * @example
 * ```ts
 * recordFile(deploymentStateDir(), id); // '…/deployments/<id>.json'
 * ```
 */
export function recordFile(stateDir: string, id: string): string {
  return path.join(stateDir, `${id}.json`);
}

/**
 * Reads a record; `undefined` when there is none or it is unreadable (a half-written or foreign
 * file is treated as no record, so a fresh deploy replaces it).
 *
 * @example
 * ```ts
 * const record = readRecord(stateDir, id);
 * ```
 */
export function readRecord(stateDir: string, id: string): LocalDeploymentRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(recordFile(stateDir, id), 'utf8'));
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
}

function isRecord(v: unknown): v is LocalDeploymentRecord {
  const r = v as Partial<LocalDeploymentRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.format === 1 &&
    typeof r.id === 'string' &&
    Number.isInteger(r.pid) &&
    typeof r.modelPath === 'string' &&
    typeof r.modelName === 'string' &&
    typeof r.host === 'string' &&
    Number.isInteger(r.restApiPort) &&
    Number.isInteger(r.grpcPort) &&
    typeof r.logFile === 'string'
  );
}

/**
 * Writes a record atomically (temp file + rename), so a reader never sees half of one.
 *
 * @example
 * ```ts
 * writeRecord(stateDir, record);
 * ```
 */
export function writeRecord(stateDir: string, record: LocalDeploymentRecord): void {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = recordFile(stateDir, record.id);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/**
 * Removes a record and its log, but only while the record still names `pid` (a newer server's
 * record is left alone). Missing files are fine.
 *
 * @example
 * ```ts
 * removeRecord(stateDir, record.id, record.pid);
 * ```
 */
export function removeRecord(stateDir: string, id: string, pid: number): void {
  const current = readRecord(stateDir, id);
  if (current && current.pid !== pid) return;
  fs.rmSync(recordFile(stateDir, id), { force: true });
  if (current) fs.rmSync(current.logFile, { force: true });
}

/**
 * Every readable record in `stateDir`, oldest first.
 *
 * @example
 * ```ts
 * for (const r of listRecords(deploymentStateDir())) console.log(r.modelName, r.pid);
 * ```
 */
export function listRecords(stateDir: string): LocalDeploymentRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(stateDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^[0-9a-f]{16}\.json$/.test(n))
    .map((n) => readRecord(stateDir, n.slice(0, -'.json'.length)))
    .filter((r): r is LocalDeploymentRecord => r !== undefined)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/**
 * Holds `<stateDir>/<id>.lock` while `action` runs, so two callers deploying the same model at
 * once start one server. A lock whose holder process is gone is taken over.
 *
 * @example
 * ```ts
 * await withRecordLock(stateDir, id, 60_000, async () => startServer());
 * ```
 */
export async function withRecordLock<T>(
  stateDir: string,
  id: string,
  timeoutMs: number,
  action: () => Promise<T>,
): Promise<T> {
  fs.mkdirSync(stateDir, { recursive: true });
  const lock = path.join(stateDir, `${id}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (let gap = 50; ; gap = Math.min(gap * 2, 500)) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let text: string;
    try {
      text = fs.readFileSync(lock, 'utf8').trim();
    } catch {
      continue; // released meanwhile
    }
    const holder = Number(text);
    // An empty lock is one being written right now (or by a writer that died in between: old).
    const stale = text === '' ? Date.now() - mtime(lock) > 2000 : !Number.isInteger(holder) || !pidExists(holder);
    if (stale) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() >= deadline)
      throw new TfscaleError(
        'TFSCALE_E_DEPLOY_START_FAILED',
        `Another caller (process ${text || '?'}) is still deploying this model (lock ${lock}).`,
        { hint: 'wait for it to finish, or remove the lock file if that process is not a tfscale deploy' },
      );
    await new Promise((resolve) => setTimeout(resolve, gap));
  }
  try {
    return await action();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * True while a process with this pid exists (a zombie counts as gone).
 *
 * @example
 * ```ts
 * if (!pidExists(record.pid)) console.log('server gone');
 * ```
 */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces or parentheses, the state follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
