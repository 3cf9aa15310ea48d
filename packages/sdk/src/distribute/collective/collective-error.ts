/**
 * The collective layer's errors: coded {@link TfscaleError}s that also name the peer involved, and
 * survive a trip over the wire (a rank that detects a failure tells its neighbours, who forward
 * it), so every rank reports the root cause rather than "my neighbour went away".
 */
import { type ErrorCode, isTfscaleError, TfscaleError } from '../../core/errors';

/**
 * A peer, as error messages name it: `peer rank 2 (10.0.0.3:7000)`.
 *
 * @example
 * ```ts
 * const peer: PeerRef = { rank: 2, address: '10.0.0.3:7000' };
 * ```
 */
export interface PeerRef {
  readonly rank: number;
  readonly address: string;
}

/**
 * A collective failure. `peerRank`/`peerAddress` name the rank at fault when one is known;
 * `reportedBy` is set when the error was detected on another rank and forwarded here.
 *
 * @example
 * ```ts
 * try { await collective.allReduce(grads, 'mean'); } catch (err) {
 *   if (err instanceof CollectiveError && err.code === 'TFSCALE_E_COLLECTIVE_PEER_LOST') console.error(err.peerRank);
 * }
 * ```
 */
export class CollectiveError extends TfscaleError {
  readonly peerRank?: number;
  readonly peerAddress?: string;
  readonly reportedBy?: number;

  constructor(
    code: ErrorCode,
    summary: string,
    options: { hint?: string; cause?: unknown; peer?: PeerRef; reportedBy?: number } = {},
  ) {
    super(code, summary, {
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    if (options.peer) {
      this.peerRank = options.peer.rank;
      this.peerAddress = options.peer.address;
    }
    if (options.reportedBy !== undefined) this.reportedBy = options.reportedBy;
  }
}

const GANG_RESTART_HINT =
  'Synchronous training needs every rank: restart the whole group and resume from the last checkpoint (BackupAndRestore).';

/**
 * `peer rank N (addr) disconnected` — the peer's socket closed or failed.
 *
 * @example
 * ```ts
 * throw peerLost(1, { rank: 2, address: '10.0.0.3:7000' }, 'ECONNRESET');
 * ```
 */
export function peerLost(self: number, peer: PeerRef, reason: string): CollectiveError {
  return new CollectiveError(
    'TFSCALE_E_COLLECTIVE_PEER_LOST',
    `Peer rank ${peer.rank} (${peer.address}) disconnected: ${reason} (seen by rank ${self}).`,
    { hint: GANG_RESTART_HINT, peer },
  );
}

/**
 * A timeout naming the peer that did not answer.
 *
 * @example
 * ```ts
 * throw timeoutError('Rank 0 waited 600000 ms for barrier #3 from peer rank 1 (/tmp/r1.sock).', peer);
 * ```
 */
export function timeoutError(summary: string, peer?: PeerRef): CollectiveError {
  return new CollectiveError('TFSCALE_E_COLLECTIVE_TIMEOUT', summary, {
    ...(peer ? { peer } : {}),
    hint: 'A rank is stuck, far slower, or called a different collective; raise `timeoutMs` if steps legitimately take longer.',
  });
}

/**
 * Two ranks diverged: different collectives, order or arguments.
 *
 * @example
 * ```ts
 * throw mismatchError(2, peer, 'expected allReduce #5 (part 0, step 3) but received barrier #5 (part 0, step 0)');
 * ```
 */
export function mismatchError(self: number, peer: PeerRef, what: string): CollectiveError {
  return new CollectiveError(
    'TFSCALE_E_COLLECTIVE_MISMATCH',
    `Rank ${self} and peer rank ${peer.rank} (${peer.address}) diverged: rank ${self} ${what}.`,
    {
      peer,
      hint: 'Every rank must call the same collectives in the same order with the same sizes, names, root and reduce op.',
    },
  );
}

/**
 * The peer's bytes are not valid framing.
 *
 * @example
 * ```ts
 * throw protocolError(0, peer, 'a 900000-byte control frame');
 * ```
 */
export function protocolError(self: number, peer: PeerRef, what: string): CollectiveError {
  return new CollectiveError(
    'TFSCALE_E_COLLECTIVE_PROTOCOL',
    `Rank ${self} received ${what} from peer rank ${peer.rank} (${peer.address}).`,
    { peer, hint: 'Every rank must run the same tfscale version; nothing else may connect to rank addresses.' },
  );
}

/**
 * The wire form of an error, carried by abort frames.
 *
 * @example
 * ```ts
 * connection.sendControl(FrameKind.Abort, toWire(err));
 * ```
 */
export function toWire(err: unknown): Record<string, unknown> {
  if (err instanceof CollectiveError) {
    return {
      code: err.code,
      summary: err.summary,
      hint: err.hint,
      peerRank: err.peerRank,
      peerAddress: err.peerAddress,
    };
  }
  if (isTfscaleError(err)) return { code: err.code, summary: err.summary, hint: err.hint };
  return { code: 'TFSCALE_E_COLLECTIVE_PEER_LOST', summary: `A rank failed: ${String(err)}.` };
}

/**
 * Rebuilds an error that `from` forwarded; anything unexpected becomes a peer-lost error naming `from`.
 *
 * @example
 * ```ts
 * transport.fail(fromWire(JSON.parse(payload), { rank: 3, address: '/tmp/r3.sock' }, 0));
 * ```
 */
export function fromWire(wire: unknown, from: PeerRef, self: number): CollectiveError {
  const w = (typeof wire === 'object' && wire !== null ? wire : {}) as Record<string, unknown>;
  const code = typeof w.code === 'string' && /^TFSCALE_E_COLLECTIVE_[A-Z_]+$/.test(w.code) ? w.code : undefined;
  if (code === undefined || typeof w.summary !== 'string') {
    return peerLost(self, from, 'it aborted without a readable reason');
  }
  const peer =
    typeof w.peerRank === 'number' && typeof w.peerAddress === 'string'
      ? { rank: w.peerRank, address: w.peerAddress }
      : from;
  return new CollectiveError(code as ErrorCode, w.summary, {
    hint: typeof w.hint === 'string' ? w.hint : undefined,
    peer,
    reportedBy: from.rank,
  });
}
