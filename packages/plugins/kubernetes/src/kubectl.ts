/**
 * A small `kubectl` runner: the deployer talks to clusters through the user's own kubectl and
 * kubeconfig (contexts, auth plugins, proxies), as they would by hand, instead of a client
 * library that would have to re-implement all of that.
 */
import { spawn } from 'node:child_process';

/**
 * What one kubectl call returned.
 *
 * @example
 * ```ts
 * const { code, stdout } = await kubectl.run(['get', 'pods']);
 * ```
 */
export interface KubectlResult {
  /** Exit code; -1 when kubectl could not be started (not installed). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs kubectl with an optional `--context`, stdin and time limit.
 *
 * @example
 * ```ts
 * const kubectl = new Kubectl({ context: 'kind-dev' });
 * await kubectl.run(['apply', '-f', '-'], { input: yaml });
 * ```
 */
export class Kubectl {
  readonly binary: string;
  readonly context?: string;

  constructor(options: { binary?: string; context?: string } = {}) {
    this.binary = options.binary ?? 'kubectl';
    if (options.context !== undefined) this.context = options.context;
  }

  /** Runs `kubectl [--context c] <args>`; never rejects (a missing binary gives code -1). */
  run(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    const full = this.context === undefined ? [...args] : ['--context', this.context, ...args];
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(this.binary, full, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
      } catch (err) {
        resolve({ code: -1, stdout: '', stderr: String(err) });
        return;
      }
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr || err.message }));
      child.on('close', (code, signal) =>
        resolve({ code: code ?? -1, stdout, stderr: signal ? `${stderr}killed by ${signal} (time limit)` : stderr }),
      );
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input ?? '');
    });
  }

  /**
   * The context kubectl would use, or `undefined` when kubectl is missing or no context is set
   * (then there is no cluster to apply to).
   */
  async currentContext(): Promise<string | undefined> {
    if (this.context !== undefined) {
      const r = await this.run(['config', 'get-contexts', this.context, '-o', 'name']);
      return r.code === 0 && r.stdout.trim() !== '' ? this.context : undefined;
    }
    const r = await this.run(['config', 'current-context']);
    return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
  }

  /** The namespace of the context (`default` when it names none). */
  async contextNamespace(): Promise<string> {
    const r = await this.run(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']);
    return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : 'default';
  }
}
