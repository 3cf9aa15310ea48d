import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { invalidValue, isTfscaleError } from '../../core/errors';
import { dataError, fileError } from './data-errors';
import { type TabularOptions, type TabularReader, type TabularRow, tabularData } from './tabular-data';
import type { TrainingData } from './training-data';

/**
 * Options of {@link fromJsonl}: those of every tabular source, with JSON keys for columns.
 * @example
 *   const options: JsonlOptions = { label: 'y', features: ['image'], oneHot: 10 };
 */
export type JsonlOptions = TabularOptions;

interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

async function* objects(file: string): AsyncGenerator<JsonLine> {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (let text of lines) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw dataError(
          `${file}:${line}`,
          text,
          'one JSON object per line',
          `JSON.parse says: ${(err as Error).message}`,
        );
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw dataError(`${file}:${line}`, value, 'a JSON object ({ "key": value, … })');
      }
      yield { line, value: value as Record<string, unknown> };
    }
  } catch (err) {
    if (isTfscaleError(err)) throw err;
    const io = err as NodeJS.ErrnoException;
    throw fileError(file, io.code === 'ENOENT' ? 'the file does not exist' : io.message, err);
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * Reads JSON Lines files for {@link tabularData}: one object per line, blank lines skipped. The
 * columns are the first object's keys; values are numbers, booleans, numeric strings, nested
 * number arrays (flattened, e.g. an image), or class-name strings in a label.
 *
 * @example
 * ```ts
 * const reader = jsonlReader('data/train.jsonl');
 * ```
 */
export function jsonlReader(file: string): TabularReader {
  let keys: string[] | undefined;
  const columns = async (): Promise<string[]> => {
    if (keys) return keys;
    for await (const { value } of objects(file)) {
      keys = Object.keys(value);
      return keys;
    }
    throw fileError(file, 'the file has no JSON objects');
  };
  return {
    file,
    noun: 'key',
    columns,
    locate: (line, key) => `${file}:${line}, key \`${key}\``,
    async *rows(selected: string[]): AsyncGenerator<TabularRow> {
      await columns();
      for await (const { line, value } of objects(file)) {
        yield { line, cells: selected.map((key) => value[key]) };
      }
    },
  };
}

/**
 * Training data from a JSON Lines file (one JSON object per line), with the semantics and errors
 * of {@link fromCsv}: keys are columns, array values are flattened into the feature row.
 *
 * @example
 * ```ts
 * // {"x1": 0.5, "x2": [1, 2], "label": "cat"}
 * const data = fromJsonl('data/train.jsonl', { label: 'label', oneHot: 'auto' });
 * ```
 */
export function fromJsonl(file: string, options: JsonlOptions): TrainingData {
  if (typeof file !== 'string' || file === '') throw invalidValue('jsonl', file, 'a file path');
  return tabularData(jsonlReader(file), options);
}
