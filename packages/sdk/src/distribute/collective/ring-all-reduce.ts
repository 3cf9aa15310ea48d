/**
 * Bandwidth-optimal ring all-reduce (Baidu/Horovod): a reduce-scatter of N−1 steps, then an
 * all-gather of N−1 steps. Each rank sends and receives 2(N−1)/N of the data, whatever N is.
 *
 * Numerics: every element is summed in float32 (a JS `+=` on Float32Array rounds exactly like a
 * float32 add) in ring order, starting at the rank whose chunk it is in and going round the ring;
 * `mean` divides that sum by N (as TensorFlow's MEAN: sum ÷ group size) once, on the rank that owns
 * the chunk. The all-gather then copies that one reduced value to every rank, so all ranks get
 * bit-identical results — every replica applies the same update. The result can differ in the
 * last bits from a sum in another order (or in float64), as with any parallel reduction.
 */
import type { ReduceOp } from '../strategy';
import { type FrameTag, OpCode } from './frame';
import type { RingLink } from './transport';

/**
 * Options of {@link ringAllReduce}.
 *
 * @example
 * ```ts
 * const opts: RingAllReduceOptions = { op: 'mean', seq: 12, output: new Float32Array(grad.length) };
 * ```
 */
export interface RingAllReduceOptions {
  readonly op: ReduceOp;
  /** The collective's sequence number (the same on every rank). */
  readonly seq: number;
  /** The pack index when one collective reduces several packs. Default 0. */
  readonly part?: number;
  /** Fingerprint of the call's arguments, compared by receivers. Default 0. */
  readonly check?: number;
  /** Where the result goes; default: in place in `input`. Same length as `input`. */
  readonly output?: Float32Array;
}

/**
 * Offsets splitting `length` elements into `parts` contiguous chunks as even as possible (the
 * first `length % parts` chunks take one more); `parts + 1` numbers from 0 to `length`.
 *
 * @example
 * ```ts
 * chunkOffsets(10, 4); // [0, 3, 6, 8, 10]
 * chunkOffsets(2, 4); // [0, 1, 2, 2, 2]
 * ```
 */
export function chunkOffsets(length: number, parts: number): number[] {
  const base = Math.floor(length / parts);
  const extra = length % parts;
  const offsets = [0];
  for (let i = 0; i < parts; i++) offsets.push(offsets[i] + base + (i < extra ? 1 : 0));
  return offsets;
}

/**
 * All-reduces `input` over the ring (sum or mean) into `options.output` or in place; resolves to
 * the array holding the result. Any length works (0 and lengths below N included); one rank is a
 * no-op. Every rank must call it with the same length, op, seq, part and check.
 *
 * @example
 * ```ts
 * const summed = await ringAllReduce(transport, grads, { op: 'sum', seq: 3 });
 * ```
 */
export async function ringAllReduce(
  link: RingLink,
  input: Float32Array,
  options: RingAllReduceOptions,
): Promise<Float32Array> {
  const data = options.output ?? input;
  if (data !== input) {
    if (data.length !== input.length) throw new RangeError(`output has ${data.length} elements, input ${input.length}`);
    data.set(input);
  }
  const n = link.worldSize;
  if (n === 1) return data;
  const r = link.rank;
  const at = chunkOffsets(data.length, n);
  const chunk = (i: number) => ((i % n) + n) % n;
  const bytes = (a: Float32Array, from: number, to: number) =>
    new Uint8Array(a.buffer, a.byteOffset + from * 4, (to - from) * 4);
  const view = (c: number) => bytes(data, at[c], at[c + 1]);
  const tag = (step: number): FrameTag => ({
    op: OpCode.AllReduce,
    seq: options.seq,
    part: options.part ?? 0,
    step,
    check: options.check ?? 0,
  });
  // Reduce-scatter: at step k send chunk r−k; chunk r−k−1 arrives and is added into ours as it streams in.
  for (let k = 0; k < n - 1; k++) {
    const q = chunk(r - k - 1);
    await Promise.all([
      link.send(tag(k), view(chunk(r - k))),
      link.receiveAdd(tag(k), data.subarray(at[q], at[q + 1])),
    ]);
  }
  // This rank now owns the fully reduced chunk r+1.
  if (options.op === 'mean') {
    const own = chunk(r + 1);
    for (let i = at[own]; i < at[own + 1]; i++) data[i] /= n;
  }
  // All-gather: at step k pass on chunk r+1−k, receive chunk r−k straight into place.
  for (let k = 0; k < n - 1; k++) {
    await Promise.all([
      link.send(tag(n - 1 + k), view(chunk(r + 1 - k))),
      link.receive(tag(n - 1 + k), view(chunk(r - k))),
    ]);
  }
  return data;
}
