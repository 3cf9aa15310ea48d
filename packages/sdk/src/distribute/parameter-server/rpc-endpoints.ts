/**
 * Opening {@link RpcChannel}s: dialling a task that may not be up yet (tasks of a cluster start
 * in any order, as TF's do), and listening on this task's cluster address.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { TfscaleError } from '../../core/errors';
import { listenTarget, parseRankAddress } from '../collective/address';
import type { RpcChannel } from './rpc-channel';

// Errors of a peer that is not listening yet (or whose name does not resolve yet, on Kubernetes).
const RETRYABLE = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * How to dial a task.
 *
 * @example
 * ```ts
 * const options: DialOptions = { address: 'ps0:2222', peer: 'ps:0 (ps0:2222)', timeoutMs: 300_000 };
 * ```
 */
export interface DialOptions {
  readonly address: string;
  /** The task, as messages name it. */
  readonly peer: string;
  /** How long to keep retrying a task that is not up yet. */
  readonly timeoutMs: number;
}

/**
 * Connects to `address`, retrying with backoff until `timeoutMs`; throws
 * `TFSCALE_E_PS_CONNECT_FAILED` naming the task after that.
 *
 * @example
 * ```ts
 * const socket = await dial({ address: '127.0.0.1:7001', peer: 'ps:0 (127.0.0.1:7001)', timeoutMs: 60_000 });
 * ```
 */
export async function dial(options: DialOptions): Promise<net.Socket> {
  const address = parseRankAddress(options.address, 'cluster address');
  const target = address.kind === 'unix' ? { path: address.path } : { host: address.host, port: address.port };
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const result = await new Promise<net.Socket | NodeJS.ErrnoException>((resolve) => {
      const socket = net.connect(target);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => {
        socket.destroy();
        resolve(err);
      });
    });
    if (result instanceof net.Socket) return result;
    const code = result.code ?? result.message;
    const wait = Math.min(1_000, 50 * 2 ** attempt);
    if (!RETRYABLE.has(code) || Date.now() + wait > deadline) {
      throw new TfscaleError(
        'TFSCALE_E_PS_CONNECT_FAILED',
        `Could not reach ${options.peer} within ${options.timeoutMs} ms: ${code}.`,
        { hint: 'Start every task of the cluster (TF_CONFIG) and check that the addresses reach them.' },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * A listening task: hands each accepted socket to `onSocket`.
 *
 * @example
 * ```ts
 * const server = await RpcServer.listen('127.0.0.1:7000', 'chief', (socket) => accept(socket));
 * await server.close();
 * ```
 */
export class RpcServer {
  private readonly channels = new Set<RpcChannel>();

  private constructor(private readonly server: net.Server) {}

  /** Listens on a cluster address; throws `TFSCALE_E_COLLECTIVE_LISTEN_FAILED` when it cannot. */
  static async listen(text: string, task: string, onSocket: (socket: net.Socket) => void): Promise<RpcServer> {
    const address = parseRankAddress(text, 'cluster address');
    if (address.kind === 'unix') fs.mkdirSync(path.dirname(address.path), { recursive: true });
    const server = net.createServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new TfscaleError('TFSCALE_E_COLLECTIVE_LISTEN_FAILED', `${task} could not listen on ${text}: ${err.code}.`, {
            hint: 'Another process uses this address (a leftover task of an earlier run?); give each task its own port.',
            cause: err,
          }),
        ),
      );
      server.listen(listenTarget(address), () => resolve());
    });
    return new RpcServer(server);
  }

  /** Remembers a channel so {@link close} ends it. */
  track(channel: RpcChannel): void {
    this.channels.add(channel);
    channel.socket.once('close', () => this.channels.delete(channel));
  }

  /** Stops accepting and closes every tracked channel. */
  async close(): Promise<void> {
    await Promise.all([...this.channels].map((c) => c.close()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
