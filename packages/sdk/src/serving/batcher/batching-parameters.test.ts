import * as assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { defaultBatchingOptions, parseBatchingParameters, roundToAllowedBatchSize } from './batching-parameters';

describe('batcher parameters: --batching_parameters_file', () => {
  it('reads TF Serving’s wrapper syntax, repeated sizes, comments and defaults', () => {
    const o = parseBatchingParameters(`
      # from g3doc/serving_config.md
      max_batch_size { value: 128 }
      batch_timeout_micros { value: 0 }
      max_enqueued_batches { value: 1000000 }
      num_batch_threads { value: 8 }
      allowed_batch_sizes: 32
      allowed_batch_sizes: [64, 128]
      pad_variable_length_inputs: false
    `);
    assert.deepEqual(o, {
      maxBatchSize: 128,
      batchTimeoutMicros: 0,
      maxEnqueuedBatches: 1000000,
      numBatchThreads: 8,
      threadPoolName: '',
      allowedBatchSizes: [32, 64, 128],
    });
    const d = parseBatchingParameters('');
    assert.deepEqual([d.maxBatchSize, d.batchTimeoutMicros, d.maxEnqueuedBatches], [1000, 0, 10]);
    assert.equal(d.numBatchThreads, defaultBatchingOptions().numBatchThreads);
  });

  it('rejects what TF Serving rejects, with its messages, and unknown fields with line:column', () => {
    assert.throws(
      () => parseBatchingParameters('max_batch_size { value: 8 } allowed_batch_sizes: 2 allowed_batch_sizes: 4'),
      /Last entry in allowed_batch_sizes must match max_batch_size; last entry was 4; expected 8/,
    );
    assert.throws(
      () => parseBatchingParameters('max_batch_size { value: 8 } allowed_batch_sizes: 4 allowed_batch_sizes: 2'),
      /monotonically increasing/,
    );
    assert.throws(
      () => parseBatchingParameters('max_batch_size: 8', 'b.txt'),
      (e: unknown) => isTfscaleError(e, 'TFSCALE_E_INVALID_VALUE') && /b\.txt:1:/.test((e as Error).message),
    );
    assert.throws(() => parseBatchingParameters('max_batch_sise { value: 8 }'), /has no field named "max_batch_sise"/);
    assert.throws(() => parseBatchingParameters('pad_variable_length_inputs: true'), /not implemented/);
  });

  it('rounds a batch up to the lowest allowed size (RoundToLowestAllowedBatchSize)', () => {
    assert.equal(roundToAllowedBatchSize([2, 4, 8], 3), 4);
    assert.equal(roundToAllowedBatchSize([2, 4, 8], 8), 8);
    assert.equal(roundToAllowedBatchSize([], 5), 5);
  });
});
