/**
 * Talking to Docker through its CLI (the one client every Docker install has, and which honours
 * DOCKER_HOST, contexts and credential helpers), with an engine check that says why it failed.
 */
import { execFile } from 'node:child_process';

/**
 * Which `docker` to run, and with what environment.
 *
 * @example
 * ```ts
 * const cli: DockerCli = { command: 'docker', env: { ...process.env, DOCKER_HOST: 'ssh://me@gpu-box' } };
 * ```
 */
export interface DockerCli {
  /** Binary name or path (default `docker`, looked up on the PATH of `env`). */
  readonly command?: string;
  /** Environment for every call (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Per-call timeout (default 60 s; `docker run` of a missing image also pulls it). */
  readonly timeoutMs?: number;
}

/**
 * A failed `docker` call: `missing` when the binary is not on the PATH, else its exit code and
 * stderr.
 *
 * @example
 * ```ts
 * if (err instanceof DockerCallError && err.missing) console.log('install docker');
 * ```
 */
export class DockerCallError extends Error {
  override readonly name = 'DockerCallError';
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly missing: boolean,
    readonly exitCode?: number,
  ) {
    super(missing ? 'docker: command not found on PATH' : stderr.trim() || `docker ${args[0]} exited with ${exitCode}`);
  }
}

/**
 * Runs `docker <args>` and resolves its trimmed stdout; rejects with a {@link DockerCallError}.
 *
 * @example
 * ```ts
 * const id = await docker(['run', '-d', 'tensorflow/serving']);
 * ```
 */
export function docker(args: readonly string[], cli: DockerCli = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cli.command ?? 'docker',
      [...args],
      { env: cli.env ?? process.env, timeout: cli.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout.trim());
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        const code = typeof err.code === 'number' ? err.code : undefined;
        reject(new DockerCallError(args, String(stderr || (missing ? '' : err.message)), missing, code));
      },
    );
  });
}

/**
 * Whether a Docker engine answers, per `docker version`.
 *
 * @example
 * ```ts
 * const engine = await dockerEngine(); if (!engine.reachable) console.log(engine.reason);
 * ```
 */
export type DockerEngine =
  | { readonly reachable: true; readonly serverVersion: string }
  | { readonly reachable: false; readonly clientMissing: boolean; readonly reason: string };

/**
 * Asks the engine for its version. Unreachable when the client is missing or the daemon does
 * not answer; `reason` is Docker's own message.
 *
 * @example
 * ```ts
 * await dockerEngine({ env: { ...process.env, DOCKER_HOST: 'unix:///nowhere.sock' } }); // { reachable: false, … }
 * ```
 */
export async function dockerEngine(cli: DockerCli = {}): Promise<DockerEngine> {
  try {
    const serverVersion = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000, ...cli });
    if (serverVersion) return { reachable: true, serverVersion };
    return { reachable: false, clientMissing: false, reason: 'docker version printed no server version' };
  } catch (err) {
    if (!(err instanceof DockerCallError)) throw err;
    // Docker prints the client block first; the engine's failure is the last non-empty line.
    const lines = err.message.split('\n').filter((l) => l.trim() !== '');
    return { reachable: false, clientMissing: err.missing, reason: lines.at(-1) ?? err.message };
  }
}
