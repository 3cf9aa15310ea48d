import assert from 'node:assert/strict';
import { exampleShape, formKind, parseFieldValues, parseJsonInput } from './input-spec';

const image = { name: 'pixels', shape: [null, 8, 8, 1], dtype: 'float32' } as const;

describe('plugin-deploy-browser/input-spec', () => {
  it('small inputs of known size get fields, large or unknown ones a JSON box', () => {
    assert.equal(formKind({ name: 'x', shape: [null, 8], dtype: 'float32' }), 'fields');
    assert.equal(formKind({ name: 'x', shape: [null, 16], dtype: 'float32' }), 'fields');
    assert.equal(formKind(image), 'json');
    assert.equal(formKind({ name: 'x', shape: [null, null], dtype: 'float32' }), 'json');
    assert.deepEqual(exampleShape(image.shape), [8, 8, 1]);
    assert.equal(exampleShape([null, null, 3]), undefined);
  });

  it('a pasted array may be nested or flat; the count and values are checked', () => {
    const nested = JSON.stringify(
      Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => [r * 8 + c])),
    );
    const flat = JSON.stringify(Array.from({ length: 64 }, (_, i) => i));
    assert.deepEqual(parseJsonInput(nested, image), parseJsonInput(flat, image));
    assert.deepEqual(parseJsonInput(flat, image).shape, [8, 8, 1]);
    assert.throws(() => parseJsonInput('[1, 2, 3]', image), /pixels: 3 values; expected 64 \(shape \[8, 8, 1\]\)/);
    assert.throws(() => parseJsonInput('[1, 2,', image), /pixels: not valid JSON/);
    assert.throws(() => parseJsonInput(flat.replace('5,', '"5",'), image), /pixels\[5\]: "5" is not a number/);
    assert.throws(
      () => parseJsonInput('[[1, 2], [3]]', { name: 'r', shape: [null, null, null], dtype: 'float32' }),
      /ragged/,
    );
    assert.deepEqual(parseJsonInput('[[1, 2], [3, 4]]', { name: 'u', shape: [null, null, null], dtype: 'float32' }), {
      values: [1, 2, 3, 4],
      shape: [2, 2],
    });
  });

  it('fields parse per dtype', () => {
    assert.deepEqual(
      parseFieldValues(['0.5', '-2', '1e-3'], { name: 'x', shape: [null, 3], dtype: 'float32' }),
      [0.5, -2, 0.001],
    );
    assert.throws(
      () => parseFieldValues(['1.5'], { name: 'n', shape: [null, 1], dtype: 'int32' }),
      /n\[0\]: 1.5 is not an integer/,
    );
    assert.deepEqual(parseFieldValues(['true', '0'], { name: 'b', shape: [null, 2], dtype: 'bool' }), [1, 0]);
    assert.throws(() => parseFieldValues([' '], { name: 'x', shape: [null, 1], dtype: 'float32' }), /x\[0\]: empty/);
  });
});
