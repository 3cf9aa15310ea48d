import * as assert from 'node:assert/strict';
import type { ExampleRecord } from '../formats/tf-example';
import { StatisticsAccumulator } from './statistics';

/** A reproducible stream: a skewed numeric feature (with zeros and gaps) and a string one. */
function* stream(n: number): Generator<ExampleRecord> {
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const v = i % 17 === 0 ? 0 : (x % 1000) ** 2 / 1000;
    const ex: ExampleRecord = { s: { kind: 'bytes', values: [Buffer.from(`v${x % 7}`)] } };
    if (i % 13 !== 0) ex.v = { kind: 'float', values: [v] };
    yield ex;
  }
}

async function* again(n: number): AsyncGenerator<ExampleRecord> {
  yield* stream(n);
}

describe('StatisticsAccumulator: streaming past the exact-quantile limit', () => {
  it('keeps counts, moments, extremes and histograms exact when values are sampled (a second pass buckets them)', async () => {
    const n = 20_000;
    const exact = new StatisticsAccumulator();
    const sampled = new StatisticsAccumulator(500);
    for (const ex of stream(n)) {
      exact.add(ex);
      sampled.add(ex);
    }
    const a = await exact.finish('train');
    const b = await sampled.finish('train', again(n));
    const [va, vb] = [a, b].map((s) => s.features.find((f) => f.name === 'v')!);
    assert.equal(vb!.count, va!.count);
    assert.equal(vb!.missing, va!.missing);
    for (const k of ['mean', 'std', 'min', 'max', 'zeros'] as const) assert.equal(vb!.numeric![k], va!.numeric![k]);
    assert.deepEqual(vb!.numeric!.histogram, va!.numeric!.histogram);
    assert.equal(va!.numeric!.quantilesExact, true);
    assert.equal(vb!.numeric!.quantilesExact, false);
    // The sample's deciles are close to the exact ones (500 of 18,461 values).
    const range = va!.numeric!.max - va!.numeric!.min;
    for (const [i, q] of va!.numeric!.quantiles.entries()) {
      assert.ok(Math.abs(vb!.numeric!.quantiles[i]! - q) < 0.1 * range, `decile ${i}`);
    }
    assert.deepEqual(
      b.features.find((f) => f.name === 's'),
      a.features.find((f) => f.name === 's'),
    );
  });
});
