import { invalidValue, TfscaleError } from '../../core/errors';
import { decodeTfExample, type ExampleRecord, type FeatureValue } from '../../formats/tf-example';
import { dataError, fileError, plain } from './data-errors';
import { type TabularOptions, type TabularReader, type TabularRow, tabularData } from './tabular-data';
import { expandTfRecordFiles, type TfRecordCompression, tfRecordBytes, tfRecordsOf } from './tfrecord-files';
import type { TrainingData } from './training-data';

export type { TfRecordCompression } from './tfrecord-files';

/**
 * Options of {@link fromTfrecord}: those of every tabular source (tf.Example features are the
 * columns), plus the files' compression.
 * @example
 *   const options: TfrecordOptions = { label: 'label', features: ['pixels'], compressionType: 'GZIP' };
 */
export interface TfrecordOptions extends TabularOptions {
  /** As TFRecordDataset's `compression_type` (default `''`, uncompressed). */
  compressionType?: TfRecordCompression;
}

/** A feature's values as a cell: absent or empty → undefined, one value → scalar, else a list. */
function cellOf(feature: FeatureValue | undefined): unknown {
  if (feature === undefined || feature.values.length === 0) return undefined;
  const values = feature.kind === 'bytes' ? feature.values.map((v) => Buffer.from(v).toString('utf8')) : feature.values;
  return values.length === 1 ? values[0] : values;
}

const KIND_NAMES = { float: 'a float_list', int64: 'an int64_list', bytes: 'a bytes_list' } as const;

function checkKind(
  kinds: Map<string, FeatureValue['kind']>,
  f: FeatureValue | undefined,
  name: string,
  at: () => string,
) {
  if (f === undefined) return;
  const first = kinds.get(name);
  if (first === undefined) kinds.set(name, f.kind);
  else if (first !== f.kind) {
    throw dataError(at(), plain(KIND_NAMES[f.kind]), `${KIND_NAMES[first]}, as in the records before`);
  }
}

function decode(record: Buffer, file: string, index: number): ExampleRecord {
  try {
    return decodeTfExample(record);
  } catch (err) {
    if (!(err instanceof TfscaleError)) throw err;
    throw new TfscaleError(err.code, `TFRecord ${file}: record #${index}: ${err.summary}`, {
      ...(err.hint === undefined ? {} : { hint: err.hint }),
      cause: err,
    });
  }
}

/**
 * Reads tf.Example records from TFRecord files for {@link tabularData}: features are the columns
 * (the first record's names), read like `tf.io.parse_example` with a `FixedLenFeature` each —
 * every record needs every selected feature, of the same list type and with as many values as in
 * the first record; float and int64 lists become numbers (flattened into the feature row), bytes UTF-8 strings (class names
 * in a label). Rows are numbered by record across all files; messages say file and record index.
 *
 * @example
 * ```ts
 * const reader = tfrecordReader(['data/train-00000-of-00002', 'data/train-00001-of-00002'], 'GZIP');
 * ```
 */
export function tfrecordReader(entries: string[], compression: TfRecordCompression = ''): TabularReader {
  if (entries.length === 0) throw invalidValue('tfrecord', entries, 'at least one file');
  if (!['', 'GZIP', 'ZLIB'].includes(compression)) {
    throw invalidValue('compressionType', compression, "'', 'GZIP' or 'ZLIB'");
  }
  const label = entries.length === 1 ? entries[0]! : `${entries[0]} (and ${entries.length - 1} more)`;
  let expanded: string[] | undefined;
  const list = (): string[] => {
    expanded ??= expandTfRecordFiles(entries);
    return expanded;
  };
  /** Global record index at which each file starts, filled in as passes reach it. */
  const starts: number[] = [];
  let names: string[] | undefined;
  const columns = async (): Promise<string[]> => {
    if (names) return names;
    for (const file of list()) {
      for await (const record of tfRecordsOf(file, compression)) {
        names = Object.keys(decode(record, file, 0));
        if (names.length === 0) throw fileError(file, 'its first record is a tf.Example without features');
        return names;
      }
    }
    throw fileError(label, 'there are no records');
  };
  const where = (index: number): string => {
    let f = 0;
    while (f + 1 < starts.length && starts[f + 1]! <= index) f++;
    return `${list()[f]}, record #${index - (starts[f] ?? 0)}`;
  };
  const locate = (index: number, feature: string): string => `${where(index)}, feature \`${feature}\``;
  /** Each feature's list type, fixed by the first record that has it (FixedLenFeature's dtype). */
  const kinds = new Map<string, FeatureValue['kind']>();
  return {
    file: label,
    noun: 'feature',
    columns,
    bytes: () => tfRecordBytes(list(), compression),
    locate,
    async *rows(selected: string[]): AsyncGenerator<TabularRow> {
      await columns();
      const files = list();
      let index = 0;
      for (let f = 0; f < files.length; f++) {
        const file = files[f]!;
        starts[f] = index;
        let local = 0;
        for await (const record of tfRecordsOf(file, compression)) {
          const example = decode(record, file, local++);
          for (const name of selected) checkKind(kinds, example[name], name, () => locate(index, name));
          yield { line: index++, cells: selected.map((name) => cellOf(example[name])) };
        }
      }
    },
  };
}

/**
 * Training data from TFRecord files of `tf.train.Example` records (what `tf.io.TFRecordWriter`
 * and TFX ExampleGen write), with the semantics of {@link fromCsv}: fixed-length numeric features
 * concatenated into a float32 `[n, width]` input, the label feature(s) the target (numbers, class
 * ids or — bytes — class names), in-memory or streamed by size, seeded shuffling, Keras' split
 * and sharding. `files` may use wildcards in the file name (`train-*.tfrecord`, sorted), and are
 * read in order as one stream. A record lacking a selected feature is an error naming the file and
 * record; CRC mismatches and truncated files are `TFSCALE_E_TFRECORD_CORRUPT` / `_TRUNCATED`.
 *
 * @example
 * ```ts
 * const data = fromTfrecord('data/train-*.tfrecord.gz', { label: 'label', oneHot: 10, compressionType: 'GZIP' });
 * await data.ready?.();
 * ```
 */
export function fromTfrecord(files: string | string[], options: TfrecordOptions): TrainingData {
  const { compressionType, ...tabular } = options;
  const list = typeof files === 'string' ? [files] : files;
  if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string' && f !== '')) {
    throw invalidValue('tfrecord', files, 'a file path or a non-empty list of them');
  }
  return tabularData(tfrecordReader(list, compressionType ?? ''), tabular);
}
