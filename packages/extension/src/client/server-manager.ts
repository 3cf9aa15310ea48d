import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as path from 'node:path';
import type { SdkLocation } from '../shared/sdk-locator';
import { lastLines } from './cli';
import { buildTestRequest, type ModelMetadata } from './test-request';

/** A model server this window started. */
export interface ServerInfo {
  id: number;
  name: string;
  base: string;
  restPort: number;
  grpcPort: number;
  /** The model's REST URL, e.g. `http://127.0.0.1:8501/v1/models/digits`. */
  url: string;
  state: 'starting' | 'serving' | 'stopped' | 'failed';
  child: ChildProcess;
  /** The CLI's last lines, for the failure message. */
  output: string[];
}

/** Options of {@link ServerManager.serve}. */
export interface ServeOptions {
  /** Preferred REST / gRPC ports; a taken (or 0) one is replaced by a free one. */
  restPort?: number;
  grpcPort?: number;
  timeoutMs?: number;
  onOutput?: (line: string) => void;
}

/**
 * Serves exported models with the workspace's `tfscale serve` (TF Serving REST + gRPC) on free
 * ports, and knows when each is ready. Emits `change` when a server starts, is ready, or ends.
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
    const ready = await Promise.race([
      waitAvailable(info.url, options.timeoutMs ?? 60_000).then(() => true),
      exited.then(() => false),
    ]);
    if (!ready || info.state !== 'starting') {
      info.state = 'failed';
      child.kill('SIGKILL');
      throw new Error(`tfscale serve did not start: ${lastLines(info.output.join('\n')) || 'it exited'}`);
    }
    info.state = 'serving';
    this.emit('change');
    return info;
  }

  /** Stops a server (SIGTERM: the server drains in-flight requests, then exits). */
  async stop(id: number): Promise<void> {
    const info = this.#servers.get(id);
    if (!info) return;
    const gone = new Promise<void>((resolve) => info.child.once('exit', () => resolve()));
    info.child.kill('SIGTERM');
    const timer = setTimeout(() => info.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  dispose(): void {
    for (const s of this.#servers.values()) s.child.kill('SIGTERM');
  }
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
