import { TfscaleError } from '../../core/errors';
import { checkSplitFraction, composeShard, NO_SHARD } from './epoch-plan';
import type { Batch, EpochOptions, TrainingData } from './training-data';

/**
 * Training data that loads on first use (or on `ready()`), so that file sources can be created
 * synchronously, e.g. while a run definition is resolved. Until loaded, `size` is undefined;
 * `split`/`shard` return views that apply once the source has loaded.
 *
 * @example
 * ```ts
 * const data = new LazyData(() => loadCsvNow('train.csv'));
 * await data.ready(); // optional: load and validate now
 * console.log(data.size);
 * ```
 */
export class LazyData implements TrainingData {
  private loading?: Promise<TrainingData>;
  private loaded?: TrainingData;
  private disposed = false;

  /** `owner`: whether `dispose()` frees the loaded data (false for split/shard views). */
  constructor(
    private readonly load: () => Promise<TrainingData>,
    private readonly owner = true,
  ) {}

  get size(): number | undefined {
    return this.loaded?.size;
  }

  async ready(): Promise<void> {
    await this.resolve();
  }

  batchCount(batchSize: number): number | undefined {
    return this.loaded?.batchCount?.(batchSize);
  }

  async *batches(epoch: number, options: EpochOptions): AsyncGenerator<Batch> {
    yield* (await this.resolve()).batches(epoch, options);
  }

  split(fraction: number): { train: TrainingData; validation: TrainingData } {
    if (this.loaded) return this.loaded.split(fraction);
    checkSplitFraction(fraction); // the sample count is checked once loaded
    let parts: Promise<{ train: TrainingData; validation: TrainingData }> | undefined;
    const part = (key: 'train' | 'validation') => async () => {
      parts ??= this.resolve().then((data) => data.split(fraction));
      return (await parts)[key];
    };
    return { train: new LazyData(part('train'), false), validation: new LazyData(part('validation'), false) };
  }

  shard(count: number, index: number): TrainingData {
    if (this.loaded) return this.loaded.shard(count, index);
    composeShard(NO_SHARD, count, index); // validates the arguments now
    return new LazyData(async () => (await this.resolve()).shard(count, index), false);
  }

  dispose(): void {
    this.disposed = true;
    if (!this.owner) return;
    if (this.loaded) this.loaded.dispose?.();
    // A load still in flight is freed when it lands.
    else this.loading?.then((data) => data.dispose?.()).catch(() => undefined);
  }

  private resolve(): Promise<TrainingData> {
    if (this.disposed)
      return Promise.reject(new TfscaleError('TFSCALE_E_INVALID_VALUE', 'This training data was disposed.'));
    this.loading ??= this.load().then((data) => {
      this.loaded = data;
      return data;
    });
    return this.loading;
  }
}
