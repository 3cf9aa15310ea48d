/**
 * Reading and writing an Examples artifact's splits: `<uri>/Split-<name>/data.tfrecord`, one
 * serialized tf.Example per record (TFX's layout, uncompressed), streamed record by record.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { invalidValue } from '../core/errors';
import { decodeTfExample, type ExampleRecord, encodeTfExample } from '../formats/tf-example';
import { readTfRecordFile, TfRecordWriter } from '../formats/tfrecord';
import type { Artifact, PropertyValue } from './component';

/**
 * The TFRecord file of one split of an Examples artifact.
 * @example
 *   splitFile(examples.uri, 'train'); // '<uri>/Split-train/data.tfrecord'
 */
export function splitFile(uri: string, split: string): string {
  return path.join(uri, `Split-${split}`, 'data.tfrecord');
}

/**
 * The split names an Examples (or statistics) artifact records in its `split_names` property.
 * @example
 *   splitNames(examples); // ['train', 'eval']
 */
export function splitNames(artifact: { properties: Record<string, PropertyValue> }): string[] {
  const v = artifact.properties.split_names;
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? (JSON.parse(v) as string[]) : [];
}

/**
 * Streams one split's tf.Examples.
 * @example
 *   for await (const ex of readSplit(ctx.inputs.examples, 'train')) count++;
 */
export async function* readSplit(examples: Artifact, split: string): AsyncGenerator<ExampleRecord> {
  const names = splitNames(examples);
  if (names.length && !names.includes(split)) throw invalidValue('split', split, `one of ${names.join(', ')}`);
  for await (const record of readTfRecordFile(splitFile(examples.uri, split))) yield decodeTfExample(record);
}

/**
 * Writes tf.Examples into named splits, flushing every 1024 records so memory stays flat.
 * @example
 *   const w = new SplitWriter(out.uri); await w.write('train', ex); const counts = await w.close();
 */
export class SplitWriter {
  readonly #writers = new Map<string, { writer: Promise<TfRecordWriter>; count: number }>();
  constructor(readonly uri: string) {}

  async write(split: string, record: ExampleRecord | Uint8Array): Promise<void> {
    let entry = this.#writers.get(split);
    if (!entry) {
      const file = splitFile(this.uri, split);
      entry = {
        writer: fs.mkdir(path.dirname(file), { recursive: true }).then(() => TfRecordWriter.open(file)),
        count: 0,
      };
      this.#writers.set(split, entry);
    }
    const writer = await entry.writer;
    writer.write(record instanceof Uint8Array ? record : encodeTfExample(record));
    if (++entry.count % 1024 === 0) await writer.flush();
  }

  /** Closes every split file; resolves with record counts by split. */
  async close(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [split, e] of this.#writers) {
      await (await e.writer).close();
      counts[split] = e.count;
    }
    return counts;
  }
}
