import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCodedError } from '../../testing/conformance/helpers';
import { type BundleTensorInput, writeTensorBundle } from './bundle-writer';
import { SAVED, TF_SAVED } from './tf-saved-fixture.test';

describe('formats/tensor-bundle/bundle-writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-bundle-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same bytes as TensorFlow SaveV2, index and data', async () => {
    const prefix = join(dir, 'nested', 'ckpt');
    const written = await writeTensorBundle(prefix, SAVED);
    assert.deepEqual(written, { indexPath: `${prefix}.index`, dataPath: `${prefix}.data-00000-of-00001` });
    assert.deepEqual(readFileSync(written.indexPath), TF_SAVED.index);
    assert.deepEqual(readFileSync(written.dataPath), TF_SAVED.data);
    assert.deepEqual(readdirSync(join(dir, 'nested')).sort(), ['ckpt.data-00000-of-00001', 'ckpt.index']);
  });

  it('accepts plain arrays, other typed arrays and bytes, converting to the dtype', async () => {
    const typed = await writeTensorBundle(join(dir, 'typed'), [
      { name: 'i', dtype: 'int64', shape: [2], data: new BigInt64Array([-1n, 2n ** 40n]) },
      { name: 'f', dtype: 'float64', shape: [2], data: new Float64Array([0.1, -0]) },
      { name: 'b', dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) },
      { name: 's', dtype: 'string', shape: [1], data: [new Uint8Array([0xff, 0])] },
      { name: 'n', dtype: 'int32', shape: [2], data: new Int32Array([-5, 6]) },
    ]);
    const plain = await writeTensorBundle(join(dir, 'plain'), [
      { name: 'i', dtype: 'int64', shape: [2], data: [-1, 2 ** 40] },
      { name: 'f', dtype: 'float64', shape: [2], data: [0.1, -0] },
      { name: 'b', dtype: 'bool', shape: [3], data: [true, false, true] },
      { name: 's', dtype: 'string', shape: [1], data: [Buffer.from([0xff, 0])] },
      { name: 'n', dtype: 'int32', shape: [2], data: [-5, 6] },
    ]);
    assert.deepEqual(readFileSync(plain.indexPath), readFileSync(typed.indexPath));
    assert.deepEqual(readFileSync(plain.dataPath), readFileSync(typed.dataPath));
  });

  it('refuses bad names, dtypes, shapes and data with TFSCALE_E_INVALID_VALUE, writing nothing', async () => {
    const prefix = join(dir, 'bad');
    const t = (over: Partial<BundleTensorInput>): BundleTensorInput => ({
      name: 'w',
      dtype: 'float32',
      shape: [2],
      data: [1, 2],
      ...over,
    });
    const cases: Array<[BundleTensorInput[], RegExp]> = [
      [[t({ name: '' })], /tensors\[0\]\.name/],
      [[t({}), t({})], /a name not used by an earlier tensor/],
      [[t({ dtype: 'float16' as never })], /one of float32, float64, int32, string, int64, bool/],
      [[t({ shape: [2, -1] })], /non-negative integers/],
      [[t({ shape: [3] })], /Received: tensors\[0\]\.data="2 elements"\. Expected: 3 elements for shape \[3\]/],
      [[t({ data: [1, '2'] as never })], /tensors\[0\]\.data\[1\]/],
      [[t({ dtype: 'int32', data: [1, 2.5] })], /an integer/],
      [[t({ dtype: 'int64', data: [1, 2 ** 60] })], /safe integer or a bigint/],
      [[t({ dtype: 'bool', data: [1, 2] })], /a boolean, 0 or 1/],
      [[t({ dtype: 'string', data: ['a', 3] as never })], /a string or a Uint8Array/],
    ];
    for (const [tensors, message] of cases) {
      const err = await expectCodedError(() => writeTensorBundle(prefix, tensors), 'TFSCALE_E_INVALID_VALUE');
      assert.match(err.message, message);
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  it('replaces an existing bundle in place and leaves no temporary files', async () => {
    const prefix = join(dir, 'ckpt');
    await writeTensorBundle(prefix, [{ name: 'v', dtype: 'int32', shape: [], data: [1] }]);
    await writeTensorBundle(prefix, SAVED);
    assert.deepEqual(readFileSync(`${prefix}.index`), TF_SAVED.index);
    assert.deepEqual(readdirSync(dir).sort(), ['ckpt.data-00000-of-00001', 'ckpt.index']);
  });
});
