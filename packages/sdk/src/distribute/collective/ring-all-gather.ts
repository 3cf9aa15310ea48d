/**
 * All-gather over the ring: in N−1 steps every rank passes on the block it received last, so each
 * block travels once round the ring. Blocks may differ in length between ranks (e.g. a sparse
 * gradient's indices, or per-rank metrics).
 */
import { fingerprint, OpCode } from './frame';
import type { RingLink } from './transport';

/**
 * Every rank's `block`, indexed by rank (this rank's entry is a copy of `block`).
 *
 * @example
 * ```ts
 * const losses = await ringAllGather(transport, Float32Array.of(loss), 9); // losses[r][0] is rank r's loss
 * ```
 */
export async function ringAllGather(link: RingLink, block: Float32Array, seq: number): Promise<Float32Array[]> {
  const n = link.worldSize;
  const r = link.rank;
  const out: Float32Array[] = new Array(n);
  out[r] = block.slice();
  const check = fingerprint(['allGather']);
  const idx = (i: number) => ((i % n) + n) % n;
  for (let step = 0; step < n - 1; step++) {
    const tag = { op: OpCode.AllGather, seq, part: 0, step, check };
    const mine = out[idx(r - step)];
    const [, got] = await Promise.all([
      link.send(tag, new Uint8Array(mine.buffer, mine.byteOffset, mine.byteLength)),
      link.receive(tag),
    ]);
    if (got.byteLength % 4 !== 0)
      throw new RangeError(`allGather block of ${got.byteLength} bytes is not float32 data`);
    // A fresh receive buffer starts at offset 0 of its own ArrayBuffer, so the float view is aligned.
    out[idx(r - step - 1)] = new Float32Array(got.buffer, got.byteOffset, got.byteLength / 4);
  }
  return out;
}
