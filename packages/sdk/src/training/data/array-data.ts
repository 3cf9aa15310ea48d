import type { Tensor } from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../../backend/tf';
import { invalidValue, TfscaleError } from '../../core/errors';
import {
  batchPositions,
  checkEpochOptions,
  composeShard,
  countBatches,
  NO_SHARD,
  type SampleView,
  shardSize,
  splitView,
} from './epoch-plan';
import { permutation } from './seeded-random';
import { type ArrayInput, normalizeInput, rebuild, type SourceLeaf, type Structure } from './tensor-input';
import type { Batch, EpochOptions, TensorBatch, TrainingData } from './training-data';

/** Samples kept as tensors; every view of one source shares a store. */
class TensorStore {
  readonly size: number;
  private tensors?: { x: Tensor[]; y: Tensor[] };
  private disposed = false;

  constructor(
    readonly x: Structure<SourceLeaf>,
    readonly y: Structure<SourceLeaf>,
  ) {
    const counts = [
      ...x.leaves.map((l, i) => [x.names[i]!, l] as const),
      ...y.leaves.map((l, i) => [y.names[i]!, l] as const),
    ];
    this.size = counts[0]![1].shape[0]!;
    for (const [name, leaf] of counts) {
      if (leaf.shape[0] !== this.size) {
        throw invalidValue(
          `${name}.shape[0]`,
          leaf.shape[0],
          `${this.size} samples, as in ${counts[0]![0]}`,
          'x and y need one entry per sample each.',
        );
      }
    }
  }

  /** Tensors of every leaf, created on first use so they live on the backend chosen by then. */
  materialize(tf: Tf): { x: Tensor[]; y: Tensor[] } {
    if (this.disposed) throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'This training data was disposed.');
    if (!this.tensors) {
      const make = (leaf: SourceLeaf): Tensor => {
        if (leaf.tensor) {
          if (leaf.tensor.isDisposed)
            throw invalidValue('x/y', 'a disposed tensor', 'tensors kept alive while training');
          return leaf.tensor;
        }
        const tensor = tf.keep(tf.tensor(leaf.values!, leaf.shape, leaf.dtype));
        delete leaf.values; // the tensor holds the only copy from now on
        return tensor;
      };
      this.tensors = { x: this.x.leaves.map(make), y: this.y.leaves.map(make) };
    }
    return this.tensors;
  }

  /** One batch of the given rows (contiguous rows are sliced, others gathered). */
  take(tf: Tf, rows: Int32Array): Batch {
    const { x, y } = this.materialize(tf);
    const contiguous = rows.every((r, i) => i === 0 || r === rows[i - 1]! + 1);
    const indices = contiguous ? undefined : tf.tensor1d(rows, 'int32');
    const pick = (t: Tensor): Tensor =>
      indices
        ? tf.gather(t, indices)
        : tf.slice(
            t,
            [rows[0] ?? 0, ...t.shape.slice(1).map(() => 0)],
            [rows.length, ...t.shape.slice(1).map(() => -1)],
          );
    const xs = rebuild(this.x, x.map(pick)) as TensorBatch;
    const ys = rebuild(this.y, y.map(pick)) as TensorBatch;
    indices?.dispose();
    return { xs, ys, size: rows.length };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Only tensors we created; borrowed ones belong to the caller.
    const owned = (s: Structure<SourceLeaf>, made: Tensor[] = []): Tensor[] =>
      made.filter((_, i) => !s.leaves[i]!.tensor);
    for (const t of [...owned(this.x, this.tensors?.x), ...owned(this.y, this.tensors?.y)]) t.dispose();
    this.tensors = undefined;
  }
}

/**
 * In-memory samples (arrays or tensors), batched by index: epoch `e` visits the samples in
 * `permutation(size, seed, e)` order (file/array order when not shuffling).
 * @example
 *   const data = new ArrayData(store, { start: 0, end: store.size, shard: NO_SHARD }, true);
 */
class ArrayData implements TrainingData {
  constructor(
    private readonly store: TensorStore,
    private readonly view: SampleView,
    private readonly owner: boolean,
  ) {}

  get size(): number {
    return shardSize(this.view.end - this.view.start, this.view.shard);
  }

  batchCount(batchSize: number, globalBatchSize?: number): number {
    const { globalBatchSize: global } = checkEpochOptions(
      0,
      { batchSize, globalBatchSize, shuffle: false, seed: 0 },
      this.view.shard,
    );
    return countBatches(this.view.end - this.view.start, global);
  }

  async *batches(epoch: number, options: EpochOptions): AsyncGenerator<Batch> {
    const { globalBatchSize, shuffle, seed, skip } = checkEpochOptions(epoch, options, this.view.shard);
    const tf = loadTf();
    const { start, end, shard } = this.view;
    const n = end - start;
    const order = shuffle ? permutation(n, seed, epoch) : undefined;
    const total = countBatches(n, globalBatchSize);
    for (let k = skip; k < total; k++) {
      const positions = batchPositions(k, n, globalBatchSize, shard);
      const rows = positions.map((p) => start + (order ? order[p]! : p));
      yield this.store.take(tf, rows);
    }
  }

  split(fraction: number): { train: TrainingData; validation: TrainingData } {
    const { train, validation } = splitView(this.view, fraction);
    return { train: new ArrayData(this.store, train, false), validation: new ArrayData(this.store, validation, false) };
  }

  shard(count: number, index: number): TrainingData {
    return new ArrayData(this.store, { ...this.view, shard: composeShard(this.view.shard, count, index) }, false);
  }

  dispose(): void {
    if (this.owner) this.store.dispose();
  }
}

/**
 * In-memory training data from arrays or tensors (first dimension = samples), like Keras'
 * `model.fit(x, y)`. Multi-input/output models take a list of tensors/`{ values, shape }` or a
 * name → data map. Arrays become tensors on the first `batches()` (a typed array may be used
 * without a copy: leave it unchanged while training); tensors passed in are used as they are and
 * stay the caller's (`dispose()` frees only what this created).
 *
 * @example
 * ```ts
 * const data = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]);
 * for await (const { xs, ys } of data.batches(0, { batchSize: 2, shuffle: true, seed: 1 })) {
 *   tf.dispose([xs, ys] as tf.Tensor[]);
 * }
 * data.dispose?.();
 * ```
 */
export function fromArrays(x: ArrayInput, y: ArrayInput): TrainingData {
  const store = new TensorStore(normalizeInput(x, 'x'), normalizeInput(y, 'y'));
  return new ArrayData(store, { start: 0, end: store.size, shard: NO_SHARD }, true);
}

/**
 * {@link fromArrays} for data already in tensors (one, a list, or a name → tensor map), without a
 * copy: batches are gathered from these tensors, which must stay alive while training.
 *
 * @example
 * ```ts
 * const data = fromTensors(tf.randomNormal([1000, 8]), tf.randomUniform([1000, 1]));
 * ```
 */
export function fromTensors(
  x: Tensor | Tensor[] | Record<string, Tensor>,
  y: Tensor | Tensor[] | Record<string, Tensor>,
): TrainingData {
  return fromArrays(x, y);
}
