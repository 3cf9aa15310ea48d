import * as fs from 'node:fs';
import { type CsvError, parse } from 'csv-parse';
import { invalidValue } from '../../core/errors';
import { dataError, fileError, plain } from './data-errors';
import { type TabularOptions, type TabularReader, type TabularRow, tabularData } from './tabular-data';
import type { TrainingData } from './training-data';

/**
 * Options of {@link fromCsv}.
 * @example
 *   const options: CsvOptions = { label: 'label', delimiter: ';', oneHot: 10 };
 */
export interface CsvOptions extends TabularOptions {
  /** Whether the first line names the columns (default true). Without it columns are "0", "1", … */
  header?: boolean;
  /** Field separator, one character (default ','). */
  delimiter?: string;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function* records(file: string, delimiter: string): AsyncGenerator<CsvRecord> {
  const input = fs.createReadStream(file);
  const parser = parse({
    delimiter,
    info: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const record of parser) yield record as CsvRecord;
  } catch (err) {
    const csv = err as CsvError & { lines?: number; code?: string };
    if (typeof csv.code === 'string' && csv.code.startsWith('CSV_')) {
      throw fileError(`${file}:${csv.lines ?? '?'}`, csv.message, err, 'Check the quoting on that line.');
    }
    const io = err as NodeJS.ErrnoException;
    throw fileError(file, io.code === 'ENOENT' ? 'the file does not exist' : io.message, err);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/**
 * Reads CSV files for {@link tabularData}: fields are trimmed, empty lines skipped, and every
 * row must have as many fields as the header.
 *
 * @example
 * ```ts
 * const reader = csvReader('data/train.csv', { header: true });
 * ```
 */
export function csvReader(file: string, options: { header?: boolean; delimiter?: string } = {}): TabularReader {
  const header = options.header ?? true;
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n') {
    throw invalidValue('delimiter', delimiter, 'one character other than a quote or newline');
  }
  let names: string[] | undefined;
  const columns = async (): Promise<string[]> => {
    if (names) return names;
    for await (const { record } of records(file, delimiter)) {
      names = header ? record : record.map((_, i) => String(i));
      const twice = names.find((name, i) => names!.indexOf(name) !== i);
      if (twice !== undefined) throw fileError(file, `the header names column "${twice}" twice`);
      return names;
    }
    throw fileError(file, 'the file is empty');
  };
  return {
    file,
    noun: 'column',
    columns,
    locate: (line, column) => {
      const index = names?.indexOf(column) ?? -1;
      return `${file}:${line}, column ${index + 1} (\`${column}\`)`;
    },
    async *rows(selected: string[]): AsyncGenerator<TabularRow> {
      const all = await columns();
      const indices = selected.map((name) => all.indexOf(name));
      let first = header;
      for await (const { record, info } of records(file, delimiter)) {
        if (first) {
          first = false;
          continue;
        }
        if (record.length !== all.length) {
          const expected = `${all.length} fields, as in the ${header ? 'header' : 'first line'}`;
          throw dataError(
            `${file}:${info.lines}`,
            plain(`${record.length} fields`),
            expected,
            'Every row needs a value for every column.',
          );
        }
        yield { line: info.lines, cells: indices.map((i) => record[i]) };
      }
    },
  };
}

/**
 * Training data from a CSV file: numeric feature columns become a float32 `[n, features]` tensor,
 * the label column(s) the target — numbers as they are, class names or (with `oneHot`) integer
 * ids as class indices or one-hot rows. Files up to `maxInMemoryBytes` (256 MiB) load once; bigger
 * files stream every epoch through a seeded shuffle buffer (deterministic per seed and epoch;
 * `skip` reads and discards). Loads on first use; `await data.ready?.()` to load and validate now.
 *
 * @example
 * ```ts
 * const data = fromCsv('examples/data/digits/digits.csv', { label: 'label', oneHot: 10 });
 * await data.ready?.();
 * data.size; // 1797
 * ```
 */
export function fromCsv(file: string, options: CsvOptions): TrainingData {
  const { header, delimiter, ...tabular } = options;
  if (typeof file !== 'string' || file === '') throw invalidValue('csv', file, 'a file path');
  return tabularData(csvReader(file, { header, delimiter }), tabular);
}
