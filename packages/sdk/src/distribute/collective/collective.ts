/**
 * The collective API strategies use: all-reduce (with gradient fusion), broadcast, barrier and
 * all-gather over a ring of processes. Operations are strictly ordered: each call takes the next
 * sequence number and runs after the previous one; frames carry that number, the op and a
 * fingerprint of its arguments, so ranks that diverge fail with `TFSCALE_E_COLLECTIVE_MISMATCH`
 * instead of exchanging the wrong data.
 */
import { invalidValue } from '../../core/errors';
import type { ReduceOp } from '../strategy';
import { bucketedAllReduce, DEFAULT_BYTES_PER_PACK, GrowableBuffer } from './bucketing';
import { CollectiveError } from './collective-error';
import { ringAllGather } from './ring-all-gather';
import { ringBarrier } from './ring-barrier';
import { ringBroadcast } from './ring-broadcast';
import { RingTransport } from './transport';

/**
 * Options of {@link Collective.connect}.
 *
 * @example
 * ```ts
 * const opts: CollectiveOptions = { rank: 0, worldSize: 2, addresses: ['10.0.0.2:7000', '10.0.0.3:7000'], runId: 'job-42' };
 * ```
 */
export interface CollectiveOptions {
  readonly rank: number;
  readonly worldSize: number;
  /** One per rank: a Unix socket path (one host) or host:port (TCP). */
  readonly addresses: readonly string[];
  /** Identifies the run; ranks with another runId (e.g. leftovers of an earlier run) are refused. Default 'tfscale'. */
  readonly runId?: string;
  /** How long an operation may wait without progress from a peer. Default 600 000 (10 min, torch.distributed's NCCL default). */
  readonly timeoutMs?: number;
  /** How long connecting may take, peers starting in any order. Default 300 000. */
  readonly connectTimeoutMs?: number;
  /** Fusion pack size for {@link Collective.allReduce}; 0 = one pack. Default 64 MiB. */
  readonly bytesPerPack?: number;
}

/**
 * Float32 tensors to all-reduce: a list, or named (names are checked across ranks).
 *
 * @example
 * ```ts
 * const grads: Float32Tensors = { 'dense/kernel': k, 'dense/bias': b };
 * ```
 */
export type Float32Tensors = readonly Float32Array[] | Readonly<Record<string, Float32Array>>;

/**
 * Typed arrays of any kind to broadcast.
 *
 * @example
 * ```ts
 * const weights: ViewTensors = [kernel, bias, new Int32Array([step])];
 * ```
 */
export type ViewTensors = readonly ArrayBufferView[] | Readonly<Record<string, ArrayBufferView>>;

/**
 * Per-call options of {@link Collective.allReduce}.
 *
 * @example
 * ```ts
 * await collective.allReduce(grads, 'mean', { into: averaged, bytesPerPack: 0 });
 * ```
 */
export interface AllReduceOptions<T> {
  /** Where results go (same structure and lengths); default: in place. */
  readonly into?: T;
  /** Overrides the group's `bytesPerPack` for this call. */
  readonly bytesPerPack?: number;
}

/**
 * A group of ranks connected in a ring.
 *
 * @example
 * ```ts
 * const group = await Collective.connect({ rank, worldSize: 4, addresses, runId: 'job-42' });
 * await group.broadcast(weights, 0); // every replica starts from rank 0's weights
 * for (const batch of batches) {
 *   const grads = computeGradients(batch);
 *   await group.allReduce(grads, 'mean');
 *   applyGradients(grads);
 * }
 * await group.barrier('done');
 * await group.close();
 * ```
 */
export class Collective {
  private seq = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly fusion = new GrowableBuffer();

  private constructor(
    private readonly transport: RingTransport,
    private readonly selfAddress: string,
    /** The group's default fusion pack size in bytes. */
    readonly bytesPerPack: number,
  ) {}

  /** Connects to the group and returns once every rank has joined (an initial barrier). */
  static async connect(options: CollectiveOptions): Promise<Collective> {
    const runId = options.runId ?? 'tfscale';
    const timeoutMs = options.timeoutMs ?? 600_000;
    const connectTimeoutMs = options.connectTimeoutMs ?? 300_000;
    const bytesPerPack = options.bytesPerPack ?? DEFAULT_BYTES_PER_PACK;
    if (typeof runId !== 'string' || runId === '' || runId.length > 256) {
      throw invalidValue('runId', runId, 'a non-empty string of at most 256 characters');
    }
    for (const [name, value] of [
      ['timeoutMs', timeoutMs],
      ['connectTimeoutMs', connectTimeoutMs],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw invalidValue(name, value, 'a positive integer (ms)');
    }
    checkPackSize(bytesPerPack);
    const deadline = Date.now() + connectTimeoutMs;
    const transport = await RingTransport.connect({ ...options, runId, timeoutMs, connectTimeoutMs });
    const group = new Collective(transport, options.addresses[options.rank], bytesPerPack);
    // Neighbours are connected; wait (within the same deadline) until every rank is.
    const timer = setTimeout(
      () => {
        const summary = `Rank ${group.rank} reached its ring neighbours, but not every rank joined within ${connectTimeoutMs} ms.`;
        transport.fail(
          new CollectiveError('TFSCALE_E_COLLECTIVE_TIMEOUT', summary, { hint: 'Check that every rank started.' }),
        );
      },
      Math.max(1, deadline - Date.now()),
    );
    try {
      await group.barrier('tfscale:connect');
    } catch (err) {
      await transport.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return group;
  }

  /** This process's rank. */
  get rank(): number {
    return this.transport.rank;
  }

  /** Number of ranks. */
  get worldSize(): number {
    return this.transport.worldSize;
  }

  /** The error that ended the group (or `TFSCALE_E_COLLECTIVE_CLOSED` after close()); undefined while healthy. */
  get failed(): CollectiveError | undefined {
    return this.transport.failed;
  }

  /**
   * Sums (or averages: sum ÷ N, as TF's MEAN) every rank's tensors element-wise in float32; in
   * place unless `options.into` is given. Tensors are fused into packs of `bytesPerPack`, last
   * tensor first. All ranks get bit-identical results; a different N or `bytesPerPack` changes
   * the summation order, so the last bits may differ between such configurations.
   */
  async allReduce<T extends Float32Tensors>(
    tensors: T,
    op: ReduceOp = 'sum',
    options: AllReduceOptions<T> = {},
  ): Promise<T> {
    if (op !== 'sum' && op !== 'mean') throw invalidValue('op', op, '"sum" or "mean"');
    const { arrays, names } = flatten(tensors, 'tensors', 'a Float32Array');
    const outputs = options.into === undefined ? undefined : matchOutputs(options.into, arrays, names);
    const bytesPerPack = options.bytesPerPack ?? this.bytesPerPack;
    checkPackSize(bytesPerPack);
    return this.run('allReduce', async (seq) => {
      if (this.worldSize === 1) {
        for (const [i, out] of (outputs ?? []).entries()) out.set(arrays[i]);
      } else {
        const fusion = this.fusion;
        await bucketedAllReduce(this.transport, arrays, { op, seq, bytesPerPack, names, outputs, fusion });
      }
      return options.into ?? tensors;
    });
  }

  /** Overwrites every rank's tensors with rank `root`'s, in place (ring pipeline; any typed arrays). */
  async broadcast<T extends ViewTensors>(tensors: T, root = 0): Promise<T> {
    if (!Number.isSafeInteger(root) || root < 0 || root >= this.worldSize) {
      throw invalidValue('root', root, `a rank in [0, ${this.worldSize - 1}]`);
    }
    const { arrays } = flatten(tensors, 'tensors', 'a typed array');
    return this.run('broadcast', async (seq) => {
      await ringBroadcast(this.transport, arrays, root, seq);
      return tensors;
    });
  }

  /** Resolves once every rank called `barrier` with the same name. */
  async barrier(name = 'barrier'): Promise<void> {
    if (typeof name !== 'string') throw invalidValue('name', name, 'a string');
    return this.run('barrier', (seq) => ringBarrier(this.transport, name, seq));
  }

  /** Every rank's `block` (lengths may differ), indexed by rank. */
  async allGather(block: Float32Array): Promise<Float32Array[]> {
    if (!(block instanceof Float32Array)) throw invalidValue('block', block, 'a Float32Array');
    return this.run('allGather', (seq) => ringAllGather(this.transport, block, seq));
  }

  /** Leaves the group: pending operations reject, neighbours are told, sockets close. Idempotent. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private run<T>(what: string, body: (seq: number) => Promise<T>): Promise<T> {
    const seq = this.seq++;
    const result = this.tail.then(async () => {
      if (this.transport.failed) throw this.transport.failed;
      try {
        return await body(seq);
      } catch (err) {
        if (err instanceof CollectiveError) throw this.transport.failed ?? err;
        // A local failure mid-collective: the others must not wait for this rank's frames.
        const peer = { rank: this.rank, address: this.selfAddress };
        const summary = `Rank ${this.rank} failed inside ${what} #${seq}: ${(err as Error).message ?? String(err)}.`;
        this.transport.fail(new CollectiveError('TFSCALE_E_COLLECTIVE_PEER_LOST', summary, { peer, cause: err }));
        throw err;
      }
    });
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }
}

function checkPackSize(bytesPerPack: number): void {
  if (!Number.isSafeInteger(bytesPerPack) || bytesPerPack < 0) {
    throw invalidValue('bytesPerPack', bytesPerPack, 'an integer >= 0 (0 = one pack)');
  }
}

function flatten<A>(
  tensors: readonly A[] | Readonly<Record<string, A>>,
  name: string,
  expected: 'a Float32Array' | 'a typed array',
): { arrays: A[]; names?: string[] } {
  const ok = (a: unknown) => (expected === 'a typed array' ? ArrayBuffer.isView(a) : a instanceof Float32Array);
  if (typeof tensors !== 'object' || tensors === null || ArrayBuffer.isView(tensors)) {
    throw invalidValue(name, tensors, 'an array of typed arrays or an object of named typed arrays');
  }
  const names = Array.isArray(tensors) ? undefined : Object.keys(tensors);
  const arrays = names ? names.map((k) => (tensors as Record<string, A>)[k]) : [...(tensors as readonly A[])];
  const bad = arrays.findIndex((a) => !ok(a));
  if (bad >= 0) {
    throw invalidValue(`${name}[${names ? JSON.stringify(names[bad]) : bad}]`, arrays[bad], expected);
  }
  return names ? { arrays, names } : { arrays };
}

function matchOutputs(
  into: Float32Tensors,
  arrays: readonly Float32Array[],
  names?: readonly string[],
): Float32Array[] {
  const { arrays: outs, names: outNames } = flatten(into, 'into', 'a Float32Array');
  const same = outs.length === arrays.length && outs.every((o, i) => o.length === arrays[i].length);
  if (!same || (names ?? []).join('\u0000') !== (outNames ?? []).join('\u0000')) {
    throw invalidValue('into', into, 'the same names and lengths as the tensors');
  }
  return outs;
}
