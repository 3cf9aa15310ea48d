/**
 * Reading TensorBoard event files back (tests, the VS Code metrics view, log converters).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEvent, type EventMessage } from './proto/tensorboard-messages';
import { readTfRecordFile, readTfRecordFileSync, type TfRecordReadOptions } from './tfrecord';

/**
 * Every event of an events file, CRC-checked. Pass `truncatedTail: 'stop'` to read a file a
 * writer still appends to.
 *
 * @example
 * ```ts
 * const [header, ...events] = readEventFileSync(path);
 * header.fileVersion; // 'brain.Event:2'
 * ```
 */
export function readEventFileSync(path: string, options: TfRecordReadOptions = {}): EventMessage[] {
  return Array.from(readTfRecordFileSync(path, options), decodeEvent);
}

/**
 * Streams the events of an events file (see {@link readEventFileSync}).
 *
 * @example
 * ```ts
 * for await (const event of readEventFile(path, { truncatedTail: 'stop' })) console.log(event.step);
 * ```
 */
export async function* readEventFile(path: string, options: TfRecordReadOptions = {}): AsyncGenerator<EventMessage> {
  for await (const record of readTfRecordFile(path, options)) yield decodeEvent(record);
}

/**
 * The events files directly inside `logDir` (TensorBoard's rule: the name contains `tfevents`),
 * sorted by name, i.e. by creation time.
 *
 * @example
 * ```ts
 * const files = listEventFiles('logs/train');
 * ```
 */
export function listEventFiles(logDir: string): string[] {
  return readdirSync(logDir)
    .filter((name) => name.includes('tfevents'))
    .sort()
    .map((name) => join(logDir, name));
}
