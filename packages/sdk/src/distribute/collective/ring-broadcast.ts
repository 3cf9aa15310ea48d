/**
 * Broadcast as a pipelined ring: the root sends 1 MiB segments to the next rank, and every rank
 * forwards each segment as soon as it has it, until the rank before the root. Each link carries
 * the data once, so the time is about (size + (N−2) segments) / link bandwidth; root-to-all would
 * need a connection from the root to every rank and push N−1 copies through the root's link.
 */
import { fingerprint, OpCode } from './frame';
import type { RingLink } from './transport';

/** Broadcast segment size: large enough to amortize the 24-byte header and a syscall, small enough to pipeline. @example Math.ceil(bytes / SEGMENT_BYTES) */
export const SEGMENT_BYTES = 1 << 20;

/**
 * Overwrites every rank's `arrays` with the root's, in place (any typed arrays; same byte sizes on
 * every rank, which the receivers check).
 *
 * @example
 * ```ts
 * await ringBroadcast(transport, weights, 0, 1); // everyone now holds rank 0's weights
 * ```
 */
export async function ringBroadcast(
  link: RingLink,
  arrays: readonly ArrayBufferView[],
  root: number,
  seq: number,
): Promise<void> {
  const n = link.worldSize;
  if (n === 1) return;
  const check = fingerprint(['broadcast', root, ...arrays.map((a) => a.byteLength)]);
  const segments = segment(arrays);
  const tag = (part: number) => ({ op: OpCode.Broadcast, seq, part, step: 0, check });
  if (link.rank === root) {
    await Promise.all(segments.map((s, i) => link.send(tag(i), s)));
    return;
  }
  const forward = (link.rank + 1) % n !== root;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < segments.length; i++) {
    await link.receive(tag(i), segments[i]);
    if (forward) {
      const sent = link.send(tag(i), segments[i]);
      sent.catch(() => {}); // a failed send also fails the next receive, which reports it
      sends.push(sent);
    }
  }
  await Promise.all(sends);
}

/** Byte views of the arrays cut into segments; every array (and an empty list) yields at least one frame. */
function segment(arrays: readonly ArrayBufferView[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    out.push(bytes.subarray(0, Math.min(SEGMENT_BYTES, bytes.length)));
    for (let o = SEGMENT_BYTES; o < bytes.length; o += SEGMENT_BYTES) out.push(bytes.subarray(o, o + SEGMENT_BYTES));
  }
  if (out.length === 0) out.push(new Uint8Array(0));
  return out;
}
