/**
 * TFRecord files: each record is `uint64 LE length | masked crc32c(length) | data | masked
 * crc32c(data)` (tensorflow/core/lib/io/record_writer.cc). Event files (tfevents) and
 * `tf.data.TFRecordDataset` inputs use this framing.
 */
import { readFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { TfscaleError } from '../core/errors';
import { maskedCrc32c } from './crc32c';

const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
/** Largest single read, so a corrupt-but-CRC-valid huge length cannot demand a huge buffer. */
const MAX_READ_BYTES = 1 << 28;

/**
 * Frames one record (header, data, footer) as it is written to a TFRecord file.
 *
 * @example
 * ```ts
 * fs.appendFileSync('data.tfrecord', encodeTfRecord(Buffer.from('hello')));
 * ```
 */
export function encodeTfRecord(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + data.length + FOOTER_BYTES);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, HEADER_BYTES);
  out.writeUInt32LE(maskedCrc32c(data), HEADER_BYTES + data.length);
  return out;
}

/**
 * Options for the TFRecord readers.
 *
 * @example
 * ```ts
 * // Tail a file that a trainer is still writing: stop quietly at a half-written last record.
 * for (const record of readTfRecords(bytes, { truncatedTail: 'stop' })) handle(record);
 * ```
 */
export interface TfRecordReadOptions {
  /**
   * What to do when the data ends inside a record, which is what a file still being written
   * looks like: `'error'` (default) throws `TFSCALE_E_TFRECORD_TRUNCATED`; `'stop'` ends the
   * iteration after the last complete record.
   */
  readonly truncatedTail?: 'error' | 'stop';
  /** Name used in error messages (the file path for the file readers). */
  readonly source?: string;
}

/**
 * Parses the record at `offset`; `undefined` when `buf` ends inside it. `base` is the position
 * of `buf[0]` in the file, for error messages.
 */
function parseRecord(buf: Buffer, offset: number, index: number, source: string, base = 0): Buffer | undefined {
  if (buf.length - offset < HEADER_BYTES) return undefined;
  const lengthBytes = buf.subarray(offset, offset + 8);
  const storedLengthCrc = buf.readUInt32LE(offset + 8);
  if (maskedCrc32c(lengthBytes) !== storedLengthCrc) {
    throw corrupt(source, index, base + offset, 'length', storedLengthCrc, maskedCrc32c(lengthBytes));
  }
  const length = buf.readBigUInt64LE(offset);
  if (length > BigInt(buf.length - offset - HEADER_BYTES - FOOTER_BYTES)) return undefined;
  const start = offset + HEADER_BYTES;
  const data = buf.subarray(start, start + Number(length));
  const storedDataCrc = buf.readUInt32LE(start + data.length);
  if (maskedCrc32c(data) !== storedDataCrc) {
    throw corrupt(source, index, base + offset, 'data', storedDataCrc, maskedCrc32c(data));
  }
  return data;
}

function corrupt(source: string, index: number, offset: number, part: string, stored: number, actual: number) {
  const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
  return new TfscaleError(
    'TFSCALE_E_TFRECORD_CORRUPT',
    `TFRecord ${source}: record #${index} at byte ${offset} fails its ${part} CRC check (stored ${hex(stored)}, computed ${hex(actual)}).`,
    { hint: `The file is damaged from byte ${offset} on; the ${index} record(s) before it are intact.` },
  );
}

function truncated(source: string, index: number, offset: number, available: number) {
  return new TfscaleError(
    'TFSCALE_E_TFRECORD_TRUNCATED',
    `TFRecord ${source}: ends inside record #${index} (starting at byte ${offset}, ${available} byte(s) present).`,
    {
      hint: `If a writer still has the file open this is its unflushed tail: read again later, or pass { truncatedTail: 'stop' }. Otherwise the writer died mid-record; the ${index} record(s) before it are intact.`,
    },
  );
}

/**
 * Iterates the records of TFRecord bytes, verifying both CRCs of each. Throws
 * `TFSCALE_E_TFRECORD_CORRUPT` on a CRC mismatch and `TFSCALE_E_TFRECORD_TRUNCATED` when the
 * bytes end inside a record (unless `truncatedTail: 'stop'`). Records are views into `bytes`.
 *
 * @example
 * ```ts
 * for (const record of readTfRecords(fs.readFileSync('data.tfrecord'))) console.log(record.length);
 * ```
 */
export function* readTfRecords(bytes: Uint8Array, options: TfRecordReadOptions = {}): Generator<Buffer> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const source = options.source ?? '<bytes>';
  let offset = 0;
  for (let index = 0; offset < buf.length; index++) {
    const record = parseRecord(buf, offset, index, source);
    if (record === undefined) {
      if (options.truncatedTail === 'stop') return;
      throw truncated(source, index, offset, buf.length - offset);
    }
    yield record;
    offset += HEADER_BYTES + record.length + FOOTER_BYTES;
  }
}

/**
 * Reads a whole TFRecord file synchronously and iterates its records (see {@link readTfRecords}).
 *
 * @example
 * ```ts
 * const count = [...readTfRecordFileSync('train.tfrecord')].length;
 * ```
 */
export function readTfRecordFileSync(path: string, options: TfRecordReadOptions = {}): Generator<Buffer> {
  return readTfRecords(readFileSync(path), { source: path, ...options });
}

/**
 * Streams the records of a TFRecord file in chunks (memory stays near one record plus
 * `chunkBytes`), with the same checks and errors as {@link readTfRecords}. Each yielded record
 * is a fresh copy.
 *
 * @example
 * ```ts
 * for await (const record of readTfRecordFile('events.out.tfevents.1700000000.host')) decode(record);
 * ```
 */
export async function* readTfRecordFile(
  path: string,
  options: TfRecordReadOptions & { readonly chunkBytes?: number } = {},
): AsyncGenerator<Buffer> {
  const source = options.source ?? path;
  const chunkBytes = options.chunkBytes ?? 1 << 16;
  const file = await open(path, 'r');
  try {
    let buf = Buffer.alloc(0);
    let fileOffset = 0; // file position of buf[0]
    let index = 0;
    let eof = false;
    while (true) {
      let offset = 0;
      while (offset < buf.length) {
        const record = parseRecord(buf, offset, index, source);
        if (record === undefined) break;
        yield Buffer.from(record);
        offset += HEADER_BYTES + record.length + FOOTER_BYTES;
        index++;
      }
      buf = buf.subarray(offset);
      fileOffset += offset;
      if (eof) break;
      // Read at least what the pending record needs, so a large record is not read in slivers.
      const need = buf.length >= HEADER_BYTES ? HEADER_BYTES + Number(buf.readBigUInt64LE(0)) + FOOTER_BYTES : 0;
      const chunk = Buffer.allocUnsafe(Math.max(chunkBytes, Math.min(need - buf.length, MAX_READ_BYTES)));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) eof = true;
      else buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
    }
    if (buf.length > 0 && options.truncatedTail !== 'stop') {
      throw truncated(source, index, fileOffset, buf.length);
    }
  } finally {
    await file.close();
  }
}

/**
 * Streams the records of TFRecord bytes arriving in chunks (a decompressing stream, say), with
 * the checks and errors of {@link readTfRecords}; record indices and byte offsets count from the
 * start of the stream. Each yielded record is a fresh copy.
 *
 * @example
 * ```ts
 * const gunzipped = fs.createReadStream('train.tfrecord.gz').pipe(zlib.createGunzip());
 * for await (const record of readTfRecordStream(gunzipped, { source: 'train.tfrecord.gz' })) decode(record);
 * ```
 */
export async function* readTfRecordStream(
  chunks: AsyncIterable<Uint8Array>,
  options: TfRecordReadOptions = {},
): AsyncGenerator<Buffer> {
  const source = options.source ?? '<stream>';
  let buf = Buffer.alloc(0);
  let streamOffset = 0; // stream position of buf[0]
  let index = 0;
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    let offset = 0;
    while (offset < buf.length) {
      const record = parseRecord(buf, offset, index, source, streamOffset);
      if (record === undefined) break;
      yield Buffer.from(record);
      offset += HEADER_BYTES + record.length + FOOTER_BYTES;
      index++;
    }
    buf = buf.subarray(offset);
    streamOffset += offset;
  }
  if (buf.length > 0 && options.truncatedTail !== 'stop') throw truncated(source, index, streamOffset, buf.length);
}

/**
 * Options for {@link TfRecordWriter.open}.
 *
 * @example
 * ```ts
 * const options: TfRecordWriterOptions = { append: true };
 * ```
 */
export interface TfRecordWriterOptions {
  /** Keep existing records and add after them; the default truncates, like TensorFlow. */
  readonly append?: boolean;
}

/**
 * Writes TFRecord files: {@link write} frames and buffers a record in memory, {@link flush}
 * appends everything buffered to the file (flushes run one after another, in order), and
 * {@link close} flushes and closes. Writing after `close` throws `TFSCALE_E_WRITER_CLOSED`.
 *
 * @example
 * ```ts
 * const writer = await TfRecordWriter.open('data.tfrecord');
 * writer.write(example.serialize());
 * await writer.close();
 * ```
 */
export class TfRecordWriter {
  readonly #file: FileHandle;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    readonly path: string,
    file: FileHandle,
  ) {
    this.#file = file;
  }

  /** Opens (creating if needed) `path` for writing. */
  static async open(path: string, options: TfRecordWriterOptions = {}): Promise<TfRecordWriter> {
    return new TfRecordWriter(path, await open(path, options.append ? 'a' : 'w'));
  }

  /** Bytes framed but not yet handed to the file. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Frames `record` and buffers it until the next {@link flush}. */
  write(record: Uint8Array): void {
    if (this.#closed) {
      throw new TfscaleError('TFSCALE_E_WRITER_CLOSED', `Cannot write to TFRecord ${this.path}: it is closed.`);
    }
    const framed = encodeTfRecord(record);
    this.#pending.push(framed);
    this.#pendingBytes += framed.length;
  }

  /** Appends all buffered records to the file. A failed write fails this and every later flush. */
  flush(): Promise<void> {
    if (this.#pending.length > 0) {
      const bytes = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#queue = this.#queue.then(() => writeAll(this.#file, bytes));
    }
    return this.#queue;
  }

  /** Flushes and closes the file; calling it again is a no-op. */
  async close(): Promise<void> {
    if (this.#closed) return this.#queue;
    const flushed = this.flush();
    this.#closed = true;
    this.#queue = flushed.finally(() => this.#file.close());
    return this.#queue;
  }
}

async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}
