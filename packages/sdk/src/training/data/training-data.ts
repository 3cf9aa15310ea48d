import type { Tensor } from '@tensorflow/tfjs';

/**
 * Model inputs or targets of one batch: one tensor, one per model input/output, or by name.
 * @example
 *   const xs: TensorBatch = { image: imageTensor, meta: metaTensor };
 */
export type TensorBatch = Tensor | Tensor[] | Record<string, Tensor>;

/**
 * One batch; the consumer disposes its tensors.
 * @example
 *   tf.dispose([batch.xs, batch.ys] as tf.TensorContainer);
 */
export interface Batch {
  xs: TensorBatch;
  ys: TensorBatch;
  /**
   * Samples in this batch. The last one may be short; on a shard it may even be 0 (see
   * {@link TrainingData.shard}), with tensors of leading dimension 0.
   */
  size: number;
}

/**
 * How to iterate one epoch.
 * @example
 *   const options: EpochOptions = { batchSize: 32, shuffle: true, seed: 42, skip: 10 };
 */
export interface EpochOptions {
  /** Samples per batch (per replica on a shard). Batched tfjs Datasets ignore it. */
  batchSize: number;
  shuffle: boolean;
  /** Base seed of the run (a safe integer); the order of epoch `e` depends only on (seed, e). */
  seed: number;
  /**
   * On a shard: samples per step over all replicas (default `batchSize × count`), for strategies
   * whose replica batch sizes differ (`splitGlobalBatch(10, 3)` → [4, 3, 3]). Replica `index`
   * gets the samples at offsets index, index + count, … of each global batch, so its batch sizes
   * are exactly `splitGlobalBatch(globalBatchSize, count)[index]` (but the last batch).
   * `batchSize` is then unused. Without a shard it must equal `batchSize` if given.
   */
  globalBatchSize?: number;
  /**
   * Batches to skip at the start (resuming mid-epoch at the exact batch): the batches yielded are
   * exactly batches `skip, skip + 1, …` of the same epoch without `skip`.
   */
  skip?: number;
}

/**
 * A source of training or validation samples. Iteration is deterministic: the same
 * (seed, epoch, batchSize) gives the same batches in the same order, which is what makes
 * BackupAndRestore resume exactly and lets replicas agree without talking.
 * @example
 *   for await (const batch of data.batches(epoch, { batchSize: 32, shuffle: true, seed: 42 })) { ... }
 */
export interface TrainingData {
  /** Samples per epoch, when known without reading everything (undefined for unknown streams). */
  readonly size?: number;
  /** Batches of one epoch. */
  batches(epoch: number, options: EpochOptions): AsyncIterable<Batch>;
  /**
   * Batches `batches()` yields per epoch with these options, when known: on a shard this is
   * ceil(total / globalBatchSize), not ceil(size / batchSize) (see {@link shard}).
   */
  batchCount?(batchSize: number, globalBatchSize?: number): number | undefined;
  /**
   * Loads and validates now (file sources otherwise load on the first `batches()`), so errors
   * surface before training starts and `size` is known afterwards.
   */
  ready?(): Promise<void>;
  /**
   * Keras' `validationSplit`: the last `fraction` of the samples (before any shuffling) becomes
   * validation data, the rest training data (`floor(size * (1 - fraction))` samples, as Keras).
   * Split before sharding: a shard's samples change with each epoch's shuffle.
   */
  split(fraction: number): { train: TrainingData; validation: TrainingData };
  /**
   * Replica `index` of `count` sees the samples at positions index, index + count, … of each
   * epoch's (shuffled) order — precisely: at offsets index, index + count, … of each global batch
   * (see {@link EpochOptions.globalBatchSize}). Replicas stay in lockstep: with per-replica batch
   * size B, every replica yields ceil(total / (count·B)) batches and the union of their batch k
   * is exactly the unsharded batch k of size count·B. In the last batch a replica may get 0
   * samples (as tf.distribute hands empty batches to some replicas); it must still take part in
   * the step. `size` counts the positions ≡ index (mod count): exact when the global batch size
   * is a multiple of `count`.
   */
  shard(count: number, index: number): TrainingData;
  /**
   * Frees what this source allocated (kept tensors, open files). Only the object returned by a
   * `from…`/`toTrainingData` call owns them; its `split`/`shard` views share them.
   */
  dispose?(): void;
}
