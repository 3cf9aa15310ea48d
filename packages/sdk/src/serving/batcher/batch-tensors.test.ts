import * as assert from 'node:assert/strict';
import type { ServingTensor } from '../types';
import { concatRows, rowShapeKey, sliceRows } from './batch-tensors';

describe('batcher tensors: concat along dim 0, pad, slice back', () => {
  it('concatenates typed and string tensors and pads with the last part’s first row', () => {
    const a: ServingTensor = { dtype: 'int64', shape: [1, 2], data: BigInt64Array.of(1n, 2n) };
    const b: ServingTensor = { dtype: 'int64', shape: [2, 2], data: BigInt64Array.of(3n, 4n, 5n, 6n) };
    const m = concatRows([a, b], 1);
    assert.deepEqual(m.shape, [4, 2]);
    assert.deepEqual(Array.from(m.data as BigInt64Array), [1n, 2n, 3n, 4n, 5n, 6n, 3n, 4n]);
    assert.deepEqual(Array.from(sliceRows(m, 1, 2).data as BigInt64Array), [3n, 4n, 5n, 6n]);
    const s = (v: string): ServingTensor => ({ dtype: 'string', shape: [1], data: [Buffer.from(v)] });
    const ms = concatRows([s('x'), s('y')], 2);
    assert.deepEqual(
      (ms.data as Uint8Array[]).map((d) => Buffer.from(d).toString()),
      ['x', 'y', 'y', 'y'],
    );
  });

  it('keys requests by input names, dtypes and row shape', () => {
    const t = (shape: number[]): ServingTensor => ({ dtype: 'float32', shape, data: new Float32Array(shape[0]! * 4) });
    assert.equal(rowShapeKey({ x: t([1, 4]) }), rowShapeKey({ x: t([7, 4]) }));
    assert.notEqual(rowShapeKey({ x: t([1, 4]) }), rowShapeKey({ x: t([1, 2, 2]) }));
  });
});
