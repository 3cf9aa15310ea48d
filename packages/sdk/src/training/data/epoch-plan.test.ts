import * as assert from 'node:assert/strict';
import { splitGlobalBatch } from '../../distribute/strategy';
import {
  batchPositions,
  checkEpochOptions,
  composeShard,
  countBatches,
  NO_SHARD,
  shardSize,
  splitView,
} from './epoch-plan';

describe('training/data/epoch-plan', () => {
  it('replica batches partition every global batch, for any size, replica count and global batch', () => {
    for (const n of [0, 1, 7, 64, 101]) {
      for (const count of [1, 2, 3, 5]) {
        for (const global of [count, 2 * count, 10, 17].filter((g) => g >= count)) {
          const batches = countBatches(n, global);
          let total = 0;
          for (let k = 0; k < batches; k++) {
            const union = Array.from({ length: count }, (_, index) =>
              Array.from(batchPositions(k, n, global, { count, index })),
            ).flat();
            const expected = Array.from(
              { length: Math.min(n, (k + 1) * global) - k * global },
              (_, i) => k * global + i,
            );
            assert.deepEqual(
              union.sort((a, b) => a - b),
              expected,
              `n=${n} count=${count} global=${global} k=${k}`,
            );
            total += union.length;
          }
          assert.equal(total, n);
        }
      }
    }
  });

  it('full replica batches have the sizes splitGlobalBatch gives the strategy', () => {
    const sizes = [0, 1, 2].map((index) => batchPositions(0, 100, 10, { count: 3, index }).length);
    assert.deepEqual(sizes, splitGlobalBatch(10, 3));
  });

  it('counts shard sizes and composes shards', () => {
    assert.equal(shardSize(10, { count: 3, index: 0 }), 4);
    assert.equal(shardSize(10, { count: 3, index: 2 }), 3);
    assert.equal(shardSize(1, { count: 3, index: 2 }), 0);
    assert.deepEqual(composeShard({ count: 2, index: 1 }, 3, 2), { count: 6, index: 5 });
    assert.throws(() => composeShard(NO_SHARD, 2, 2), /Invalid value for `index`/);
  });

  it('splits like Keras: train = floor(n · (1 - fraction)) first samples', () => {
    const { train, validation } = splitView({ start: 0, end: 10, shard: NO_SHARD }, 0.33);
    assert.deepEqual([train.start, train.end, validation.start, validation.end], [0, 6, 6, 10]);
    assert.throws(() => splitView({ start: 0, end: 1, shard: NO_SHARD }, 0.5), /both sides/);
  });

  it('validates epoch options with Keras-style messages', () => {
    assert.throws(
      () => checkEpochOptions(0, { batchSize: 0, shuffle: true, seed: 1 }, NO_SHARD),
      /`batchSize`.*batchSize=0/,
    );
    assert.throws(() => checkEpochOptions(0, { batchSize: 2, shuffle: true, seed: 1, skip: -1 }, NO_SHARD), /`skip`/);
    assert.throws(
      () => checkEpochOptions(0, { batchSize: 2, shuffle: true, seed: 1, globalBatchSize: 4 }, NO_SHARD),
      /`globalBatchSize`/,
    );
    assert.equal(
      checkEpochOptions(0, { batchSize: 2, shuffle: true, seed: 1 }, { count: 3, index: 0 }).globalBatchSize,
      6,
    );
  });
});
