import * as assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { isTfscaleError } from '../../core/errors';
import { fromArrays, fromTensors } from './array-data';
import type { EpochOptions, TensorBatch, TrainingData } from './training-data';

const tf = loadTf();
const ids = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i]);

/** Sample ids of every batch (x holds the id), checking y = 10·id, disposing everything. */
async function collect(data: TrainingData, epoch: number, options: EpochOptions): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of data.batches(epoch, options)) {
    const x = Array.from((batch.xs as Tensor).dataSync());
    assert.deepEqual(
      Array.from((batch.ys as Tensor).dataSync()),
      x.map((v) => v * 10),
    );
    assert.equal(batch.size, x.length);
    out.push(x);
    tf.dispose([batch.xs, batch.ys] as Tensor[]);
  }
  return out;
}

describe('training/data/array-data', () => {
  const n = 103;
  const data = fromArrays(
    ids(n),
    ids(n).map(([i]) => [i! * 10]),
  );
  after(() => data.dispose?.());

  it('visits every sample once per epoch, with a short last batch', async () => {
    const batches = await collect(data, 0, { batchSize: 10, shuffle: true, seed: 1 });
    assert.equal(batches.length, 11);
    assert.equal(batches.at(-1)!.length, 3);
    assert.deepEqual(
      batches.flat().sort((a, b) => a - b),
      ids(n).flat(),
    );
    assert.equal(data.size, n);
    assert.equal(data.batchCount?.(10), 11);
  });

  it('is deterministic per (seed, epoch), different across epochs; file order without shuffle', async () => {
    const options = { batchSize: 16, shuffle: true, seed: 42 };
    assert.deepEqual(await collect(data, 3, options), await collect(data, 3, options));
    assert.notDeepEqual(await collect(data, 3, options), await collect(data, 4, options));
    assert.deepEqual((await collect(data, 3, { ...options, shuffle: false })).flat(), ids(n).flat());
  });

  it('resumes exactly: skip k yields the tail of the uninterrupted epoch', async () => {
    const options = { batchSize: 8, shuffle: true, seed: 9 };
    const full = await collect(data, 5, options);
    assert.deepEqual(await collect(data, 5, { ...options, skip: 4 }), full.slice(4));
    assert.deepEqual(await collect(data, 5, { ...options, skip: full.length }), []);
  });

  it('split takes the last fraction before shuffling, as Keras (floor of the train part)', async () => {
    const { train, validation } = data.split(0.25);
    assert.equal(train.size, 77); // floor(103 · 0.75)
    assert.equal(validation.size, 26);
    assert.deepEqual(
      (await collect(validation, 0, { batchSize: 100, shuffle: false, seed: 0 })).flat(),
      ids(n).flat().slice(77),
    );
    const shuffled = (await collect(train, 2, { batchSize: 10, shuffle: true, seed: 3 })).flat();
    assert.deepEqual(
      shuffled.sort((a, b) => a - b),
      ids(n).flat().slice(0, 77),
    );
    assert.throws(
      () => data.split(1),
      (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
    );
    assert.throws(() => data.shard(2, 0).split(0.5), /split\(\) a shard/);
  });

  it('shards: the union of replica batch k is global batch k, replicas in lockstep', async () => {
    for (const [count, perReplica] of [
      [3, 5],
      [4, 8],
      [2, 1],
    ] as const) {
      const options = { shuffle: true, seed: 11 };
      const global = await collect(data, 1, { ...options, batchSize: count * perReplica });
      const replicas = await Promise.all(
        Array.from({ length: count }, (_, r) =>
          collect(data.shard(count, r), 1, { ...options, batchSize: perReplica }),
        ),
      );
      for (const r of replicas) assert.equal(r.length, global.length, 'every replica takes every step');
      global.forEach((batch, k) => {
        const union = replicas.flatMap((r) => r[k]!);
        assert.deepEqual(
          [...union].sort((a, b) => a - b),
          [...batch].sort((a, b) => a - b),
          `batch ${k}`,
        );
      });
      assert.equal(
        replicas.reduce((sum, _, r) => sum + data.shard(count, r).size!, 0),
        n,
      );
    }
  });

  it('shards with uneven replica batches (globalBatchSize) as splitGlobalBatch sizes them', async () => {
    const options = { shuffle: true, seed: 5, globalBatchSize: 10, batchSize: 4 };
    const global = await collect(data, 0, { shuffle: true, seed: 5, batchSize: 10 });
    const replicas = await Promise.all([0, 1, 2].map((r) => collect(data.shard(3, r), 0, options)));
    assert.deepEqual(
      replicas.map((r) => r[0]!.length),
      [4, 3, 3],
    );
    for (const [k, batch] of global.entries()) {
      assert.deepEqual(
        replicas.flatMap((r) => r[k]!).sort((a, b) => a - b),
        [...batch].sort((a, b) => a - b),
      );
    }
    // A shard of a shard is the composed shard.
    assert.deepEqual(
      await collect(data.shard(2, 1).shard(3, 2), 0, { batchSize: 2, shuffle: true, seed: 5 }),
      await collect(data.shard(6, 5), 0, { batchSize: 2, shuffle: true, seed: 5 }),
    );
  });

  it('gives empty batches to replicas with nothing in the last global batch', async () => {
    const small = fromArrays(
      ids(7),
      ids(7).map(([i]) => [i! * 10]),
    );
    const r2 = await collect(small.shard(3, 2), 0, { batchSize: 2, shuffle: false, seed: 0 });
    assert.deepEqual(r2, [[2, 5], []]);
    small.dispose?.();
  });

  it('keeps the structure of multi-input/output data and accepts typed and shaped arrays', async () => {
    const x = { a: new Float32Array([0, 1, 2, 3]), b: { values: new Int32Array(8).map((_, i) => i), shape: [4, 2] } };
    const y = [tf.tensor2d([[0], [10], [20], [30]]), tf.tensor1d([5, 6, 7, 8])];
    const multi = fromArrays(x, y);
    const batches: TensorBatch[][] = [];
    for await (const batch of multi.batches(0, { batchSize: 3, shuffle: false, seed: 0 }))
      batches.push([batch.xs, batch.ys]);
    const [xs, ys] = batches[0] as [Record<string, Tensor>, Tensor[]];
    assert.deepEqual(Object.keys(xs), ['a', 'b']);
    assert.deepEqual(xs.b!.shape, [3, 2]);
    assert.equal(xs.b!.dtype, 'int32');
    assert.deepEqual(Array.from(ys[1]!.dataSync()), [5, 6, 7]);
    tf.dispose(batches.flat() as Tensor[]);
    multi.dispose?.();
    assert.equal(y[0]!.isDisposed, false, 'tensors passed in stay the caller’s');
    tf.dispose(y);
  });

  it('rejects ragged arrays and mismatched sample counts with coded errors', () => {
    assert.throws(() => fromArrays([[1, 2], [3]], [[1], [2]]), /Invalid value for `x\[1\]`.*Expected: 2 entries/);
    assert.throws(() => fromArrays([[1], [2]], [[1], [2], [3]]), /y.shape\[0\].*Expected: 2 samples/);
    assert.throws(
      () => fromArrays([[1], ['a']] as never, [[1], [2]]),
      (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
    );
  });

  it('leaks no tensors: iterating (also stopping early) and disposing returns to the start', async () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([50, 4]);
    const owned = fromArrays(ids(50), ids(50));
    const borrowed = fromTensors(x, tf.zeros([50, 1]));
    for (const d of [owned, borrowed, owned.shard(3, 1), borrowed.split(0.2).validation]) {
      for await (const batch of d.batches(0, { batchSize: 7, shuffle: true, seed: 1 }))
        tf.dispose([batch.xs, batch.ys] as Tensor[]);
      for await (const batch of d.batches(1, { batchSize: 7, shuffle: false, seed: 1 })) {
        tf.dispose([batch.xs, batch.ys] as Tensor[]);
        break;
      }
    }
    owned.dispose?.();
    borrowed.dispose?.();
    assert.equal(tf.memory().numTensors, before + 2, 'only the two caller-owned tensors remain');
    tf.dispose(x);
  });
});
