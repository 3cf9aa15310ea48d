/**
 * The message transport between ranks: a ring over Node `net` (Unix domain sockets on one host,
 * TCP across hosts, chosen by the address form). Data flows from `prev` to this rank and on to
 * `next`; that is all ring collectives need.
 *
 * Failure is sticky and shared: when either link fails (peer closed or crashed, timeout, protocol
 * error, diverged ranks) every pending and later operation rejects with the same coded error, and
 * an abort frame carrying that error goes to both neighbours, who forward it. So a crashed rank is
 * reported by name on every surviving rank, and nothing waits for a peer that is gone.
 */
import { invalidValue } from '../../core/errors';
import { parseRankAddress } from './address';
import { CollectiveError } from './collective-error';
import type { Connection } from './connection';
import type { FrameTag } from './frame';
import { AddSink, CopySink } from './payload-sink';
import { rendezvous } from './rendezvous';

/**
 * What ring algorithms need from a transport: send to the next rank, receive from the previous.
 *
 * @example
 * ```ts
 * await Promise.all([link.send(tag, mine), link.receive(tag, theirs)]);
 * ```
 */
export interface RingLink {
  readonly rank: number;
  readonly worldSize: number;
  /** Resolves once the bytes are handed to the socket; `payload` may be reused afterwards. */
  send(tag: FrameTag, payload: Uint8Array): Promise<void>;
  /** The next frame from the previous rank (must carry `tag`), copied into `dest` when given. */
  receive(tag: FrameTag, dest?: Uint8Array): Promise<Uint8Array>;
  /** The next frame from the previous rank, float32 data added element-wise into `target` as it arrives. */
  receiveAdd(tag: FrameTag, target: Float32Array): Promise<void>;
}

/**
 * Options of {@link RingTransport.connect}.
 *
 * @example
 * ```ts
 * const opts: TransportOptions = { rank: 1, worldSize: 2, addresses: ['/tmp/r/0.sock', '/tmp/r/1.sock'], runId: 'job-7', timeoutMs: 600_000, connectTimeoutMs: 300_000 };
 * ```
 */
export interface TransportOptions {
  readonly rank: number;
  readonly worldSize: number;
  /** One address per rank: a Unix socket path, or host:port. */
  readonly addresses: readonly string[];
  readonly runId: string;
  /** How long an operation may wait without progress from a peer. */
  readonly timeoutMs: number;
  /** How long connecting may take in total (peers start in any order). */
  readonly connectTimeoutMs: number;
}

/**
 * A connected ring of ranks.
 *
 * @example
 * ```ts
 * const transport = await RingTransport.connect({ rank, worldSize, addresses, runId, timeoutMs, connectTimeoutMs });
 * await ringAllReduce(transport, grads, { op: 'mean', seq: 1 });
 * await transport.close();
 * ```
 */
export class RingTransport implements RingLink {
  private failure?: CollectiveError;
  private closing?: Promise<void>;

  private constructor(
    readonly rank: number,
    readonly worldSize: number,
    private readonly links: { readonly prev: Connection; readonly next: Connection } | undefined,
    private readonly graceMs: number,
  ) {
    if (!links) return;
    links.prev.onFailure = (err) => this.fail(err);
    links.next.onFailure = (err) => this.fail(err);
    const early = links.prev.failed ?? links.next.failed;
    if (early) this.fail(early);
  }

  /** Listens, connects to the ring neighbours and handshakes; worldSize 1 connects nothing. */
  static async connect(opts: TransportOptions): Promise<RingTransport> {
    const { rank, worldSize } = opts;
    if (!Number.isSafeInteger(worldSize) || worldSize < 1)
      throw invalidValue('worldSize', worldSize, 'an integer >= 1');
    if (!Number.isSafeInteger(rank) || rank < 0 || rank >= worldSize) {
      throw invalidValue('rank', rank, `an integer in [0, ${worldSize - 1}]`);
    }
    if (!Array.isArray(opts.addresses) || opts.addresses.length !== worldSize) {
      throw invalidValue('addresses', opts.addresses, `one address per rank (${worldSize})`);
    }
    const addresses = opts.addresses.map((a, i) => parseRankAddress(a, `addresses[${i}]`));
    const keys = addresses.map((a) => (a.kind === 'unix' ? a.path : `${a.host}:${a.port}`));
    const dup = keys.findIndex((k, i) => keys.indexOf(k) !== i);
    if (dup >= 0) throw invalidValue(`addresses[${dup}]`, opts.addresses[dup], 'an address no other rank uses');
    const graceMs = Math.min(opts.timeoutMs, 2000);
    if (worldSize === 1) return new RingTransport(rank, worldSize, undefined, graceMs);
    const links = await rendezvous({ ...opts, addresses });
    return new RingTransport(rank, worldSize, links, graceMs);
  }

  /** The error the transport failed with, or `TFSCALE_E_COLLECTIVE_CLOSED` after {@link close}. */
  get failed(): CollectiveError | undefined {
    return this.failure;
  }

  send(tag: FrameTag, payload: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.requireLinks().next.send(tag, payload);
  }

  receive(tag: FrameTag, dest?: Uint8Array): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    return this.requireLinks().prev.receive(tag, dest && new CopySink(dest));
  }

  async receiveAdd(tag: FrameTag, target: Float32Array): Promise<void> {
    if (this.failure) throw this.failure;
    await this.requireLinks().prev.receive(tag, new AddSink(target));
  }

  /** Fails the group: rejects everything pending and tells both neighbours why. Idempotent. */
  fail(err: CollectiveError): void {
    if (this.failure) return;
    this.failure = err;
    if (this.links) {
      this.closing = Promise.all([
        this.links.prev.close(err, this.graceMs),
        this.links.next.close(err, this.graceMs),
      ]).then(() => {});
    }
  }

  /** Says goodbye to both neighbours and closes the sockets; later operations reject. Idempotent. */
  close(): Promise<void> {
    this.fail(
      new CollectiveError('TFSCALE_E_COLLECTIVE_CLOSED', `Rank ${this.rank} closed its collective group.`, {
        hint: 'Create a new group with Collective.connect() to communicate again.',
      }),
    );
    return this.closing ?? Promise.resolve();
  }

  private requireLinks(): { prev: Connection; next: Connection } {
    if (!this.links) throw new Error('A one-rank group has no peers to send to.');
    return this.links;
  }
}
