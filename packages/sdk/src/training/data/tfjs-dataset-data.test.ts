import * as assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { isTfscaleError } from '../../core/errors';
import { fromTfDataset } from './tfjs-dataset-data';
import type { EpochOptions, TrainingData } from './training-data';

const tf = loadTf();

function samples(n: number) {
  return tf.data.array(Array.from({ length: n }, (_, i) => ({ xs: tf.tensor1d([i, -i]), ys: tf.tensor1d([i * 10]) })));
}

async function ids(data: TrainingData, options: EpochOptions): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of data.batches(0, options)) {
    const x = batch.xs as Tensor;
    assert.equal(batch.size, x.shape[0]);
    out.push(Array.from(x.dataSync()).filter((_, i) => i % 2 === 0));
    tf.dispose([batch.xs, batch.ys] as Tensor[]);
  }
  return out;
}

describe('training/data/tfjs-dataset-data', () => {
  const options = { batchSize: 4, shuffle: true, seed: 1 };

  it('batches unbatched elements, skips by discarding, and knows its size', async () => {
    const data = fromTfDataset(samples(10), { batched: false });
    assert.equal(data.size, 10);
    assert.equal(data.batchCount?.(4), 3);
    assert.deepEqual(await ids(data, options), [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    assert.deepEqual(await ids(data, { ...options, skip: 2 }), [[8, 9]]);
  });

  it('passes batched elements through; shards take every count-th element in lockstep', async () => {
    const batched = fromTfDataset(samples(10).batch(3));
    assert.equal(batched.size, undefined);
    assert.deepEqual(await ids(batched, options), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    assert.deepEqual(await ids(batched.shard(3, 2), options), [[6, 7, 8], []]);
    const unbatched = fromTfDataset(samples(7), { batched: false });
    assert.deepEqual(await ids(unbatched.shard(3, 2), { ...options, batchSize: 2 }), [[2, 5], []]);
  });

  it('refuses split() with a hint, as Keras refuses validation_split for datasets', () => {
    assert.throws(
      () => fromTfDataset(samples(4)).split(0.2),
      (err) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') &&
        /HINT: Pass validation data explicitly/.test((err as Error).message),
    );
  });

  it('disposes every element it reads', async () => {
    const ds = samples(9);
    const before = tf.memory().numTensors;
    for (const data of [fromTfDataset(ds, { batched: false }), fromTfDataset(ds.batch(2)).shard(2, 1)]) {
      for await (const batch of data.batches(0, { ...options, skip: 1 })) tf.dispose([batch.xs, batch.ys] as Tensor[]);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
