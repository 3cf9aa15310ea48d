/*
 * One rank of the all-reduce bandwidth benchmark, run in its own process by bench/allreduce.js.
 *
 *   node bench/dist/allreduce/worker.js '<json spec>'
 *
 * For each size: one untimed warm-up all-reduce, then `runs` timed ones, each started right after
 * a barrier (so the ranks start together) and timed on every rank; the runner takes, per run, the
 * slowest rank. Then rank 0 alone times `runs` plain copies of the same number of bytes
 * (Buffer.copy, the peer) while the others wait at a barrier. Prints one `@@BENCH <json>` line per
 * size.
 */
import * as path from 'node:path';
import type * as Collectives from '../../packages/sdk/src/distribute/collective';

// By path: the collective layer alone, without loading tfjs into every rank.
const { Collective } = require(
  path.resolve(__dirname, '../../../packages/sdk/dist/distribute/collective'),
) as typeof Collectives;

export interface WorkerSpec {
  rank: number;
  worldSize: number;
  addresses: string[];
  runId: string;
  /** Buffer sizes in bytes (multiples of 4). */
  sizes: number[];
  runs: number;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as WorkerSpec;
  const group = await Collective.connect({ ...spec, connectTimeoutMs: 60_000, timeoutMs: 120_000 });
  for (const bytes of spec.sizes) {
    const data = new Float32Array(bytes / 4).fill(spec.rank + 1);
    await group.allReduce([data], 'sum');
    const allReduce: number[] = [];
    for (let i = 0; i < spec.runs; i++) {
      await group.barrier('start');
      const start = process.hrtime.bigint();
      await group.allReduce([data], 'sum');
      allReduce.push(seconds(start));
    }
    const copy: number[] = [];
    if (spec.rank === 0) {
      const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const dst = Buffer.allocUnsafeSlow(bytes);
      src.copy(dst); // warm-up: fault the destination pages in
      for (let i = 0; i < spec.runs; i++) {
        const start = process.hrtime.bigint();
        src.copy(dst);
        copy.push(seconds(start));
      }
    }
    await group.barrier('copy done');
    console.log(`@@BENCH ${JSON.stringify({ rank: spec.rank, bytes, allReduce, copy })}`);
  }
  await group.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
