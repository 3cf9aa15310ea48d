import * as assert from 'node:assert/strict';
import { formatFloat32, formatFloat64, formatG, formatShortestDouble } from './json-number';

describe('TF Serving number text (WriteDecimal)', () => {
  it('prints float32 values as json_tensor.cc does: %g when it round-trips, else %.9g, .0 on whole numbers', () => {
    const cases: Array<[number, string]> = [
      [4, '4.0'],
      [3.5, '3.5'],
      [Math.fround(0.1), '0.1'],
      [Math.fround(1 / 3), '0.333333343'],
      [9000000, '9e+06'],
      [Math.fround(0.00003), '3e-05'],
      [16777216, '16777216.0'],
      [123456, '123456.0'],
      [1234567, '1234567.0'],
      [-0, '-0.0'],
      [Math.fround(3.4028234663852886e38), '3.40282347e+38'],
      [Math.fround(1e-45), '1.4013e-45'],
      [Number.NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ];
    for (const [v, text] of cases) assert.equal(formatFloat32(v), text, `float ${v}`);
  });

  it('prints doubles with 17 digits when 6 do not round-trip', () => {
    assert.equal(formatFloat64(0.1), '0.1');
    assert.equal(formatFloat64(1 / 3), '0.33333333333333331');
    assert.equal(formatFloat64(Math.fround(0.1)), '0.10000000149011612');
    assert.equal(formatFloat64(1e300), '1e+300');
  });

  it('rounds exact ties to even like printf, where JavaScript rounds them up', () => {
    assert.equal(formatG(123456.0625, 9), '123456.062');
    assert.equal(formatG(123456.1875, 9), '123456.188');
    assert.equal(formatG(0.5, 1), '0.5');
    assert.equal(formatG(8.5, 1), '8');
    assert.equal(formatG(9.5, 1), '1e+01');
    assert.equal(formatG(2.5, 1), '2');
  });

  it('prints echoed request doubles as rapidjson Writer::Double does', () => {
    assert.equal(formatShortestDouble(1), '1.0');
    assert.equal(formatShortestDouble(1.5), '1.5');
    assert.equal(formatShortestDouble(0.001234), '0.001234');
    assert.equal(formatShortestDouble(1e30), '1e30');
    assert.equal(formatShortestDouble(1.234e33), '1.234e33');
    assert.equal(formatShortestDouble(1.5e-7), '1.5e-7');
    assert.equal(formatShortestDouble(12340000000), '12340000000.0');
    assert.equal(formatShortestDouble(Number.NaN), undefined);
  });
});
