import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { isTfscaleError } from '../../core/errors';
import { fromArrays } from './array-data';
import { resolveDataPath, toTrainingData } from './to-training-data';

const EXAMPLES = path.resolve(__dirname, '../../../../../examples');

describe('training/data/to-training-data', () => {
  it('resolves relative file paths against baseDir (the run file folder)', async () => {
    const data = toTrainingData({ csv: 'data/digits/digits.csv', label: 'label' }, { baseDir: EXAMPLES });
    await data.ready!();
    assert.equal(data.size, 1797);
    data.dispose?.();
    assert.equal(resolveDataPath('file:///tmp/a.csv'), '/tmp/a.csv');
    assert.throws(
      () => resolveDataPath('https://example.com/a.csv'),
      (err) => isTfscaleError(err, 'TFSCALE_E_SCHEME_UNSUPPORTED'),
    );
  });

  it('accepts { x, y }, passes TrainingData through, reads TFRecords lazily, and explains unknown forms', async () => {
    assert.equal(toTrainingData({ x: [[0], [1]], y: [[1], [0]] }).size, 2);
    const data = fromArrays([[1]], [[1]]);
    assert.equal(toTrainingData(data), data);
    const missing = toTrainingData({ tfrecord: 'nowhere/train.tfrecord', label: 'y' }, { baseDir: EXAMPLES });
    await assert.rejects(
      missing.ready!(),
      (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && (err as Error).message.includes(EXAMPLES),
    );
    assert.throws(
      () => toTrainingData({ parquet: 'x' } as never),
      (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
    );
  });
});
