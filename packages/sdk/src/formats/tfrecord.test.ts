import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCodedError } from '../testing/conformance/helpers';
import { encodeTfRecord, readTfRecordFile, readTfRecordFileSync, readTfRecords, TfRecordWriter } from './tfrecord';

/** `tf.io.TFRecordWriter` (TF 2.21) output for the records b'', b'hello' and bytes(range(256)). */
const TF_WRITTEN = Buffer.from(
  `000000000000000029039807d8ea82a20500000000000000eab2043e68656c6c6fbb1f1c19000100000000000` +
    `02fb308df${Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex')}60231ad3`,
  'hex',
);
const RECORDS = [Buffer.alloc(0), Buffer.from('hello'), Buffer.from(Array.from({ length: 256 }, (_, i) => i))];

async function collect(iterable: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

describe('formats/tfrecord', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-tfrecord-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('frames records byte for byte as TensorFlow does', () => {
    assert.deepEqual(Buffer.concat(RECORDS.map(encodeTfRecord)), TF_WRITTEN);
  });

  it('reads a file TensorFlow wrote, sync and streamed (tiny chunks cross every boundary)', async () => {
    assert.deepEqual([...readTfRecords(TF_WRITTEN)], RECORDS);
    const path = join(dir, 'tf.tfrecord');
    writeFileSync(path, TF_WRITTEN);
    assert.deepEqual([...readTfRecordFileSync(path)], RECORDS);
    assert.deepEqual(await collect(readTfRecordFile(path, { chunkBytes: 5 })), RECORDS);
    assert.deepEqual(await collect(readTfRecordFile(path)), RECORDS);
  });

  it('round-trips through the writer: flush appends in order, append mode keeps old records', async () => {
    const path = join(dir, 'rt.tfrecord');
    const writer = await TfRecordWriter.open(path);
    writer.write(RECORDS[0]!);
    writer.write(RECORDS[1]!);
    assert.equal(writer.pendingBytes, 12 + 0 + 4 + 12 + 5 + 4);
    await writer.flush();
    assert.equal(writer.pendingBytes, 0);
    assert.deepEqual([...readTfRecordFileSync(path)], RECORDS.slice(0, 2));
    writer.write(RECORDS[2]!);
    await writer.close();
    assert.deepEqual(readFileSync(path), TF_WRITTEN);

    const again = await TfRecordWriter.open(path, { append: true });
    const big = Buffer.alloc(200_000, 7);
    again.write(big);
    await again.close();
    assert.deepEqual(await collect(readTfRecordFile(path, { chunkBytes: 1024 })), [...RECORDS, big]);
    assert.deepEqual([...readTfRecordFileSync(path)].length, 4);
  });

  it('refuses writes after close with a coded error', async () => {
    const writer = await TfRecordWriter.open(join(dir, 'closed.tfrecord'));
    await writer.close();
    await writer.close(); // idempotent
    assert.equal(writer.closed, true);
    await expectCodedError(() => writer.write(Buffer.from('x')), 'TFSCALE_E_WRITER_CLOSED');
  });

  it('detects a corrupted payload and a corrupted length, naming the record', async () => {
    const badData = Buffer.from(TF_WRITTEN);
    badData[12 + 4 + 12 + 1] ^= 0x01; // 'hello' -> 'hdllo'
    const err = await expectCodedError(
      () => [...readTfRecords(badData, { source: 'x.tfrecord' })],
      'TFSCALE_E_TFRECORD_CORRUPT',
    );
    assert.match(err.message, /^TFRecord x\.tfrecord: record #1 at byte 16 fails its data CRC check/);
    assert.match(err.message, /HINT: .*the 1 record\(s\) before it are intact/);

    const badLength = Buffer.from(TF_WRITTEN);
    badLength[16] = 6;
    const lengthErr = await expectCodedError(() => [...readTfRecords(badLength)], 'TFSCALE_E_TFRECORD_CORRUPT');
    assert.match(lengthErr.message, /record #1 at byte 16 fails its length CRC check/);

    const path = join(dir, 'corrupt.tfrecord');
    writeFileSync(path, badData);
    await expectCodedError(() => collect(readTfRecordFile(path, { chunkBytes: 7 })), 'TFSCALE_E_TFRECORD_CORRUPT');
  });

  it('reports a truncated tail distinctly, or stops before it on request', async () => {
    for (const cut of [TF_WRITTEN.length - 1, TF_WRITTEN.length - 100, 37 + 5]) {
      const bytes = TF_WRITTEN.subarray(0, cut);
      const err = await expectCodedError(() => [...readTfRecords(bytes)], 'TFSCALE_E_TFRECORD_TRUNCATED');
      assert.match(err.message, /ends inside record #2 \(starting at byte 37/);
      assert.match(err.message, /HINT: If a writer still has the file open/);
      assert.deepEqual([...readTfRecords(bytes, { truncatedTail: 'stop' })], RECORDS.slice(0, 2));

      const path = join(dir, `cut-${cut}.tfrecord`);
      writeFileSync(path, bytes);
      await expectCodedError(() => collect(readTfRecordFile(path, { chunkBytes: 3 })), 'TFSCALE_E_TFRECORD_TRUNCATED');
      assert.deepEqual(await collect(readTfRecordFile(path, { truncatedTail: 'stop' })), RECORDS.slice(0, 2));
    }
  });
});
