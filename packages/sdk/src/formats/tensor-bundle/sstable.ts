/**
 * The leveldb table ("SSTable") format TensorFlow keeps in `xla/tsl/lib/io/` and uses for a
 * tensor bundle's `.index` file. Layout, as written by table_builder.cc:
 *
 *   data block* | metaindex block | index block | footer (48 bytes)
 *
 * - A block (block_builder.cc) is a run of entries `varint shared | varint unshared |
 *   varint value_length | key[shared:] | value`, keys prefix-compressed against the previous
 *   key, except at a restart point (every `block_restart_interval` = 16 keys, table_options.h)
 *   where shared = 0; then `uint32 restart_offset[n] | uint32 n`, all little-endian.
 * - Each stored block is followed by a 5-byte trailer: compression type (0 = none; bundles are
 *   never compressed, tensor_bundle.cc) and the *masked* CRC-32C of block + type byte.
 * - The index block (restart interval 1) maps, per data block, a key >= its last key and < the
 *   next block's first key (FindShortestSeparator / FindShortSuccessor) to a BlockHandle
 *   `varint64 offset | varint64 size` (format.cc). The metaindex block is empty.
 * - The footer holds the metaindex and index handles, zero-padded to 40 bytes, then the magic
 *   0xdb4775248b80fb57 as two little-endian uint32s, low half first (format.h).
 * - A data block is cut once its size estimate reaches `block_size` = 256 KiB.
 */
import { TfscaleError } from '../../core/errors';
import { crc32c, maskCrc32c, unmaskCrc32c } from '../crc32c';
import { ByteCursor, encodeVarint, putVarint } from './varint';

const MAGIC_LO = 0x8b80fb57;
const MAGIC_HI = 0xdb477524;
const FOOTER_BYTES = 48;
const TRAILER_BYTES = 5;

/**
 * One key/value pair of a table. Keys are compared as raw bytes (`Buffer.compare`), TensorFlow's
 * `std::string` order.
 *
 * @example
 * ```ts
 * const entry: TableEntry = { key: Buffer.from('w'), value: Buffer.from([1, 2]) };
 * ```
 */
export interface TableEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/**
 * Knobs of {@link buildTable}; the defaults are TensorFlow's (table_options.h).
 *
 * @example
 * ```ts
 * buildTable(entries, { blockSize: 4096 }); // many small blocks, e.g. to test the index
 * ```
 */
export interface TableBuildOptions {
  /** Cut a data block once it holds about this many bytes (default 262144). */
  readonly blockSize?: number;
  /** Store a full key every this many keys (default 16). */
  readonly restartInterval?: number;
}

class BlockBuilder {
  private parts: Buffer[] = [];
  private bytes = 0;
  private restarts = [0];
  private counter = 0;
  private lastKey: Buffer = Buffer.alloc(0);

  constructor(private readonly restartInterval: number) {}

  get empty(): boolean {
    return this.bytes === 0;
  }

  get sizeEstimate(): number {
    return this.bytes + 4 * this.restarts.length + 4;
  }

  add(key: Buffer, value: Buffer): void {
    let shared = 0;
    if (this.counter < this.restartInterval) {
      const max = Math.min(key.length, this.lastKey.length);
      while (shared < max && key[shared] === this.lastKey[shared]) shared++;
    } else {
      this.restarts.push(this.bytes);
      this.counter = 0;
    }
    const head: number[] = [];
    putVarint(head, shared);
    putVarint(head, key.length - shared);
    putVarint(head, value.length);
    this.push(Buffer.from(head), key.subarray(shared), value);
    this.lastKey = key;
    this.counter++;
  }

  /** The finished block bytes; the builder starts over empty. */
  finish(): Buffer {
    const tail = Buffer.alloc(4 * this.restarts.length + 4);
    for (const [i, offset] of this.restarts.entries()) tail.writeUInt32LE(offset, 4 * i);
    tail.writeUInt32LE(this.restarts.length, 4 * this.restarts.length);
    const block = Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.bytes = 0;
    this.restarts = [0];
    this.counter = 0;
    this.lastKey = Buffer.alloc(0);
    return block;
  }

  private push(...buffers: Buffer[]): void {
    for (const b of buffers) {
      this.parts.push(b);
      this.bytes += b.length;
    }
  }
}

/** Shortest key k with start <= k < limit (table_builder.cc FindShortestSeparator). */
function shortestSeparator(start: Buffer, limit: Buffer): Buffer {
  const max = Math.min(start.length, limit.length);
  let i = 0;
  while (i < max && start[i] === limit[i]) i++;
  if (i >= max) return start; // one is a prefix of the other
  const byte = start[i]!;
  if (byte < 0xff && byte + 1 < limit[i]!) return Buffer.concat([start.subarray(0, i), Buffer.from([byte + 1])]);
  return start;
}

/** Shortest key >= `key` (table_builder.cc FindShortSuccessor). */
function shortSuccessor(key: Buffer): Buffer {
  const i = key.findIndex((byte) => byte !== 0xff);
  return i < 0 ? key : Buffer.concat([key.subarray(0, i), Buffer.from([key[i]! + 1])]);
}

/**
 * Serializes entries, in strictly increasing bytewise key order, to a complete table file —
 * byte for byte what TensorFlow's `table::TableBuilder` writes without compression.
 *
 * @example
 * ```ts
 * fs.writeFileSync('x.index', buildTable([{ key: Buffer.from(''), value: headerBytes }]));
 * ```
 */
export function buildTable(entries: Iterable<TableEntry>, options: TableBuildOptions = {}): Buffer {
  const blockSize = options.blockSize ?? 262_144;
  const out: Buffer[] = [];
  let offset = 0;
  const writeBlock = (block: BlockBuilder): Buffer => {
    const contents = block.finish();
    const trailer = Buffer.alloc(TRAILER_BYTES); // type 0: no compression
    trailer.writeUInt32LE(maskCrc32c(crc32c(Buffer.concat([contents, trailer.subarray(0, 1)]))), 1);
    out.push(contents, trailer);
    const handle = Buffer.concat([encodeVarint(offset), encodeVarint(contents.length)]);
    offset += contents.length + TRAILER_BYTES;
    return handle;
  };

  const data = new BlockBuilder(options.restartInterval ?? 16);
  const index = new BlockBuilder(1);
  let lastKey: Buffer | undefined;
  let pendingHandle: Buffer | undefined; // written block awaiting its index entry
  const flush = () => {
    if (!data.empty) pendingHandle = writeBlock(data);
  };
  for (const { key, value } of entries) {
    if (lastKey !== undefined) {
      if (Buffer.compare(key, lastKey) <= 0) throw unsorted(key, lastKey);
      if (key.length + value.length >= 2 * blockSize) flush(); // an overly large entry gets its own block
    }
    if (pendingHandle) {
      index.add(shortestSeparator(lastKey!, key), pendingHandle);
      pendingHandle = undefined;
    }
    lastKey = key;
    data.add(key, value);
    if (data.sizeEstimate >= blockSize) flush();
  }
  flush();
  const metaindexHandle = writeBlock(new BlockBuilder(16));
  if (pendingHandle) index.add(shortSuccessor(lastKey!), pendingHandle);
  const indexHandle = writeBlock(index);

  const footer = Buffer.alloc(FOOTER_BYTES);
  Buffer.concat([metaindexHandle, indexHandle]).copy(footer);
  footer.writeUInt32LE(MAGIC_LO, 40);
  footer.writeUInt32LE(MAGIC_HI, 44);
  out.push(footer);
  return Buffer.concat(out);
}

function unsorted(key: Buffer, previous: Buffer): TfscaleError {
  return new TfscaleError(
    'TFSCALE_E_INVALID_VALUE',
    `Invalid value for \`entries\`. Received: key ${JSON.stringify(key.toString())} after ${JSON.stringify(previous.toString())}. Expected: unique keys in increasing bytewise order.`,
    { hint: 'Sort the entries with Buffer.compare on their keys and drop duplicates.' },
  );
}

/**
 * Parses a table file: checks the footer magic and the CRC of the index block and of every data
 * block, and returns all entries in key order. Corruption throws `TFSCALE_E_BUNDLE_CORRUPT`.
 *
 * @example
 * ```ts
 * for (const { key, value } of readTable(fs.readFileSync('model.index'), 'model.index')) console.log(key.toString());
 * ```
 */
export function readTable(file: Buffer, source = 'table'): TableEntry[] {
  const fail = (what: string) =>
    new TfscaleError('TFSCALE_E_BUNDLE_CORRUPT', `${source} is not a valid table file: ${what}.`, {
      hint: 'The file is damaged or is not a TensorFlow checkpoint index; write it again.',
    });
  if (file.length < FOOTER_BYTES) throw fail(`${file.length} bytes is shorter than the 48-byte footer`);
  const footerAt = file.length - FOOTER_BYTES;
  if (file.readUInt32LE(footerAt + 40) !== MAGIC_LO || file.readUInt32LE(footerAt + 44) !== MAGIC_HI) {
    throw fail('bad magic number (not an sstable)');
  }
  const footer = new ByteCursor(file, footerAt, footerAt + 40);
  readHandle(footer, footerAt, fail); // metaindex: TensorFlow never reads it either
  const indexBlock = readBlock(file, readHandle(footer, footerAt, fail), 'index', fail);

  const entries: TableEntry[] = [];
  for (const { value } of blockEntries(indexBlock, 'index', fail)) {
    const handle = readHandle(new ByteCursor(value), footerAt, fail);
    for (const entry of blockEntries(readBlock(file, handle, `data at byte ${handle.offset}`, fail), 'data', fail)) {
      const last = entries.at(-1);
      if (last && Buffer.compare(entry.key, last.key) <= 0) throw fail('keys out of order');
      entries.push(entry);
    }
  }
  return entries;
}

interface BlockHandle {
  offset: number;
  size: number;
}

function readHandle(cursor: ByteCursor, limit: number, fail: (what: string) => Error): BlockHandle {
  const offset = cursor.varint();
  const size = cursor.varint();
  if (offset === undefined || size === undefined || offset + size + TRAILER_BYTES > limit) {
    throw fail('bad block handle');
  }
  return { offset, size };
}

function readBlock(file: Buffer, handle: BlockHandle, what: string, fail: (what: string) => Error): Buffer {
  const end = handle.offset + handle.size;
  const stored = unmaskCrc32c(file.readUInt32LE(end + 1));
  if (crc32c(file.subarray(handle.offset, end + 1)) !== stored) throw fail(`${what} block checksum mismatch`);
  if (file[end] !== 0) {
    throw new TfscaleError('TFSCALE_E_BUNDLE_UNSUPPORTED', `The ${what} block is compressed (type ${file[end]}).`, {
      hint: 'tfscale reads uncompressed tables only, which is what TensorFlow writes for checkpoints.',
    });
  }
  return file.subarray(handle.offset, end);
}

function* blockEntries(block: Buffer, what: string, fail: (what: string) => Error): Generator<TableEntry> {
  const bad = () => fail(`malformed ${what} block`);
  if (block.length < 4) throw bad();
  const restarts = block.readUInt32LE(block.length - 4);
  const entriesEnd = block.length - 4 - 4 * restarts;
  if (restarts < 1 || entriesEnd < 0) throw bad();
  const cursor = new ByteCursor(block, 0, entriesEnd);
  let key = Buffer.alloc(0);
  while (cursor.remaining > 0) {
    const shared = cursor.varint();
    const unshared = cursor.varint();
    const valueLength = cursor.varint();
    if (shared === undefined || unshared === undefined || valueLength === undefined || shared > key.length) {
      throw bad();
    }
    const delta = cursor.bytes(unshared);
    const value = cursor.bytes(valueLength);
    if (!delta || !value) throw bad();
    key = Buffer.concat([key.subarray(0, shared), delta]);
    yield { key, value };
  }
}
