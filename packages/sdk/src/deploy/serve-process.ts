/**
 * The `tfscale serve` child of a local deployment: finding the CLI, picking free ports, starting
 * it detached (own process group, output to a log file) so it outlives the caller, and telling
 * whether a pid is still that server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { TfscaleError } from '../core/errors';
import { pidExists } from './deployment-record';

/**
 * The `tfscale` CLI entry to run: `override`, else `$TFSCALE_CLI`, else this SDK copy's own
 * `dist/cli/main.js` (beside this file), else the one `@tfscale/sdk` resolves to from the
 * working directory (when the SDK is bundled, e.g. inside the VS Code extension).
 *
 * @example
 * ```ts
 * resolveServeCli(); // '/app/node_modules/@tfscale/sdk/dist/cli/main.js'
 * ```
 */
export function resolveServeCli(override?: string): string {
  const candidates: string[] = [];
  if (override) candidates.push(path.resolve(override));
  else {
    if (process.env.TFSCALE_CLI) candidates.push(path.resolve(process.env.TFSCALE_CLI));
    candidates.push(path.join(__dirname, '..', 'cli', 'main.js'));
    try {
      const pkg = require.resolve('@tfscale/sdk/package.json', { paths: [process.cwd()] });
      candidates.push(path.join(path.dirname(pkg), 'dist', 'cli', 'main.js'));
    } catch {
      // not installed where cwd can see it
    }
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (found) return found;
  throw new TfscaleError(
    'TFSCALE_E_DEPLOY_START_FAILED',
    `The tfscale CLI was not found (looked at ${candidates.join(', ')}).`,
    {
      hint: 'install @tfscale/sdk in this project, or pass the `cliPath` option (or set TFSCALE_CLI) to its dist/cli/main.js',
    },
  );
}

/**
 * `count` distinct free TCP ports on `host`, held open together while picking so they differ.
 * Another process may still take one before the server binds it; the caller retries then.
 *
 * @example
 * ```ts
 * const [rest, grpc] = await freePorts('127.0.0.1', 2);
 * ```
 */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, resolve);
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/**
 * How to start the server.
 *
 * @example
 * ```ts
 * const options: SpawnServeOptions = { cli, args: ['serve', '--model_name', 'half'], logFile, cwd: process.cwd() };
 * ```
 */
export interface SpawnServeOptions {
  readonly cli: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd: string;
  /** Node binary (default `process.execPath`; under Electron it runs as Node). */
  readonly nodePath?: string;
}

/**
 * Starts `node <cli> <args>` detached: its own process group, stdio to `logFile` (truncated),
 * unref'd so the caller may exit. Resolves once it has a pid.
 *
 * @example
 * ```ts
 * const child = await spawnServe(options); console.log(child.pid);
 * ```
 */
export async function spawnServe(options: SpawnServeOptions): Promise<ChildProcess & { pid: number }> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = fs.openSync(options.logFile, 'w');
  const env = { ...process.env };
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  let child: ChildProcess;
  try {
    child = spawn(options.nodePath ?? process.execPath, [options.cli, ...options.args], {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
      windowsHide: true,
    });
  } finally {
    fs.closeSync(fd);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(
        new TfscaleError('TFSCALE_E_DEPLOY_START_FAILED', `Could not start the model server: ${err.message}.`, {
          cause: err,
        }),
      ),
    );
  });
  child.unref();
  return child as ChildProcess & { pid: number };
}

/**
 * True when `pid` is alive and (on Linux, where the command line is readable) is a `tfscale
 * serve` of `modelPath`: a recycled pid is never mistaken for the server, nor signalled.
 *
 * @example
 * ```ts
 * if (isServeProcess(record.pid, record.modelPath)) process.kill(record.pid, 'SIGTERM');
 * ```
 */
export function isServeProcess(pid: number, modelPath: string): boolean {
  if (!pidExists(pid)) return false;
  if (process.platform !== 'linux') return true;
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return true; // exists but unreadable (another user): cannot tell, assume it is
  }
  const at = argv.indexOf('--model_base_path');
  return argv.includes('serve') && at >= 0 && argv[at + 1] === modelPath;
}

/**
 * Sends `signal` to the server's whole process group (POSIX), or to the process (Windows).
 * Missing processes are ignored.
 *
 * @example
 * ```ts
 * signalServer(record.pid, 'SIGTERM');
 * ```
 */
export function signalServer(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Resolves `true` once `pid` is gone, `false` after `timeoutMs`. Polls: the pid is usually not
 * our child (the caller that started it may have restarted), so there is no exit event.
 *
 * @example
 * ```ts
 * if (!(await waitForPidExit(pid, 30_000))) signalServer(pid, 'SIGKILL');
 * ```
 */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let gap = 20; pidExists(pid); gap = Math.min(gap * 2, 200)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, gap));
  }
  return true;
}

// Native TensorFlow's startup chatter, which would crowd out the lines that say what went wrong.
const NOISE = [/^I\d{4} \d\d:\d\d:\d\d/, /^WARNING: All log messages before absl::InitializeLog/];

/**
 * The last `lines` meaningful lines of a server log (TensorFlow's info chatter dropped).
 *
 * @example
 * ```ts
 * logTail(record.logFile, 15); // 'Error: listen EADDRINUSE: address already in use 127.0.0.1:8501\n…'
 * ```
 */
export function logTail(file: string, lines = 15): string {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 16 * 1024);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
  const kept = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)));
  return kept.slice(-lines).join('\n');
}
