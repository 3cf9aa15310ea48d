/**
 * Barrier over the ring: N−1 rounds of an empty frame to the next rank. A token received in round
 * k was sent after its sender finished round k−1, so after round N−2 each rank has heard,
 * transitively, from all N−1 others: every rank has entered the barrier.
 */
import { fingerprint, OpCode } from './frame';
import type { RingLink } from './transport';

const EMPTY = new Uint8Array(0);

/**
 * Resolves once every rank called the barrier of the same `name` (a different name on another
 * rank is a mismatch error, not a silent pass).
 *
 * @example
 * ```ts
 * if (rank === 0) await saveCheckpoint();
 * await ringBarrier(transport, 'checkpoint', 5);
 * ```
 */
export async function ringBarrier(link: RingLink, name: string, seq: number): Promise<void> {
  const check = fingerprint(['barrier', name]);
  for (let step = 0; step < link.worldSize - 1; step++) {
    const tag = { op: OpCode.Barrier, seq, part: 0, step, check };
    await Promise.all([link.send(tag, EMPTY), link.receive(tag, EMPTY)]);
  }
}
