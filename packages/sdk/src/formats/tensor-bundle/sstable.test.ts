import assert from 'node:assert/strict';
import { expectCodedError } from '../../testing/conformance/helpers';
import { crc32c, maskCrc32c } from '../crc32c';
import { buildTable, readTable, type TableEntry } from './sstable';
import { ByteCursor, encodeVarint } from './varint';

const entry = (key: string | Buffer, value: string | Buffer): TableEntry => ({
  key: Buffer.from(key),
  value: Buffer.from(value),
});

/** `n` keys sharing long prefixes (so prefix compression and restarts matter), in bytewise order. */
function manyEntries(n: number): TableEntry[] {
  const keys = Array.from({ length: n }, (_, i) => `layer_${String(i).padStart(5, '0')}/kernel`);
  return keys.sort().map((k, i) => entry(k, Buffer.alloc(i % 7, i)));
}

describe('formats/tensor-bundle/sstable', () => {
  it('writes the 48-byte footer: two padded block handles, then the magic 0xdb4775248b80fb57 little-endian', () => {
    const table = buildTable([]);
    // Empty table: metaindex block (restart array [0], count 1) at 0 and the same empty index block after it.
    assert.equal(table.length, 13 + 13 + 48);
    const footer = table.subarray(-48);
    assert.deepEqual(footer.subarray(0, 6), Buffer.from([0, 8, 13, 8, 0, 0]));
    assert.deepEqual(footer.subarray(40), Buffer.from('57fb808b247547db', 'hex'));
    assert.deepEqual(readTable(table), []);
  });

  it('ends each block with type 0 and the masked CRC-32C of block + type byte', () => {
    const table = buildTable([entry('a', 'xyz')]);
    const block = Buffer.from([0, 1, 3, 0x61, 0x78, 0x79, 0x7a, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(table.subarray(0, block.length), block);
    assert.equal(table[block.length], 0);
    assert.equal(table.readUInt32LE(block.length + 1), maskCrc32c(crc32c(Buffer.concat([block, Buffer.from([0])]))));
  });

  it('round-trips thousands of entries across many blocks, restart points and binary keys', () => {
    const entries = [entry('', 'header'), ...manyEntries(3000), entry(Buffer.from([0xff, 0xff]), 'last')];
    for (const blockSize of [64, 4096, 262_144]) {
      assert.deepEqual(readTable(buildTable(entries, { blockSize })), entries);
    }
    assert.deepEqual(readTable(buildTable(entries, { restartInterval: 1 })), entries);
  });

  it('prefix-compresses keys, storing a full key every 16 entries (restart points)', () => {
    const table = buildTable(manyEntries(40));
    const block = table.subarray(0, readHandleSize(table));
    const restarts = block.readUInt32LE(block.length - 4);
    assert.equal(restarts, 3); // entries 0, 16 and 32
    const at16 = block.readUInt32LE(block.length - 4 - 8);
    assert.equal(block[at16], 0, 'a restart point shares nothing with the previous key');
  });

  it('gives an entry larger than two blocks a block of its own', () => {
    const big = entry('b', Buffer.alloc(300));
    const table = buildTable([entry('a', '1'), big, entry('c', '3')], { blockSize: 100 });
    assert.deepEqual(readTable(table), [entry('a', '1'), big, entry('c', '3')]);
  });

  it('refuses keys that are not strictly increasing bytewise', async () => {
    await expectCodedError(() => buildTable([entry('b', ''), entry('a', '')]), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => buildTable([entry('a', ''), entry('a', '')]), 'TFSCALE_E_INVALID_VALUE');
    // 'é' (c3 a9) sorts after 'z' bytewise.
    assert.doesNotThrow(() => buildTable([entry('z', ''), entry('é', '')]));
  });

  it('detects a bad magic, a flipped byte in any block and a truncated file', async () => {
    const table = buildTable(manyEntries(100), { blockSize: 512 });
    const flipped = (at: number) => {
      const copy = Buffer.from(table);
      copy[at] = copy[at]! ^ 0x01;
      return copy;
    };
    let err = await expectCodedError(() => readTable(flipped(table.length - 1), 'x.index'), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /x\.index .*bad magic number/);
    err = await expectCodedError(() => readTable(flipped(10)), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /data at byte 0 block checksum mismatch/);
    err = await expectCodedError(() => readTable(flipped(table.length - 60)), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /index block checksum mismatch/);
    await expectCodedError(() => readTable(table.subarray(0, 40)), 'TFSCALE_E_BUNDLE_CORRUPT');
    await expectCodedError(() => readTable(table.subarray(20)), 'TFSCALE_E_BUNDLE_CORRUPT');
  });

  it('refuses a compressed block (type 1) with a clear code', async () => {
    const table = Buffer.from(buildTable([entry('a', 'b')]));
    const size = readHandleSize(table);
    table[size] = 1;
    table.writeUInt32LE(maskCrc32c(crc32c(table.subarray(0, size + 1))), size + 1);
    await expectCodedError(() => readTable(table), 'TFSCALE_E_BUNDLE_UNSUPPORTED');
  });

  it('encodes varints up to 2^53 as TensorFlow PutVarint64 does', () => {
    assert.deepEqual(encodeVarint(0), Buffer.from([0]));
    assert.deepEqual(encodeVarint(300), Buffer.from([0xac, 0x02]));
    assert.deepEqual(encodeVarint(2 ** 32), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10]));
    for (const n of [127, 128, 2 ** 31, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      assert.equal(new ByteCursor(encodeVarint(n)).varint(), n);
    }
    assert.equal(new ByteCursor(Buffer.from([0x80])).varint(), undefined);
  });
});

/** The size of the first data block, from the index block's first handle. */
function readHandleSize(table: Buffer): number {
  const footer = new ByteCursor(table, table.length - 48);
  footer.varint();
  footer.varint();
  const indexOffset = footer.varint()!;
  const cursor = new ByteCursor(table, indexOffset);
  cursor.varint(); // shared
  const keyLength = cursor.varint()!;
  cursor.varint(); // value length
  cursor.bytes(keyLength);
  cursor.varint(); // offset
  return cursor.varint()!;
}
