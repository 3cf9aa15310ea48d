import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { dataSourceSchema } from '../../config/data-schema';
import { isDataset } from '../../config/runtime-values';
import { invalidValue, TfscaleError } from '../../core/errors';
import { fromArrays } from './array-data';
import { fromCsv } from './csv-data';
import { fromJsonl } from './jsonl-data';
import type { ArrayInput } from './tensor-input';
import { fromTfDataset } from './tfjs-dataset-data';
import { fromTfrecord, type TfRecordCompression } from './tfrecord-data';
import type { TrainingData } from './training-data';

/**
 * A data source as a run definition names it (`data.train`, `data.validation`): a CSV, JSON
 * Lines or TFRecord file, in-memory `{ x, y }`, or a tfjs Dataset.
 * @example
 *   const source: DataSource = { csv: 'data/digits.csv', label: 'label' };
 */
export type DataSource = z.output<typeof dataSourceSchema>;

/**
 * Options of {@link toTrainingData}.
 * @example
 *   const options: ToTrainingDataOptions = { baseDir: path.dirname(runFile) };
 */
export interface ToTrainingDataOptions {
  /** Folder that relative file paths resolve against: the run file's (default: the cwd). */
  baseDir?: string;
}

function isTrainingData(value: unknown): value is TrainingData {
  const v = value as Partial<TrainingData> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    ['batches', 'split', 'shard'].every((m) => typeof v[m as keyof TrainingData] === 'function')
  );
}

/**
 * A file location: absolute or relative to `baseDir`, or a `file://` URL. Other URL schemes are
 * rejected with a coded error until remote sources ship.
 * @example
 *   resolveDataPath('data/train.csv', '/runs/mnist'); // '/runs/mnist/data/train.csv'
 */
export function resolveDataPath(location: string, baseDir = process.cwd()): string {
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === 'file') return fileURLToPath(location);
  if (scheme !== undefined) {
    throw new TfscaleError(
      'TFSCALE_E_SCHEME_UNSUPPORTED',
      `Data files can only be read from disk; received a ${scheme}:// URL: ${location}.`,
      {
        hint: 'Download the file first and give its local path.',
      },
    );
  }
  return path.resolve(baseDir, location);
}

/**
 * Turns a run definition's data source into {@link TrainingData} (synchronously: files load on
 * first use, or on `await data.ready?.()`). A TrainingData passes through unchanged. The caller
 * owns the result and calls `dispose?.()` when done.
 *
 * @example
 * ```ts
 * const train = toTrainingData({ csv: 'data/digits.csv', label: 'label' }, { baseDir: path.dirname(runFile) });
 * const pairs = toTrainingData({ x: [[0], [1]], y: [[1], [0]] });
 * ```
 */
export function toTrainingData(source: DataSource | TrainingData, options: ToTrainingDataOptions = {}): TrainingData {
  if (isTrainingData(source)) return source;
  if (isDataset(source)) return fromTfDataset(source);
  const s = source as Record<string, unknown>;
  if (typeof s === 'object' && s !== null) {
    const { label, features } = s as { label: string | string[]; features?: string[] };
    if ('csv' in s) {
      const delimiter = s.delimiter as string | undefined;
      return fromCsv(resolveDataPath(s.csv as string, options.baseDir), { label, features, delimiter });
    }
    if ('jsonl' in s) return fromJsonl(resolveDataPath(s.jsonl as string, options.baseDir), { label, features });
    if ('tfrecord' in s) {
      const entries = typeof s.tfrecord === 'string' ? [s.tfrecord] : (s.tfrecord as string[]);
      const files = Array.isArray(entries) ? entries.map((f) => resolveDataPath(f, options.baseDir)) : entries;
      const compressionType = s.compressionType as TfRecordCompression | undefined;
      return fromTfrecord(files, { label, features, compressionType });
    }
    if ('x' in s && 'y' in s) return fromArrays(s.x as ArrayInput, s.y as ArrayInput);
  }
  throw invalidValue(
    'data',
    source,
    '{ csv, label }, { jsonl, label }, { tfrecord, label }, { x, y } with tensors or arrays, or a tfjs Dataset',
  );
}
