/**
 * Gradient fusion (TF `bytes_per_pack`, Horovod Tensor Fusion): many small all-reduces cost a
 * ring latency each, so tensors are packed into fusion buffers of at most `bytesPerPack`, each
 * pack is all-reduced once, and the results are copied back out.
 *
 * Tensors are packed in reverse order (last first), as TF's `CollectiveAllReduce` and Horovod do:
 * backprop produces the last layer's gradients first, so those packs are the first ready.
 */
import type { ReduceOp } from '../strategy';
import { fingerprint } from './frame';
import { ringAllReduce } from './ring-all-reduce';
import type { RingLink } from './transport';

/** Default pack size: 64 MiB, Horovod's fusion threshold until 2020 (now 128 MiB); TF's docstring example is 50 MiB. @example planPacks(lengths, DEFAULT_BYTES_PER_PACK) */
export const DEFAULT_BYTES_PER_PACK = 64 * 1024 * 1024;

/**
 * One fusion pack: indices into the caller's tensor list, and its total element count.
 *
 * @example
 * ```ts
 * const pack: Pack = { indices: [3, 2], elements: 1500 };
 * ```
 */
export interface Pack {
  readonly indices: readonly number[];
  readonly elements: number;
}

/**
 * Groups tensors (given by element counts, float32) into packs of at most `bytesPerPack` bytes,
 * walking the list from its end. A tensor larger than `bytesPerPack` gets a pack of its own;
 * `bytesPerPack` 0 means one pack for everything.
 *
 * @example
 * ```ts
 * planPacks([100, 100, 100], 800); // [{ indices: [2, 1], elements: 200 }, { indices: [0], elements: 100 }]
 * ```
 */
export function planPacks(lengths: readonly number[], bytesPerPack: number): Pack[] {
  const packs: { indices: number[]; elements: number }[] = [];
  let current: { indices: number[]; elements: number } | undefined;
  for (let i = lengths.length - 1; i >= 0; i--) {
    const bytes = lengths[i] * 4;
    if (!current || (bytesPerPack > 0 && current.elements * 4 + bytes > bytesPerPack)) {
      current = { indices: [], elements: 0 };
      packs.push(current);
    }
    current.indices.push(i);
    current.elements += lengths[i];
  }
  return packs;
}

/**
 * A reusable float32 buffer that grows to the largest size asked for (a fusion buffer is needed
 * every step; allocating it each time would churn the GC with tens of MiB).
 *
 * @example
 * ```ts
 * const fusion = new GrowableBuffer();
 * const buf = fusion.get(1000); // length >= 1000
 * ```
 */
export class GrowableBuffer {
  private data = new Float32Array(0);

  /** A buffer of at least `elements` elements (contents unspecified). */
  get(elements: number): Float32Array {
    if (this.data.length < elements) this.data = new Float32Array(elements);
    return this.data;
  }
}

/**
 * Options of {@link bucketedAllReduce}.
 *
 * @example
 * ```ts
 * const opts: BucketedAllReduceOptions = { op: 'mean', seq: 4, bytesPerPack: 64 << 20, names: ['dense/kernel', 'dense/bias'] };
 * ```
 */
export interface BucketedAllReduceOptions {
  readonly op: ReduceOp;
  readonly seq: number;
  readonly bytesPerPack: number;
  /** Tensor names, checked across ranks so that different lists fail loudly. */
  readonly names?: readonly string[];
  /** Where results go (same lengths); default: in place. */
  readonly outputs?: readonly Float32Array[];
  /** Reused fusion buffer (default: a new one per call). */
  readonly fusion?: GrowableBuffer;
}

/**
 * All-reduces a list of tensors with one ring all-reduce per pack. A pack holding a single tensor
 * is reduced where it is, without a copy into the fusion buffer.
 *
 * @example
 * ```ts
 * await bucketedAllReduce(transport, grads, { op: 'mean', seq: 7, bytesPerPack: 4 << 20 });
 * ```
 */
export async function bucketedAllReduce(
  link: RingLink,
  arrays: readonly Float32Array[],
  options: BucketedAllReduceOptions,
): Promise<void> {
  const packs = planPacks(
    arrays.map((a) => a.length),
    options.bytesPerPack,
  );
  const fusion = options.fusion ?? new GrowableBuffer();
  for (let part = 0; part < packs.length; part++) {
    const { indices, elements } = packs[part];
    const check = fingerprint([
      'allReduce',
      options.op,
      ...indices.flatMap((i) => [options.names?.[i] ?? i, arrays[i].length]),
    ]);
    const common = { op: options.op, seq: options.seq, part, check };
    if (indices.length === 1) {
      const i = indices[0];
      await ringAllReduce(link, arrays[i], { ...common, output: options.outputs?.[i] });
      continue;
    }
    const buf = fusion.get(elements).subarray(0, elements);
    let o = 0;
    for (const i of indices) {
      buf.set(arrays[i], o);
      o += arrays[i].length;
    }
    await ringAllReduce(link, buf, common);
    o = 0;
    for (const i of indices) {
      (options.outputs?.[i] ?? arrays[i]).set(buf.subarray(o, o + arrays[i].length));
      o += arrays[i].length;
    }
  }
}
