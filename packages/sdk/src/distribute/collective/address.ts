/**
 * Rank addresses: a Unix domain socket path on one host, `host:port` (TCP) across hosts. The form
 * of the string picks the transport, so one address list (e.g. from TF_CONFIG) says it all.
 */
import * as path from 'node:path';
import { invalidValue } from '../../core/errors';

/**
 * A parsed rank address.
 *
 * @example
 * ```ts
 * const a: RankAddress = { kind: 'tcp', host: '10.0.0.3', port: 7000, text: '10.0.0.3:7000' };
 * ```
 */
export type RankAddress =
  | { readonly kind: 'unix'; readonly path: string; readonly text: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly text: string };

// sun_path is 108 bytes on Linux and 104 on macOS, both including the terminating NUL.
const MAX_UNIX_PATH = process.platform === 'linux' ? 107 : 103;

/**
 * Parses `unix:/run/x.sock`, `/run/x.sock` or `./x.sock` (Unix socket) and `host:port`,
 * `[::1]:port` or `tcp://host:port` (TCP). Throws `TFSCALE_E_INVALID_VALUE` otherwise.
 *
 * @example
 * ```ts
 * parseRankAddress('127.0.0.1:7000'); // { kind: 'tcp', host: '127.0.0.1', port: 7000, ... }
 * parseRankAddress('/tmp/run/rank-0.sock'); // { kind: 'unix', path: '/tmp/run/rank-0.sock', ... }
 * ```
 */
export function parseRankAddress(text: string, name = 'address'): RankAddress {
  if (typeof text !== 'string' || text === '') throw invalidValue(name, text, 'a socket path or host:port');
  if (text.startsWith('unix:') || (!text.startsWith('tcp://') && text.includes('/'))) {
    const raw = text.startsWith('unix:') ? text.slice('unix:'.length).replace(/^\/\/(?=\/)/, '') : text;
    const socketPath = path.resolve(raw);
    if (Buffer.byteLength(socketPath) > MAX_UNIX_PATH) {
      throw invalidValue(
        name,
        text,
        `a Unix socket path of at most ${MAX_UNIX_PATH} bytes`,
        'Put the sockets in a short directory such as /tmp/tfscale-<run>.',
      );
    }
    return { kind: 'unix', path: socketPath, text };
  }
  const match = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port < 1 || port > 65535) {
    throw invalidValue(name, text, 'host:port with a port in [1, 65535], or a Unix socket path');
  }
  const host = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  return { kind: 'tcp', host, port, text };
}

/**
 * Where a rank listens for its address: the socket path, or the port on all interfaces (as
 * TensorFlow's servers bind `[::]:port`) unless the host is a loopback name, which stays local.
 *
 * @example
 * ```ts
 * listenTarget(parseRankAddress('worker-1.svc:7000')); // { port: 7000 } (all interfaces)
 * ```
 */
export function listenTarget(address: RankAddress): { path: string } | { host?: string; port: number } {
  if (address.kind === 'unix') return { path: address.path };
  const loopback = address.host === 'localhost' || address.host === '::1' || address.host.startsWith('127.');
  return loopback ? { host: address.host, port: address.port } : { port: address.port };
}

/**
 * One Unix socket address per rank inside `dir` (the single-host layout a local launcher uses).
 *
 * @example
 * ```ts
 * localAddresses('/tmp/tfscale-run1', 2); // ['/tmp/tfscale-run1/rank-0.sock', '/tmp/tfscale-run1/rank-1.sock']
 * ```
 */
export function localAddresses(dir: string, worldSize: number): string[] {
  return Array.from({ length: worldSize }, (_, rank) => path.join(path.resolve(dir), `rank-${rank}.sock`));
}
