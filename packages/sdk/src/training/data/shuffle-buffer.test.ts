import * as assert from 'node:assert/strict';
import { SeededRandom } from './seeded-random';
import { shuffleBuffered } from './shuffle-buffer';

async function* count(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

async function run(n: number, buffer: number, seed: number, epoch: number): Promise<number[]> {
  const out: number[] = [];
  for await (const v of shuffleBuffered(count(n), buffer, SeededRandom.derive(seed, epoch))) out.push(v);
  return out;
}

describe('training/data/shuffle-buffer', () => {
  it('emits every item once, deterministically per random stream', async () => {
    const a = await run(500, 64, 1, 0);
    assert.deepEqual(
      [...a].sort((x, y) => x - y),
      Array.from({ length: 500 }, (_, i) => i),
    );
    assert.deepEqual(await run(500, 64, 1, 0), a);
    assert.notDeepEqual(await run(500, 64, 1, 1), a);
  });

  it('a buffer of 1 keeps the order; a small buffer only moves items locally', async () => {
    assert.deepEqual(
      await run(20, 1, 1, 0),
      Array.from({ length: 20 }, (_, i) => i),
    );
    const local = await run(1000, 10, 3, 0);
    // An item leaves the buffer no earlier than 9 places before its input position.
    for (const [i, v] of local.entries()) assert.ok(v <= i + 9, `${v} at ${i}`);
  });
});
