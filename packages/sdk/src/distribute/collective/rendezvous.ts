/**
 * Ring rendezvous: each rank listens on its own address, accepts its ring predecessor and dials
 * its successor, retrying until a deadline because peers start in any order. A handshake checks
 * (protocol, runId, worldSize, ranks, address list) both ways and refuses mismatches.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describeValue, isTfscaleError } from '../../core/errors';
import { listenTarget, type RankAddress } from './address';
import { CollectiveError, type PeerRef } from './collective-error';
import { Connection } from './connection';
import { FrameKind, fingerprint, PROTOCOL_VERSION } from './frame';

/**
 * What {@link rendezvous} needs.
 *
 * @example
 * ```ts
 * const opts: RendezvousOptions = { rank: 0, worldSize: 2, addresses, runId: 'run-1', timeoutMs: 60_000, connectTimeoutMs: 30_000 };
 * ```
 */
export interface RendezvousOptions {
  readonly rank: number;
  readonly worldSize: number;
  readonly addresses: readonly RankAddress[];
  readonly runId: string;
  /** Inactivity limit of the connections once established. */
  readonly timeoutMs: number;
  /** Deadline for the whole rendezvous. */
  readonly connectTimeoutMs: number;
}

/**
 * The two links of a ring: data arrives from `prev` and leaves through `next`.
 *
 * @example
 * ```ts
 * const { prev, next } = await rendezvous(opts);
 * ```
 */
export interface RingLinks {
  readonly prev: Connection;
  readonly next: Connection;
}

const GROUP_HINT =
  'Start every rank of a run with the same runId, worldSize and address list (TF_CONFIG), and stop leftover ranks of earlier runs.';
const SLOW_HINT = 'Start all ranks with the same address list; raise `connectTimeoutMs` if ranks start slowly.';

/**
 * Connects this rank to its ring neighbours; rejects with a coded error (timeout, mismatch, listen
 * failure) after telling any neighbour already connected why.
 *
 * @example
 * ```ts
 * const { prev, next } = await rendezvous({ rank, worldSize, addresses, runId, timeoutMs, connectTimeoutMs });
 * ```
 */
export async function rendezvous(opts: RendezvousOptions): Promise<RingLinks> {
  const deadline = Date.now() + opts.connectTimeoutMs;
  const server = await listen(opts.addresses[opts.rank], opts.rank);
  const abort = new AbortController();
  const links: Connection[] = [];
  let failLink: (err: CollectiveError) => void = () => {};
  const linkFailed = new Promise<never>((_, reject) => {
    failLink = reject;
  });
  linkFailed.catch(() => {});
  const watch = (c: Connection) => {
    if (abort.signal.aborted) {
      void c.close(new CollectiveError('TFSCALE_E_COLLECTIVE_CLOSED', 'Rendezvous ended.'), 1000);
      throw new Error('rendezvous aborted');
    }
    links.push(c);
    // A neighbour that fails (or aborts) while we still wait for the other one ends the rendezvous.
    c.onFailure = failLink;
    return c;
  };
  const both = Promise.all([
    accept(server, opts, deadline, abort.signal).then(watch),
    dial(opts, deadline, abort.signal).then(watch),
  ]);
  both.catch(() => {});
  try {
    const [prev, next] = await Promise.race([both, linkFailed]);
    // The transport installs its own failure handler and checks `failed` for anything in between.
    for (const c of links) c.onFailure = () => {};
    return { prev, next };
  } catch (err) {
    abort.abort();
    const reason =
      err instanceof CollectiveError ? err : new CollectiveError('TFSCALE_E_COLLECTIVE_PEER_LOST', String(err));
    await Promise.all(links.map((c) => c.close(reason, 1000)));
    throw reason;
  } finally {
    server.close();
  }
}

function hello(opts: RendezvousOptions, to: number): Record<string, unknown> {
  const addresses = fingerprint(opts.addresses.map((a) => a.text));
  return { protocol: PROTOCOL_VERSION, runId: opts.runId, worldSize: opts.worldSize, rank: opts.rank, to, addresses };
}

/** The mismatch between our view of the group and the peer's hello/welcome, if any. */
function checkPeer(body: Record<string, unknown>, opts: RendezvousOptions, peer: PeerRef): CollectiveError | undefined {
  const diffs: string[] = [];
  if (body.protocol !== PROTOCOL_VERSION) {
    diffs.push(`protocol ${PROTOCOL_VERSION} here, ${describeValue(body.protocol)} there`);
  }
  if (body.runId !== opts.runId)
    diffs.push(`runId ${describeValue(opts.runId)} here, ${describeValue(body.runId)} there`);
  if (body.worldSize !== opts.worldSize) {
    diffs.push(`worldSize ${opts.worldSize} here, ${describeValue(body.worldSize)} there`);
  }
  if (diffs.length === 0 && (body.rank !== peer.rank || body.to !== opts.rank)) {
    diffs.push(`it says it is rank ${describeValue(body.rank)} talking to rank ${describeValue(body.to)}`);
  } else if (diffs.length === 0 && body.addresses !== hello(opts, peer.rank).addresses) {
    diffs.push('their address lists differ');
  }
  if (diffs.length === 0) return undefined;
  return new CollectiveError(
    'TFSCALE_E_COLLECTIVE_MISMATCH',
    `Rank ${opts.rank} refused peer rank ${peer.rank} (${peer.address}): ${diffs.join('; ')}.`,
    { peer, hint: GROUP_HINT },
  );
}

function accept(server: net.Server, opts: RendezvousOptions, deadline: number, signal: AbortSignal) {
  const rank = (opts.rank - 1 + opts.worldSize) % opts.worldSize;
  const peer = { rank, address: opts.addresses[rank].text };
  return new Promise<Connection>((resolve, reject) => {
    const pending = new Set<net.Socket>();
    let done = false;
    const finish = (err: Error | undefined, conn?: Connection) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      server.off('connection', onConnection);
      for (const s of pending) if (s !== conn?.socket) s.destroy();
      server.on('connection', (late: net.Socket) => late.destroy());
      if (conn) resolve(conn);
      else reject(err);
    };
    const timer = setTimeout(() => {
      const summary = `Rank ${opts.rank} waited ${opts.connectTimeoutMs} ms for peer rank ${rank} (${peer.address}) to connect.`;
      finish(new CollectiveError('TFSCALE_E_COLLECTIVE_TIMEOUT', summary, { peer, hint: SLOW_HINT }));
    }, deadline - Date.now());
    signal.addEventListener('abort', () => finish(new Error('rendezvous aborted')), { once: true });
    const onConnection = async (socket: net.Socket) => {
      pending.add(socket);
      tune(socket);
      const conn = new Connection(socket, peer, opts.rank, opts.timeoutMs);
      let body: Record<string, unknown>;
      try {
        body = (await conn.nextControl(Math.max(1, deadline - Date.now()), 'a hello')).body;
      } catch {
        socket.destroy(); // not a tfscale rank, or it went away: keep waiting for the real one
        pending.delete(socket);
        return;
      }
      const problem = checkPeer(body, opts, peer);
      if (problem) {
        await conn.close(problem, 1000);
        return finish(problem);
      }
      conn.sendControl(FrameKind.Welcome, hello(opts, rank)).catch(() => {});
      finish(undefined, conn);
    };
    server.on('connection', onConnection);
  });
}

async function dial(opts: RendezvousOptions, deadline: number, signal: AbortSignal): Promise<Connection> {
  const rank = (opts.rank + 1) % opts.worldSize;
  const address = opts.addresses[rank];
  const peer = { rank, address: address.text };
  let lastError = 'no attempt finished';
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    if (signal.aborted) throw new Error('rendezvous aborted');
    if (Date.now() >= deadline) {
      const summary = `Rank ${opts.rank} could not connect to peer rank ${rank} (${peer.address}) within ${opts.connectTimeoutMs} ms (last error: ${lastError}).`;
      throw new CollectiveError('TFSCALE_E_COLLECTIVE_TIMEOUT', summary, { peer, hint: SLOW_HINT });
    }
    try {
      const socket = await connectOnce(address, deadline - Date.now());
      if (signal.aborted) {
        socket.destroy();
        throw new Error('rendezvous aborted');
      }
      const conn = new Connection(socket, peer, opts.rank, opts.timeoutMs);
      conn.sendControl(FrameKind.Hello, hello(opts, rank)).catch(() => {});
      try {
        const reply = await conn.nextControl(Math.max(1, deadline - Date.now()), 'a welcome');
        const problem = checkPeer(reply.body, opts, peer);
        if (problem) throw problem;
        return conn;
      } catch (err) {
        await conn.close(err as CollectiveError, 1000);
        throw err;
      }
    } catch (err) {
      // Refusals, our deadline and failures forwarded by the peer are final; connection errors are retried.
      const forwarded = err instanceof CollectiveError && err.reportedBy !== undefined;
      if (isTfscaleError(err) && (err.code !== 'TFSCALE_E_COLLECTIVE_PEER_LOST' || forwarded)) throw err;
      lastError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
    await new Promise((wake) => setTimeout(wake, Math.max(0, Math.min(delay, deadline - Date.now()))));
  }
}

function connectOnce(address: RankAddress, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      address.kind === 'unix'
        ? net.connect({ path: address.path })
        : net.connect({ host: address.host, port: address.port });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      tune(socket);
      resolve(socket);
    });
  });
}

function tune(socket: net.Socket): void {
  // Gradient frames are large and latency-bound at the end of each step: never wait for Nagle.
  if (socket.remoteFamily !== undefined) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
  }
}

async function listen(address: RankAddress, rank: number): Promise<net.Server> {
  try {
    return await listenOnce(address);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && address.kind === 'unix' && (await isStale(address.path))) {
      fs.rmSync(address.path, { force: true }); // left behind by a rank that was killed
      return listenOnce(address).catch((again) => Promise.reject(listenFailed(address, rank, again)));
    }
    throw listenFailed(address, rank, err);
  }
}

function listenOnce(address: RankAddress): Promise<net.Server> {
  if (address.kind === 'unix') fs.mkdirSync(path.dirname(address.path), { recursive: true });
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(listenTarget(address), () => {
      server.off('error', reject);
      server.on('error', () => {}); // accept errors surface on the sockets
      resolve(server);
    });
  });
}

function isStale(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function listenFailed(address: RankAddress, rank: number, err: unknown): CollectiveError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  const hint =
    code === 'EADDRINUSE'
      ? 'Another process uses this address (a leftover rank of an earlier run?); give each rank its own port or path.'
      : 'Check that the host name is this machine and the port is free, or that the socket directory is writable.';
  return new CollectiveError(
    'TFSCALE_E_COLLECTIVE_LISTEN_FAILED',
    `Rank ${rank} could not listen on ${address.text}: ${code}.`,
    { hint, cause: err },
  );
}
