import assert from 'node:assert/strict';
import { GrowableBuffer, planPacks } from './bucketing';

describe('distribute/collective/bucketing', () => {
  it('packs from the last tensor backwards, each pack at most bytesPerPack', () => {
    assert.deepEqual(planPacks([100, 100, 100], 800), [
      { indices: [2, 1], elements: 200 },
      { indices: [0], elements: 100 },
    ]);
    assert.deepEqual(planPacks([10, 500, 10, 10], 400), [
      { indices: [3, 2], elements: 20 },
      { indices: [1], elements: 500 }, // larger than a pack: alone
      { indices: [0], elements: 10 },
    ]);
  });

  it('0 means one pack; empty tensors ride along; no tensors, no packs', () => {
    assert.deepEqual(planPacks([5, 0, 7], 0), [{ indices: [2, 1, 0], elements: 12 }]);
    assert.deepEqual(planPacks([1, 0], 4), [{ indices: [1, 0], elements: 1 }]);
    assert.deepEqual(planPacks([], 64), []);
  });

  it('reuses its buffer until a larger one is needed', () => {
    const pool = new GrowableBuffer();
    const a = pool.get(10);
    assert.equal(pool.get(5), a);
    assert.ok(pool.get(11).length >= 11);
  });
});
