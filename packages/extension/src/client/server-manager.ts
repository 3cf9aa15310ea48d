import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { SdkLocation } from '../shared/sdk-locator';
import { lastLines, runCli } from './cli';
import { buildTestRequest, type ModelMetadata } from './test-request';

/**
 * A model server this window started.
 * @example
 *   const { url } = await servers.serve('models/digits'); // ServerInfo
 */
export interface ServerInfo {
  id: number;
  name: string;
  base: string;
  restPort: number;
  grpcPort: number;
  /** The model's REST URL, e.g. `http://127.0.0.1:8501/v1/models/digits`. */
  url: string;
  state: 'starting' | 'serving' | 'stopped' | 'failed';
  /** How it runs: a local deployment (`tfscale deploy --target local`, detached, outlives the window) or a child `tfscale serve`. */
  via: 'deploy' | 'serve';
  pid?: number;
  /** The `tfscale serve` child (via 'serve' only). */
  child?: ChildProcess;
  /** The CLI's last lines, for the failure message. */
  output: string[];
}

/**
 * Options of {@link ServerManager.serve}.
 * @example
 *   await servers.serve('models/digits', { restPort: 8501, grpcPort: 8500 });
 */
export interface ServeOptions {
  /** Preferred REST / gRPC ports; a taken (or 0) one is replaced by a free one. */
  restPort?: number;
  /** 'serve' forces a child `tfscale serve` even when the SDK has the local deployer. */
  via?: 'deploy' | 'serve';
  grpcPort?: number;
  timeoutMs?: number;
  onOutput?: (line: string) => void;
}

/**
 * Whether the workspace's SDK has the local deployer (`tfscale deploy --target local`).
 * @example
 *   hasLocalDeployer(sdk); // true from @tfscale/sdk 0.1 with deploy
 */
export function hasLocalDeployer(sdk: SdkLocation): boolean {
  return fs.existsSync(path.join(sdk.root, 'dist', 'cli', 'commands', 'deploy.js'));
}

/**
 * Serves exported models on free local ports (TF Serving REST + gRPC): through the SDK's local
 * deployer when it has one (a detached server that outlives the window; serving the same model
 * again attaches to it), else as a child `tfscale serve`. Knows when each is ready. Emits
 * `change` when a server starts, is ready, or ends.
 * @example
 *   const servers = new ServerManager(sdk, folder);
 *   const s = await servers.serve('models/digits');
 *   console.log(s.url); // http://127.0.0.1:8501/v1/models/digits
 */
export class ServerManager extends EventEmitter {
  readonly #servers = new Map<number, ServerInfo>();
  #next = 1;

  constructor(
    private readonly sdk: SdkLocation,
    private readonly cwd: string,
  ) {
    super();
  }

  list(): ServerInfo[] {
    return [...this.#servers.values()];
  }

  async serve(base: string, options: ServeOptions = {}): Promise<ServerInfo> {
    const name = path.basename(base);
    const restPort = await freePort(options.restPort);
    const grpcPort = await freePort(options.grpcPort, [restPort]);
    const via = options.via ?? (hasLocalDeployer(this.sdk) ? 'deploy' : 'serve');
    if (via === 'deploy') return this.#deploy(base, name, restPort, grpcPort, options);
    const args = [
      this.sdk.cli,
      'serve',
      '--model_name',
      name,
      '--model_base_path',
      path.resolve(this.cwd, base),
      '--rest_api_port',
      String(restPort),
      '--port',
      String(grpcPort),
    ];
    const child = spawn(process.execPath, args, { cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const info: ServerInfo = {
      id: this.#next++,
      name,
      base: path.resolve(this.cwd, base),
      restPort,
      grpcPort,
      url: `http://127.0.0.1:${restPort}/v1/models/${name}`,
      state: 'starting',
      via: 'serve',
      pid: child.pid,
      child,
      output: [],
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        info.output.push(line);
        if (info.output.length > 50) info.output.shift();
        options.onOutput?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        if (info.state !== 'failed') info.state = info.state === 'starting' ? 'failed' : 'stopped';
        this.#servers.delete(info.id);
        this.emit('change');
        resolve();
      });
      child.once('error', () => resolve());
    });
    this.#servers.set(info.id, info);
    this.emit('change');
    let waitError = '';
    const ready = await Promise.race([
      waitAvailable(info.url, options.timeoutMs ?? 60_000).then(
        () => true,
        (err: Error) => {
          waitError = err.message;
          return false;
        },
      ),
      exited.then(() => false),
    ]);
    if (!ready || info.state !== 'starting') {
      info.state = 'failed';
      child.kill('SIGKILL');
      const said = lastLines(info.output.join('\n'));
      throw new Error(`tfscale serve did not start: ${[waitError, said].filter(Boolean).join('\n') || 'it exited'}`);
    }
    info.state = 'serving';
    this.emit('change');
    return info;
  }

  /** `tfscale deploy <base> --target local`: starts (or attaches to) a detached local server. */
  async #deploy(base: string, name: string, restPort: number, grpcPort: number, options: ServeOptions) {
    const absolute = path.resolve(this.cwd, base);
    const args = [
      'deploy',
      absolute,
      '--target',
      'local',
      '--rest_api_port',
      String(restPort),
      '--port',
      String(grpcPort),
    ];
    options.onOutput?.(`$ tfscale ${args.join(' ')}`);
    const out = await runCli(this.sdk, this.cwd, args);
    for (const line of out.split('\n')) if (line.trim()) options.onOutput?.(line);
    const rest = out.match(/REST\s+(http:\/\/\S+)/)?.[1];
    if (!rest) throw new Error(`tfscale deploy printed no REST address:\n${lastLines(out)}`);
    const port = Number(new URL(rest).port);
    const info: ServerInfo = {
      id: this.#next++,
      name,
      base: absolute,
      restPort: port,
      grpcPort: Number(out.match(/gRPC\s+\S+:(\d+)/)?.[1] ?? grpcPort),
      url: `${rest.replace(/\/$/, '')}/v1/models/${name}`,
      state: 'starting',
      via: 'deploy',
      pid: Number(out.match(/pid (\d+)/)?.[1]) || undefined,
      output: out.split('\n').filter((l) => l.trim()),
    };
    // Serving the same model again attaches to its deployment: one row per deployment.
    for (const [id, s] of this.#servers) if (s.via === 'deploy' && s.base === absolute) this.#servers.delete(id);
    this.#servers.set(info.id, info);
    await waitAvailable(info.url, options.timeoutMs ?? 60_000);
    info.state = 'serving';
    this.emit('change');
    return info;
  }

  /**
   * Lists the local deployments of models in this workspace that are serving (`tfscale deploy
   * --list`), so servers started before a reload show again. Returns how many it added.
   */
  async attachDeployments(): Promise<number> {
    if (!hasLocalDeployer(this.sdk)) return 0;
    const out = await runCli(this.sdk, this.cwd, ['deploy', '--list']);
    let added = 0;
    for (const d of parseDeploymentList(out)) {
      const inside = !path.relative(this.cwd, d.modelPath).startsWith('..');
      if (d.state !== 'ready' || !inside) continue;
      if (this.list().some((s) => s.via === 'deploy' && s.base === d.modelPath)) continue;
      const port = Number(new URL(d.rest).port);
      this.#servers.set(this.#next, {
        id: this.#next++,
        name: d.model,
        base: d.modelPath,
        restPort: port,
        grpcPort: 0,
        url: `${d.rest.replace(/\/$/, '')}/v1/models/${d.model}`,
        state: 'serving',
        via: 'deploy',
        pid: d.pid,
        output: [],
      });
      added++;
    }
    if (added) this.emit('change');
    return added;
  }

  /** Stops a server: `tfscale deploy --stop` for a deployment; SIGTERM (drain, then exit) for a child. */
  async stop(id: number): Promise<void> {
    const info = this.#servers.get(id);
    if (!info) return;
    if (info.via === 'deploy') {
      await runCli(this.sdk, this.cwd, ['deploy', info.base, '--stop']);
      info.state = 'stopped';
      this.#servers.delete(id);
      this.emit('change');
      return;
    }
    const child = info.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  /** Ends child servers; local deployments keep running (that is what they are for). */
  dispose(): void {
    for (const s of this.#servers.values()) s.child?.kill('SIGTERM');
  }
}

/**
 * Rows of `tfscale deploy --list` (columns STATE, PID, MODEL, REST, MODEL PATH, STARTED, padded
 * with spaces); none when it says there are no deployments.
 * @example
 *   parseDeploymentList(out)[0]; // { state: 'ready', pid: 4242, model: 'digits', rest: 'http://127.0.0.1:8501', ... }
 */
export function parseDeploymentList(
  text: string,
): { state: string; pid: number; model: string; rest: string; modelPath: string }[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const header = lines.findIndex((l) => /^STATE\s+PID\s+MODEL\s+REST/.test(l));
  if (header < 0) return [];
  return lines.slice(header + 1).flatMap((line) => {
    const [state, pid, model, rest, modelPath] = line.split(/\s{2,}/);
    if (!state || !pid || !model || !rest?.startsWith('http') || !modelPath) return [];
    return [{ state, pid: Number(pid), model, rest, modelPath }];
  });
}

/**
 * Sends one predict request built from the model's signature; resolves with status and body.
 * @example
 *   const { status, body } = await sendTestRequest('http://127.0.0.1:8501/v1/models/digits');
 */
export async function sendTestRequest(url: string): Promise<{ status: number; request: unknown; body: string }> {
  const meta = await fetch(`${url}/metadata`);
  if (!meta.ok) throw new Error(`GET ${url}/metadata answered ${meta.status}: ${await meta.text()}`);
  const request = buildTestRequest((await meta.json()) as ModelMetadata);
  const res = await fetch(`${url}:predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  return { status: res.status, request, body: await res.text() };
}

async function waitAvailable(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        const body = (await res.json()) as { model_version_status?: { state: string }[] };
        if (body.model_version_status?.some((v) => v.state === 'AVAILABLE')) return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no AVAILABLE version at ${url} after ${timeoutMs} ms`);
}

/**
 * `preferred` when it is free on 127.0.0.1, else a free port the OS picks.
 * @example
 *   await freePort(8501); // 8501, or e.g. 41234 when 8501 is taken
 */
export async function freePort(preferred?: number, avoid: number[] = []): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => {
        const got = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred && !avoid.includes(preferred)) {
    const got = await tryListen(preferred);
    if (got) return got;
  }
  for (;;) {
    const got = await tryListen(0);
    if (got && !avoid.includes(got)) return got;
  }
}
