import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCodedError } from '../../testing/conformance/helpers';
import { crc32c, maskCrc32c } from '../crc32c';
import { tensorflowRoot } from '../proto/proto-root';
import { readTensorBundleIndex } from './bundle-index';
import { readTensorBundle } from './bundle-reader';
import { writeTensorBundle } from './bundle-writer';
import { buildTable } from './sstable';
import { TF_SAVED } from './tf-saved-fixture.test';

const encode = (type: string, value: object) => {
  const t = tensorflowRoot().lookupType(`tensorflow.${type}`);
  return Buffer.from(t.encode(t.fromObject(value)).finish());
};

/** A one-tensor bundle written by hand, for entries our writer never produces. */
function handWritten(prefix: string, entry: object, data: Buffer, header: object = { numShards: 1 }): void {
  writeFileSync(`${prefix}.data-00000-of-00001`, data);
  const index = buildTable([
    { key: Buffer.alloc(0), value: encode('BundleHeaderProto', header) },
    { key: Buffer.from('t'), value: encode('BundleEntryProto', entry) },
  ]);
  writeFileSync(`${prefix}.index`, index);
}

describe('formats/tensor-bundle/bundle-reader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-bundle-reader-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a bundle TensorFlow wrote, in key order', async () => {
    const prefix = join(dir, 'tf');
    writeFileSync(`${prefix}.index`, TF_SAVED.index);
    writeFileSync(`${prefix}.data-00000-of-00001`, TF_SAVED.data);
    assert.deepEqual(await readTensorBundle(prefix), [
      { name: 'a', dtype: 'float32', shape: [3], data: new Float32Array([1, 2, 3]) },
      { name: 'b', dtype: 'int64', shape: [], data: new BigInt64Array([7n]) },
      { name: 'e', dtype: 'float32', shape: [0, 3], data: new Float32Array(0) },
      { name: 'es', dtype: 'string', shape: [0], data: [] },
      { name: 's', dtype: 'string', shape: [3], data: [Buffer.from('hi'), Buffer.alloc(0), Buffer.from('world')] },
      { name: 'z', dtype: 'bool', shape: [], data: new Uint8Array([1]) },
    ]);
    const index = await readTensorBundleIndex(prefix);
    assert.equal(index.numShards, 1);
    assert.deepEqual(index.entries[0], {
      name: 'a',
      dtype: 'float32',
      tfDtype: 'DT_FLOAT',
      shape: [3],
      shardId: 0,
      offset: 1,
      size: 12,
      crc32c: maskCrc32c(crc32c(TF_SAVED.data.subarray(1, 13))), // stored masked
      sliced: false,
    });
  });

  it('round-trips every dtype bit-exactly (NaN, -0, int64 extremes, non-UTF-8 bytes, 4-D)', async () => {
    const prefix = join(dir, 'rt');
    const f32 = new Float32Array([Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-45, 3.4028234663852886e38]);
    const tensors = [
      { name: 'f32', dtype: 'float32', shape: [5], data: f32 },
      { name: 'f64', dtype: 'float64', shape: [1, 2], data: new Float64Array([Number.MIN_VALUE, -1.5]) },
      { name: 'i32', dtype: 'int32', shape: [2, 1, 1, 2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 7]) },
      { name: 'i64', dtype: 'int64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
      { name: 'bool', dtype: 'bool', shape: [2], data: new Uint8Array([0, 1]) },
      { name: 'str', dtype: 'string', shape: [2], data: [Buffer.from([0xff, 0xfe, 0]), Buffer.alloc(200, 0x61)] },
    ] as const;
    await writeTensorBundle(prefix, tensors);
    const read = await readTensorBundle(prefix);
    assert.deepEqual(
      read.map((t) => t.name),
      ['bool', 'f32', 'f64', 'i32', 'i64', 'str'],
    );
    for (const t of tensors)
      assert.deepEqual(
        read.find((r) => r.name === t.name),
        t,
      );
    const [f] = await readTensorBundle(prefix, { names: ['f32'] });
    assert.deepEqual(Buffer.from((f!.data as Float32Array).buffer), Buffer.from(f32.buffer));
  });

  it('reads only the requested names, in the requested order, suggesting near misses', async () => {
    const prefix = join(dir, 'names');
    writeFileSync(`${prefix}.index`, TF_SAVED.index);
    writeFileSync(`${prefix}.data-00000-of-00001`, TF_SAVED.data);
    const got = await readTensorBundle(prefix, { names: ['z', 'a'] });
    assert.deepEqual(
      got.map((t) => t.name),
      ['z', 'a'],
    );
    await writeTensorBundle(join(dir, 'long'), [{ name: 'dense/kernel', dtype: 'int32', shape: [], data: [1] }]);
    const err = await expectCodedError(
      () => readTensorBundle(join(dir, 'long'), { names: ['dense/kernal'] }),
      'TFSCALE_E_INVALID_VALUE',
    );
    assert.match(err.message, /HINT: Did you mean "dense\/kernel"\?/);
  });

  it('detects a flipped data byte (tensor CRC), a flipped index byte (block CRC) and a missing shard', async () => {
    const prefix = join(dir, 'c');
    await writeTensorBundle(prefix, [{ name: 'w', dtype: 'float32', shape: [4], data: [1, 2, 3, 4] }]);
    const data = readFileSync(`${prefix}.data-00000-of-00001`);
    data[5] = data[5]! ^ 0x40;
    writeFileSync(`${prefix}.data-00000-of-00001`, data);
    let err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /Tensor "w" of bundle .*: its data fails the CRC check \(stored 0x[0-9a-f]{8}, computed/);
    await readTensorBundleIndex(prefix); // the index alone is fine

    const index = readFileSync(`${prefix}.index`);
    index[3] = index[3]! ^ 0x01;
    writeFileSync(`${prefix}.index`, index);
    err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /block checksum mismatch/);

    await writeTensorBundle(prefix, [{ name: 'w', dtype: 'float32', shape: [1], data: [1] }]);
    rmSync(`${prefix}.data-00000-of-00001`);
    err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_SHARD_MISSING');
    assert.match(err.message, /c\.data-00000-of-00001 of bundle .* is missing/);
  });

  it('detects a truncated shard, a wrong entry size and a corrupt string tensor', async () => {
    const prefix = join(dir, 't');
    await writeTensorBundle(prefix, [{ name: 'w', dtype: 'float32', shape: [4], data: [1, 2, 3, 4] }]);
    writeFileSync(`${prefix}.data-00000-of-00001`, Buffer.alloc(10));
    let err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /the data shard ends before byte 16/);

    const bytes = Buffer.alloc(8);
    handWritten(prefix, { dtype: 1, shape: { dim: [{ size: 3 }] }, size: 8, crc32c: maskCrc32c(crc32c(bytes)) }, bytes);
    err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /its entry says 8 bytes, expected 12/);

    await writeTensorBundle(prefix, [{ name: 's', dtype: 'string', shape: [2], data: ['ab', 'c'] }]);
    const data = readFileSync(`${prefix}.data-00000-of-00001`);
    data[0] = 5; // a length no longer matching its checksum
    writeFileSync(`${prefix}.data-00000-of-00001`, data);
    err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_CORRUPT');
    assert.match(err.message, /the string length checksum does not match/);
  });

  it('refuses dtypes, partitioned tensors and big-endian bundles it cannot read, naming them', async () => {
    const prefix = join(dir, 'u');
    const half = Buffer.alloc(4);
    handWritten(prefix, { dtype: 19, shape: { dim: [{ size: 2 }] }, size: 4, crc32c: maskCrc32c(crc32c(half)) }, half);
    let err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_UNSUPPORTED');
    assert.match(err.message, /has dtype DT_HALF, which tfscale does not read\.\nHINT: Pass `names`/);
    assert.equal((await readTensorBundleIndex(prefix)).entries[0]!.dtype, undefined);

    handWritten(
      prefix,
      { dtype: 1, shape: { dim: [{ size: 4 }] }, slices: [{ extent: [{ start: 0, length: 2 }] }] },
      half,
    );
    err = await expectCodedError(() => readTensorBundle(prefix), 'TFSCALE_E_BUNDLE_UNSUPPORTED');
    assert.match(err.message, /is partitioned into slices/);

    handWritten(prefix, { dtype: 1, shape: {} }, half, { numShards: 1, endianness: 1 });
    err = await expectCodedError(() => readTensorBundleIndex(prefix), 'TFSCALE_E_BUNDLE_UNSUPPORTED');
    assert.match(err.message, /big-endian/);

    handWritten(prefix, { dtype: 1, shape: {} }, half, { numShards: 1, version: { producer: 2, minConsumer: 2 } });
    err = await expectCodedError(() => readTensorBundleIndex(prefix), 'TFSCALE_E_BUNDLE_UNSUPPORTED');
    assert.match(err.message, /needs a reader of format version 2/);
  });

  it('explains a missing index: a file name given as prefix, or a SavedModel directory', async () => {
    let err = await expectCodedError(() => readTensorBundle(join(dir, 'none')), 'TFSCALE_E_BUNDLE_NOT_FOUND');
    assert.match(err.message, /HINT: Pass the bundle prefix/);
    err = await expectCodedError(() => readTensorBundle(join(dir, 'x.index')), 'TFSCALE_E_BUNDLE_NOT_FOUND');
    assert.match(err.message, /HINT: Pass the prefix without the `.index`/);
    mkdirSync(join(dir, 'sm', 'variables'), { recursive: true });
    await writeTensorBundle(join(dir, 'sm', 'variables', 'variables'), []);
    err = await expectCodedError(() => readTensorBundle(join(dir, 'sm')), 'TFSCALE_E_BUNDLE_NOT_FOUND');
    assert.match(err.message, /is a SavedModel directory; its variables bundle is .*sm\/variables\/variables/);
    assert.deepEqual(await readTensorBundle(join(dir, 'sm', 'variables', 'variables')), []);
  });

  it('reads entries from several shards', async () => {
    const prefix = join(dir, 'multi');
    const a = Buffer.from(new Float32Array([1.5]).buffer);
    const b = Buffer.from(new Int32Array([9]).buffer);
    writeFileSync(`${prefix}.data-00000-of-00002`, a);
    writeFileSync(`${prefix}.data-00001-of-00002`, Buffer.concat([Buffer.alloc(3), b]));
    const entry = (dtype: number, shardId: number, offset: number, bytes: Buffer) =>
      encode('BundleEntryProto', { dtype, shape: {}, shardId, offset, size: 4, crc32c: maskCrc32c(crc32c(bytes)) });
    const index = buildTable([
      { key: Buffer.alloc(0), value: encode('BundleHeaderProto', { numShards: 2, version: { producer: 1 } }) },
      { key: Buffer.from('a'), value: entry(1, 0, 0, a) },
      { key: Buffer.from('b'), value: entry(3, 1, 3, b) },
    ]);
    writeFileSync(`${prefix}.index`, index);
    assert.deepEqual(await readTensorBundle(prefix), [
      { name: 'a', dtype: 'float32', shape: [], data: new Float32Array([1.5]) },
      { name: 'b', dtype: 'int32', shape: [], data: new Int32Array([9]) },
    ]);
  });
});
