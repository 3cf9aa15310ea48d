import type { DataType, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { TfscaleError } from '../../core/errors';
import { checkEpochOptions, composeShard, countBatches, type SampleView, shardSize, splitView } from './epoch-plan';
import { SeededRandom } from './seeded-random';
import { shuffleBuffered } from './shuffle-buffer';
import type { Batch, EpochOptions, TrainingData } from './training-data';

/**
 * One encoded sample of a streamed source.
 * @example
 *   const row: StreamRow = { x: new Float32Array([0.1, 0.2]), y: new Float32Array([1]) };
 */
export interface StreamRow {
  x: Float32Array;
  y: Float32Array;
}

/**
 * What {@link StreamedData} reads: a known number of rows of fixed widths, re-readable in file
 * order as often as needed (once per epoch).
 * @example
 *   const source: RowSource = { total: 1e7, xWidth: 64, yWidth: 10, xDtype: 'float32', shuffleBuffer: 10_000, rows };
 */
export interface RowSource {
  readonly total: number;
  readonly xWidth: number;
  readonly yWidth: number;
  readonly xDtype: DataType;
  /** Rows held by the shuffle buffer. */
  readonly shuffleBuffer: number;
  /** A fresh pass over every row in file order; `rows().return()` stops reading. */
  rows(): AsyncIterable<StreamRow>;
  /** Called when the source is no longer needed. */
  close?(): void;
}

/**
 * Samples read from disk every epoch, for files too big for memory. The epoch's order is a
 * seeded buffer shuffle (tf.data's `shuffle(buffer_size)`, {@link shuffleBuffered}) of file
 * order, a pure function of (seed, epoch, range, buffer size); `skip` reads and discards.
 * Sharding and batching then work exactly as for in-memory data.
 *
 * @example
 * ```ts
 * const data: TrainingData = new StreamedData(source, { start: 0, end: source.total, shard: NO_SHARD }, true);
 * ```
 */
export class StreamedData implements TrainingData {
  constructor(
    private readonly source: RowSource,
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
    const { globalBatchSize: group, shuffle, seed, skip } = checkEpochOptions(epoch, options, this.view.shard);
    const { count, index } = this.view.shard;
    const n = this.view.end - this.view.start;
    const inRange = this.range();
    const ordered = shuffle
      ? shuffleBuffered(inRange, Math.min(this.source.shuffleBuffer, Math.max(1, n)), SeededRandom.derive(seed, epoch))
      : inRange;
    let mine: StreamRow[] = [];
    let position = 0;
    for await (const row of ordered) {
      const k = Math.floor(position / group);
      if (k >= skip && (position % group) % count === index) mine.push(row);
      position++;
      if (position % group === 0 || position === n) {
        if (k >= skip) yield this.toBatch(mine);
        mine = [];
      }
    }
  }

  split(fraction: number): { train: TrainingData; validation: TrainingData } {
    const { train, validation } = splitView(this.view, fraction);
    return {
      train: new StreamedData(this.source, train, false),
      validation: new StreamedData(this.source, validation, false),
    };
  }

  shard(count: number, index: number): TrainingData {
    return new StreamedData(this.source, { ...this.view, shard: composeShard(this.view.shard, count, index) }, false);
  }

  dispose(): void {
    if (this.owner) this.source.close?.();
  }

  /** This view's rows in file order; stops reading at the end of the range. */
  private async *range(): AsyncGenerator<StreamRow> {
    const { start, end } = this.view;
    let i = 0;
    for await (const row of this.source.rows()) {
      if (i >= end) return;
      if (i++ >= start) yield row;
    }
    if (i < end) {
      throw new TfscaleError(
        'TFSCALE_E_INVALID_VALUE',
        `The data file ended after ${i} rows; it had ${this.source.total} when loaded.`,
        {
          hint: 'Do not change a data file while training from it.',
        },
      );
    }
  }

  private toBatch(rows: StreamRow[]): Batch {
    const tf = loadTf();
    const { xWidth, yWidth, xDtype } = this.source;
    const x = new Float32Array(rows.length * xWidth);
    const y = new Float32Array(rows.length * yWidth);
    rows.forEach((row, i) => {
      x.set(row.x, i * xWidth);
      y.set(row.y, i * yWidth);
    });
    const xs: Tensor = tf.tensor2d(x, [rows.length, xWidth], xDtype);
    const ys: Tensor = tf.tensor2d(y, [rows.length, yWidth], 'float32');
    return { xs, ys, size: rows.length };
  }
}
