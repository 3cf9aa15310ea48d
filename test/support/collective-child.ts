// One rank of a cross-process collective test (test/collective.test.ts). Reads its config as JSON
// from argv[2], prints one JSON object per line on stdout ({"event": ...}), and exits by itself
// once its sockets are closed (so a test also proves that nothing is left holding the process).
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type * as Collectives from '../../packages/sdk/src/distribute/collective';

// The collective layer is not (yet) exported from the package root, and loading it by path keeps
// these processes from loading tfjs.
const { Collective } = require(
  path.resolve(__dirname, '../../../packages/sdk/dist/distribute/collective'),
) as typeof Collectives;

export interface ChildConfig {
  scenario: 'allreduce' | 'bucketing' | 'broadcast' | 'loop' | 'connect';
  rank: number;
  worldSize: number;
  addresses: string[];
  runId?: string;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  bytesPerPack?: number;
  lengths?: number[];
}

const emit = (event: string, data: Record<string, unknown> = {}) => console.log(JSON.stringify({ event, ...data }));
const hash = (a: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

/** Deterministic inputs: every rank can build every other rank's data for the float64 reference. */
function input(rank: number, length: number, salt: number): Float32Array {
  let s = (rank + 1) * 0x9e3779b1 + length * 7919 + salt * 104729;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** Largest excess of |result − float64 reference| over a float32 bound for summing N terms. */
function excess(result: Float32Array, worldSize: number, length: number, salt: number, mean: boolean): number {
  const inputs = Array.from({ length: worldSize }, (_, r) => input(r, length, salt));
  let worst = 0;
  for (let i = 0; i < length; i++) {
    let sum = 0;
    let abs = 0;
    for (const x of inputs) {
      sum += x[i];
      abs += Math.abs(x[i]);
    }
    const scale = mean ? worldSize : 1;
    const bound = ((worldSize + 1) * 2 ** -24 * abs) / scale + 1e-30;
    worst = Math.max(worst, Math.abs(result[i] - sum / scale) - bound);
  }
  return worst;
}

async function scenario(c: Collectives.Collective, config: ChildConfig): Promise<void> {
  const { rank, worldSize } = config;
  if (config.scenario === 'allreduce') {
    const cases = [];
    for (const length of config.lengths ?? []) {
      for (const op of ['sum', 'mean'] as const) {
        const salt = op === 'sum' ? 1 : 2;
        const [result] = await c.allReduce([input(rank, length, salt)], op);
        cases.push({ length, op, hash: hash(result), excess: excess(result, worldSize, length, salt, op === 'mean') });
      }
    }
    // Into a separate output, leaving the input untouched.
    const x = input(rank, 1001, 3);
    const before = hash(x);
    const [out] = await c.allReduce([x], 'sum', { into: [new Float32Array(1001)] });
    cases.push({ length: 1001, op: 'into', hash: hash(out), excess: excess(out, worldSize, 1001, 3, false) });
    emit('result', { cases, inputUntouched: hash(x) === before });
  } else if (config.scenario === 'bucketing') {
    const lengths = config.lengths ?? [];
    const named = () => Object.fromEntries(lengths.map((n, i) => [`layer${i}/w`, input(rank, n, 10 + i)]));
    const packed = await c.allReduce(named(), 'mean', { bytesPerPack: 4096 });
    const single = await c.allReduce(named(), 'mean', { bytesPerPack: 0 });
    const perTensor = await c.allReduce(named(), 'mean', { bytesPerPack: 1 });
    const report = lengths.map((n, i) => {
      const k = `layer${i}/w`;
      const worst = Math.max(...[packed, single, perTensor].map((r) => excess(r[k], worldSize, n, 10 + i, true)));
      return {
        name: k,
        packed: hash(packed[k]),
        single: hash(single[k]),
        perTensor: hash(perTensor[k]),
        excess: worst,
      };
    });
    emit('result', { tensors: report });
  } else if (config.scenario === 'broadcast') {
    const data = (r: number) => [
      input(r, 3000, 20),
      new Int32Array([r, -r, 7]),
      new Uint8Array(0),
      input(r, 300_000, 21),
    ];
    const hashes = (arrays: ArrayBufferView[]) => arrays.map(hash).join(',');
    const fromRoot0 = hashes(await c.broadcast(data(rank), 0));
    const fromRoot2 = hashes(await c.broadcast(data(rank), 2));
    emit('broadcast', { fromRoot0, fromRoot2, expected0: hashes(data(0)), expected2: hashes(data(2)) });
    // Barrier: the last rank enters only when the parent says so (stdin "go").
    if (rank === worldSize - 1) {
      const lines = readline.createInterface({ input: process.stdin });
      await new Promise<void>((resolve) => lines.once('line', () => resolve()));
      lines.close();
    }
    emit('entered');
    await c.barrier('checkpoint');
    emit('passed');
  } else if (config.scenario === 'loop') {
    const x = input(rank, 1 << 20, 30);
    for (let i = 0; ; i++) {
      await c.allReduce([x], 'mean');
      emit('op', { i });
    }
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  const started = Date.now();
  let c: Collectives.Collective | undefined;
  try {
    c = await Collective.connect(config);
    emit('connected');
    await scenario(c, config);
    await c.close();
    emit('closed');
  } catch (err) {
    const e = err as Collectives.CollectiveError;
    emit('error', { code: e.code, message: e.message, peerRank: e.peerRank, ms: Date.now() - started });
    await c?.close();
    process.exitCode = 3;
  }
}

void main();
