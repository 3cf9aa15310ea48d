import type { Tensor, TensorContainer } from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../../backend/tf';
import type { DatasetLike } from '../../config/runtime-values';
import { invalidValue } from '../../core/errors';
import { checkEpochOptions, composeShard, countBatches, NO_SHARD, type ShardSpec, shardSize } from './epoch-plan';
import { isTensor, rebuild, type Structure } from './tensor-input';
import type { Batch, EpochOptions, TensorBatch, TrainingData } from './training-data';

/**
 * Options of {@link fromTfDataset}.
 * @example
 *   const options: TfDatasetOptions = { batched: false };
 */
export interface TfDatasetOptions {
  /**
   * Whether elements are already batches, as `model.fitDataset` expects (default true). Unbatched
   * elements (one sample each) are stacked into batches of `batchSize`.
   */
  batched?: boolean;
}

type Element = { xs: TensorBatch; ys: TensorBatch };

function toElement(value: TensorContainer): Element {
  const pair =
    Array.isArray(value) && value.length === 2 ? { xs: value[0], ys: value[1] } : (value as Partial<Element>);
  if (typeof pair !== 'object' || pair === null || pair.xs === undefined || pair.ys === undefined) {
    throw invalidValue(
      'dataset element',
      value,
      'an object { xs, ys } (or [xs, ys]) of tensors, as model.fitDataset takes',
    );
  }
  return pair as Element;
}

function structureOf(value: TensorBatch): Structure<Tensor> {
  if (isTensor(value)) return { kind: 'single', names: ['xs'], leaves: [value] };
  if (Array.isArray(value)) return { kind: 'array', names: value.map((_, i) => String(i)), leaves: value };
  const names = Object.keys(value);
  return { kind: 'map', names, leaves: names.map((n) => value[n]!) };
}

/** Stacks single-sample elements into a batch; `template` gives shapes when `elements` is empty. */
function stack(tf: Tf, elements: Element[], template: Element): Batch {
  const part = (key: 'xs' | 'ys'): TensorBatch => {
    const shape = structureOf(template[key]);
    const leaves = shape.leaves.map((leaf, i) =>
      elements.length === 0
        ? tf.zeros([0, ...leaf.shape], leaf.dtype)
        : tf.stack(elements.map((e) => structureOf(e[key]).leaves[i]!)),
    );
    return rebuild(shape, leaves) as TensorBatch;
  };
  return { xs: part('xs'), ys: part('ys'), size: elements.length };
}

/** An empty batch shaped like the batched element `template`. */
function emptyLike(tf: Tf, template: Element): Batch {
  const part = (value: TensorBatch): TensorBatch => {
    const shape = structureOf(value);
    return rebuild(
      shape,
      shape.leaves.map((t) => tf.zeros([0, ...t.shape.slice(1)], t.dtype)),
    ) as TensorBatch;
  };
  return { xs: part(template.xs), ys: part(template.ys), size: 0 };
}

function batchSizeOf(element: Element): number {
  return structureOf(element.xs).leaves[0]?.shape[0] ?? 0;
}

/** Wraps a tfjs Dataset; see {@link fromTfDataset}. */
class DatasetData implements TrainingData {
  constructor(
    private readonly dataset: DatasetLike,
    private readonly batched: boolean,
    private readonly spec: ShardSpec,
  ) {}

  private get elements(): number | undefined {
    const size = this.dataset.size;
    return typeof size === 'number' && Number.isFinite(size) && size >= 0 ? size : undefined;
  }

  get size(): number | undefined {
    return this.batched || this.elements === undefined ? undefined : shardSize(this.elements, this.spec);
  }

  batchCount(batchSize: number, globalBatchSize?: number): number | undefined {
    if (this.elements === undefined) return undefined;
    const options = { batchSize, globalBatchSize, shuffle: false, seed: 0 };
    return countBatches(
      this.elements,
      this.batched ? this.spec.count : checkEpochOptions(0, options, this.spec).globalBatchSize,
    );
  }

  async *batches(epoch: number, options: EpochOptions): AsyncGenerator<Batch> {
    const { globalBatchSize, skip } = checkEpochOptions(epoch, options, this.spec);
    const tf = loadTf();
    const { count, index } = this.spec;
    const group = this.batched ? count : globalBatchSize; // elements per (global) step
    const iterator = await this.dataset.iterator();
    for (let k = 0; ; k++) {
      const elements: Element[] = [];
      while (elements.length < group) {
        const next = await iterator.next();
        if (next.done) break;
        elements.push(toElement(next.value));
      }
      if (elements.length === 0) return;
      if (k >= skip) {
        const mine = elements.filter((_, i) => i % count === index);
        if (this.batched && mine[0]) {
          tf.dispose(elements.filter((e) => e !== mine[0]) as unknown as TensorContainer);
          yield { ...mine[0], size: batchSizeOf(mine[0]) };
        } else {
          const batch = this.batched ? emptyLike(tf, elements[0]!) : stack(tf, mine, elements[0]!);
          tf.dispose(elements as unknown as TensorContainer);
          yield batch;
        }
      } else {
        tf.dispose(elements as unknown as TensorContainer); // skipping: read and discard
      }
      if (elements.length < group) return;
    }
  }

  split(fraction: number): { train: TrainingData; validation: TrainingData } {
    throw invalidValue(
      'validationSplit',
      fraction,
      'no validationSplit with a tfjs Dataset (as in Keras: only arrays and tensors can be split)',
      'Pass validation data explicitly (`data.validation` in a run, `validationData` in fit()).',
    );
  }

  shard(count: number, index: number): TrainingData {
    return new DatasetData(this.dataset, this.batched, composeShard(this.spec, count, index));
  }
}

/**
 * Training data from a tfjs `tf.data.Dataset` of `{ xs, ys }` elements (tensors, lists or maps
 * of them). Shuffling is the dataset's own business (its `shuffle()`), so `shuffle`, `seed` and
 * `epoch` are unused; `skip` reads and discards. Batched datasets (the default, as fitDataset
 * takes) ignore `batchSize`. `split()` throws: pass validation data explicitly. A shard takes
 * every `count`-th element (sample or batch) in lockstep, like in-memory data. Elements are
 * disposed once used, as `fitDataset` does.
 *
 * @example
 * ```ts
 * const ds = tf.data.array(samples).shuffle(1000).batch(32);
 * const data = fromTfDataset(ds);
 * ```
 */
export function fromTfDataset(dataset: DatasetLike, options: TfDatasetOptions = {}): TrainingData {
  if (typeof dataset?.iterator !== 'function') throw invalidValue('dataset', dataset, 'a tfjs tf.data.Dataset');
  return new DatasetData(dataset, options.batched ?? true, NO_SHARD);
}
