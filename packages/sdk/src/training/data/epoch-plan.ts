import { invalidValue, TfscaleError } from '../../core/errors';
import type { EpochOptions } from './training-data';

/**
 * Which replica's share of each epoch a view sees (`{ count: 1, index: 0 }`: everything).
 * @example
 *   const shard: ShardSpec = { count: 4, index: 1 };
 */
export interface ShardSpec {
  readonly count: number;
  readonly index: number;
}

/**
 * A contiguous range of the source's samples in file/array order (what `split` narrows), plus
 * the shard taken of each epoch's order.
 * @example
 *   const all: SampleView = { start: 0, end: 1797, shard: NO_SHARD };
 */
export interface SampleView {
  readonly start: number;
  readonly end: number;
  readonly shard: ShardSpec;
}

/**
 * The identity shard.
 * @example
 *   const view: SampleView = { start: 0, end: n, shard: NO_SHARD };
 */
export const NO_SHARD: ShardSpec = { count: 1, index: 0 };

/**
 * {@link EpochOptions} checked, with `skip` defaulted to 0 and the global batch size (samples
 * per step over every replica of `shard`) worked out.
 * @example
 *   const { globalBatchSize, skip } = checkEpochOptions(epoch, options, view.shard);
 */
export function checkEpochOptions(epoch: number, options: EpochOptions, shard: ShardSpec): Required<EpochOptions> {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw invalidValue('epoch', epoch, 'an integer >= 0');
  const { batchSize, shuffle, seed, skip = 0 } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw invalidValue('batchSize', batchSize, 'an integer > 0', 'Use e.g. `batchSize: 32`.');
  }
  if (!Number.isSafeInteger(seed)) throw invalidValue('seed', seed, 'a safe integer');
  if (!Number.isSafeInteger(skip) || skip < 0) throw invalidValue('skip', skip, 'an integer >= 0');
  const globalBatchSize = options.globalBatchSize ?? batchSize * shard.count;
  if (!Number.isSafeInteger(globalBatchSize) || globalBatchSize < shard.count) {
    throw invalidValue('globalBatchSize', globalBatchSize, `an integer >= the ${shard.count} replicas`);
  }
  if (shard.count === 1 && globalBatchSize !== batchSize) {
    throw invalidValue('globalBatchSize', globalBatchSize, `batchSize (${batchSize}) on data that is not sharded`);
  }
  return { batchSize, shuffle, seed, skip, globalBatchSize };
}

/**
 * Samples a replica sees of an epoch of `n` samples.
 * @example
 *   shardSize(10, { count: 3, index: 1 }); // 3 (positions 1, 4, 7)
 */
export function shardSize(n: number, shard: ShardSpec): number {
  return n > shard.index ? Math.ceil((n - shard.index) / shard.count) : 0;
}

/**
 * Batches every replica yields per epoch: one per global batch.
 * @example
 *   countBatches(10, 4); // 3
 */
export function countBatches(n: number, globalBatchSize: number): number {
  return Math.ceil(n / globalBatchSize);
}

/**
 * Positions (in the epoch's order) of a replica's samples in batch `k`: offsets index,
 * index + count, … of global batch k.
 * @example
 *   batchPositions(1, 10, 4, { count: 2, index: 1 }); // Int32Array [5, 7]
 */
export function batchPositions(k: number, n: number, globalBatchSize: number, shard: ShardSpec): Int32Array {
  const first = k * globalBatchSize;
  const end = Math.min(n, first + globalBatchSize);
  const positions = new Int32Array(Math.max(0, Math.ceil((end - first - shard.index) / shard.count)));
  for (let i = 0, p = first + shard.index; p < end; i++, p += shard.count) positions[i] = p;
  return positions;
}

/**
 * A shard of a shard is a shard: replica `i2` of `c2` inside replica `i1` of `c1` sees positions
 * i1 + c1·i2 + c1·c2·j of the epoch order.
 * @example
 *   composeShard({ count: 2, index: 1 }, 3, 2); // { count: 6, index: 5 }
 */
export function composeShard(outer: ShardSpec, count: number, index: number): ShardSpec {
  if (!Number.isSafeInteger(count) || count < 1) throw invalidValue('count', count, 'an integer >= 1');
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw invalidValue('index', index, `an integer in [0, ${count - 1}]`);
  }
  return { count: outer.count * count, index: outer.index + outer.count * index };
}

/**
 * Throws unless `fraction` is a valid `validationSplit` (strictly between 0 and 1).
 * @example
 *   checkSplitFraction(0.2);
 */
export function checkSplitFraction(fraction: number): void {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw invalidValue('validationSplit', fraction, 'a number between 0 and 1 (exclusive)');
  }
}

/**
 * The train and validation ranges of Keras' `validationSplit`: the last `fraction` of the range.
 * @example
 *   splitView({ start: 0, end: 10, shard: NO_SHARD }, 0.2); // train [0, 8), validation [8, 10)
 */
export function splitView(view: SampleView, fraction: number): { train: SampleView; validation: SampleView } {
  checkSplitFraction(fraction);
  if (view.shard.count > 1) {
    throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'Cannot split() a shard: its samples change every epoch.', {
      hint: 'Split first, then shard the training part: `data.split(0.2).train.shard(count, index)`.',
    });
  }
  const n = view.end - view.start;
  const at = view.start + Math.floor(n * (1 - fraction));
  if (at === view.start || at === view.end) {
    throw invalidValue(
      'validationSplit',
      fraction,
      `a fraction that leaves samples on both sides of ${n} samples`,
      'Use a larger data set or a fraction nearer 0.5.',
    );
  }
  return {
    train: { start: view.start, end: at, shard: view.shard },
    validation: { start: at, end: view.end, shard: view.shard },
  };
}
