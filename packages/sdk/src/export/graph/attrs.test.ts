import * as assert from 'node:assert/strict';
import { attrValue, TF_DTYPE, tensorProto } from './attrs';

describe('graph attrs', () => {
  it('uses TensorFlow DataType numbers (types.proto)', () => {
    assert.deepEqual(TF_DTYPE, { float32: 1, float64: 2, int32: 3, string: 7, int64: 9, bool: 10, resource: 20 });
  });

  it('builds each AttrValue kind', () => {
    assert.deepEqual(attrValue.type('int32'), { type: 3 });
    assert.deepEqual(attrValue.listI([1, 2, 2, 1]), { list: { i: [1, 2, 2, 1] } });
    assert.deepEqual(attrValue.shape([null, 3]), { shape: { dim: [{ size: -1 }, { size: 3 }] } });
    assert.deepEqual(attrValue.shape(null), { shape: { unknownRank: true } });
    assert.deepEqual(attrValue.s('SAME'), { s: Buffer.from('SAME') });
    assert.deepEqual(attrValue.listType(['float32', 'int32']), { list: { type: [1, 3] } });
    assert.deepEqual(attrValue.emptyList(), { list: {} });
  });

  it('packs numbers little-endian into tensor_content and strings into string_val', () => {
    const f = tensorProto('float32', [2], [1, -2]);
    assert.deepEqual(f.tensorShape, { dim: [{ size: 2 }] });
    assert.deepEqual(Buffer.from(f.tensorContent!), Buffer.from(new Float32Array([1, -2]).buffer));
    const i = tensorProto('int32', [], [7]);
    assert.deepEqual([...i.tensorContent!], [7, 0, 0, 0]);
    assert.deepEqual(i.tensorShape, { dim: [] });
    assert.deepEqual(tensorProto('int64', [1], [-1]).tensorContent, new Uint8Array(8).fill(255));
    assert.deepEqual(tensorProto('bool', [2], [1, 0]).tensorContent, new Uint8Array([1, 0]));
    const s = tensorProto('string', [2], ['a', 'bc']);
    assert.deepEqual(s.stringVal, [Buffer.from('a'), Buffer.from('bc')]);
    assert.equal(s.dtype, 7);
  });

  it('rejects a value count that does not match the shape', () => {
    assert.throws(() => tensorProto('float32', [2, 2], [1, 2, 3]), /3 values for shape \[2, 2\]/);
  });
});
