import * as fs from 'node:fs/promises';
import { invalidValue } from '../../core/errors';
import { fromArrays } from './array-data';
import { cellWidth, writeCell } from './cell-values';
import { fileError } from './data-errors';
import { NO_SHARD } from './epoch-plan';
import { LabelEncoder } from './label-encoder';
import { LazyData } from './lazy-data';
import { type RowSource, StreamedData } from './streamed-data';
import { resolveColumns } from './tabular-columns';
import type { TrainingData } from './training-data';

/**
 * One data row of a tabular file: its (1-based) line and the cells of the requested columns.
 * @example
 *   const row: TabularRow = { line: 2, cells: ['5.1', '3.5', 'setosa'] };
 */
export interface TabularRow {
  line: number;
  cells: unknown[];
}

/**
 * A tabular file format (CSV, JSON Lines, tf.Example TFRecords): column names, and passes over the rows.
 * @example
 *   const reader: TabularReader = csvReader('train.csv', { header: true, delimiter: ',' });
 */
export interface TabularReader {
  readonly file: string;
  /** What a column is called in messages: a CSV `column`, a JSON `key`, a tf.Example `feature`. */
  readonly noun: 'column' | 'key' | 'feature';
  columns(): Promise<string[]>;
  /** One pass over the data rows, cells in the order of `columns`. */
  rows(columns: string[]): AsyncIterable<TabularRow>;
  /** Where a cell is, for error messages (`train.csv:12, column 4 (\`x3\`)`). */
  locate(line: number, column: string): string;
  /** Bytes the data takes, deciding in-memory vs streamed (default: the size of `file`). */
  bytes?(): Promise<number>;
}

/**
 * Options shared by CSV and JSON Lines sources.
 * @example
 *   const options: TabularOptions = { label: 'species', oneHot: 'auto' };
 */
export interface TabularOptions {
  /** The target column(s) (y); several columns make one target row of their values. */
  label: string | string[];
  /** The input columns (x), in this order; default: every column but the label(s). */
  features?: string[];
  /** One-hot encode a single label column of class ids or names: a class count or 'auto'. */
  oneHot?: number | 'auto';
  /** dtype of the feature tensor (default 'float32'); targets are always float32. */
  dtype?: 'float32' | 'int32';
  /** Files up to this size are loaded into memory once; bigger ones stream (default 256 MiB). */
  maxInMemoryBytes?: number;
  /** Rows in the shuffle buffer when streaming (default: a quarter of maxInMemoryBytes' worth). */
  shuffleBuffer?: number;
}

const DEFAULT_MAX_IN_MEMORY = 256 * 1024 * 1024;

/** Float32Array that grows by doubling while the row count is unknown. */
class Growable {
  values = new Float32Array(1 << 16);
  length = 0;
  reserve(count: number): number {
    if (this.length + count > this.values.length) {
      const bigger = new Float32Array(Math.max(this.values.length * 2, this.length + count));
      bigger.set(this.values.subarray(0, this.length));
      this.values = bigger;
    }
    this.length += count;
    return this.length - count;
  }
}

/**
 * Training data from a tabular file, loaded on first use (or `ready()`). Loading reads the file
 * once, validating every row (errors name file, line and column) and finding label classes:
 * files up to `maxInMemoryBytes` keep the encoded samples in memory and behave like
 * {@link fromArrays}; bigger ones are re-read every epoch ({@link StreamedData}).
 *
 * @example
 * ```ts
 * const data = tabularData(csvReader('iris.csv', {}), { label: 'species', oneHot: 'auto' });
 * ```
 */
export function tabularData(reader: TabularReader, options: TabularOptions): TrainingData {
  const max = options.maxInMemoryBytes ?? DEFAULT_MAX_IN_MEMORY;
  if (!(typeof max === 'number' && max >= 0)) throw invalidValue('maxInMemoryBytes', max, 'a number of bytes >= 0');
  if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'int32') {
    throw invalidValue('dtype', options.dtype, "'float32' or 'int32'");
  }
  const { label } = options;
  const labels = typeof label === 'string' ? [label] : label;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string' && l !== '')) {
    throw invalidValue('label', label, 'a column name or a non-empty list of them');
  }
  new LabelEncoder(labels, options.oneHot, () => ''); // checks `oneHot` now rather than on first use
  const buffer = options.shuffleBuffer;
  if (buffer !== undefined && !(Number.isSafeInteger(buffer) && buffer >= 1)) {
    throw invalidValue('shuffleBuffer', buffer, 'an integer >= 1');
  }
  return new LazyData(() => load(reader, options, max));
}

async function load(reader: TabularReader, options: TabularOptions, maxBytes: number): Promise<TrainingData> {
  const bytes = reader.bytes ? await reader.bytes() : await fileSize(reader.file);
  const { labels, features } = resolveColumns(
    await reader.columns(),
    options.label,
    options.features,
    reader.file,
    reader.noun,
  );
  const selected = [...features, ...labels];
  const encoder = new LabelEncoder(labels, options.oneHot, (line, column) => reader.locate(line, column));
  const inMemory = bytes <= maxBytes;
  const x = new Growable();
  const rawLabels: unknown[][] = [];
  let widths: number[] = [];
  let xWidth = 0;
  let scratch = new Float32Array(0);
  let n = 0;
  for await (const row of reader.rows(selected)) {
    const featureCells = row.cells.slice(0, features.length);
    const labelCells = row.cells.slice(features.length);
    if (n === 0) {
      widths = featureCells.map(cellWidth);
      xWidth = widths.reduce((a, b) => a + b, 0);
      scratch = new Float32Array(xWidth);
    }
    const offset = inMemory ? x.reserve(xWidth) : 0; // before reading x.values: reserve may grow it
    writeFeatures(reader, features, widths, featureCells, row.line, inMemory ? x.values : scratch, offset);
    encoder.observe(labelCells, row.line);
    if (inMemory) rawLabels.push(labelCells);
    n++;
  }
  if (n === 0) throw fileError(reader.file, 'it has no data rows');
  encoder.finish();
  const xDtype = options.dtype ?? 'float32';
  if (inMemory) {
    const y = new Float32Array(n * encoder.width);
    for (let i = 0; i < n; i++) encoder.encode(rawLabels[i]!, 0, y, i * encoder.width);
    const xs = { values: x.values.subarray(0, n * xWidth), shape: [n, xWidth], dtype: xDtype };
    return fromArrays(xs, { values: y, shape: [n, encoder.width] });
  }
  const rowBytes = (xWidth + encoder.width) * 4 + 200; // typed arrays plus object overhead
  const shuffleBuffer = options.shuffleBuffer ?? Math.max(1024, Math.floor(maxBytes / 4 / rowBytes));
  const source: RowSource = {
    total: n,
    xWidth,
    yWidth: encoder.width,
    xDtype,
    shuffleBuffer,
    async *rows() {
      for await (const row of reader.rows(selected)) {
        const sample = { x: new Float32Array(xWidth), y: new Float32Array(encoder.width) };
        writeFeatures(reader, features, widths, row.cells.slice(0, features.length), row.line, sample.x, 0);
        encoder.encode(row.cells.slice(features.length), row.line, sample.y, 0);
        yield sample;
      }
    },
  };
  return new StreamedData(source, { start: 0, end: n, shard: NO_SHARD }, true);
}

function fileSize(file: string): Promise<number> {
  return fs.stat(file).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      throw fileError(file, err.code === 'ENOENT' ? 'the file does not exist' : err.message, err);
    },
  );
}

function writeFeatures(
  reader: TabularReader,
  names: string[],
  widths: number[],
  cells: unknown[],
  line: number,
  out: Float32Array,
  offset: number,
): void {
  for (let i = 0; i < cells.length; i++) {
    writeCell(cells[i], out, offset, widths[i]!, () => reader.locate(line, names[i]!));
    offset += widths[i]!;
  }
}
