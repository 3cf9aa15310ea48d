import * as assert from 'node:assert/strict';
import { parseJson } from './json-reader';
import {
  JsonNumber,
  JsonObject,
  NUM_DOUBLE,
  NUM_INT,
  NUM_INT64_NEG,
  NUM_INT64_POS,
  NUM_UINT,
  NUM_UINT64,
  NumArray,
} from './json-value';
import { jsonValueToString } from './json-writer';

const parse = (text: string | Buffer) => parseJson(typeof text === 'string' ? Buffer.from(text) : text);
const parseError = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return 'parsed';
};

describe('JSON reader (rapidjson semantics)', () => {
  it('keeps integer and decimal tokens apart, with rapidjson’s 32/64-bit kinds and exact int64', () => {
    const a = parse(
      '[1, -1, 2147483648, -2147483649, 4294967296, 9223372036854775807, 18446744073709551615, 1.0, 1e2, 18446744073709551616]',
    ) as NumArray;
    assert.ok(a instanceof NumArray);
    assert.deepEqual(Array.from(a.kinds), [
      NUM_INT,
      NUM_INT,
      NUM_UINT,
      NUM_INT64_NEG,
      NUM_INT64_POS,
      NUM_INT64_POS,
      NUM_UINT64,
      NUM_DOUBLE,
      NUM_DOUBLE,
      NUM_DOUBLE,
    ]);
    assert.equal(a.bigs?.get(5), 9223372036854775807n);
    assert.equal(a.bigs?.get(6), 18446744073709551615n);
    assert.equal(a.values[8], 100);
  });

  it('parses NaN, Inf and Infinity tokens (kParseNanAndInfFlag) and decimals correctly rounded', () => {
    const a = parse('[NaN, Infinity, -Infinity, Inf, -Inf, 0.1, 3.141592653589793238, 1e-320]') as NumArray;
    assert.ok(Number.isNaN(a.values[0]));
    assert.deepEqual(Array.from(a.values).slice(1, 5), [Infinity, -Infinity, Infinity, -Infinity]);
    assert.equal(a.values[5], 0.1);
    assert.equal(a.values[6], Math.PI);
    assert.equal(a.values[7], 1e-320);
  });

  it('keeps members in order with duplicates, and strings that are not UTF-8 as bytes', () => {
    const o = parse(
      Buffer.concat([
        Buffer.from('{"a": 1, "a": "x\\u00e9\\ud83d\\ude00", "b": "'),
        Buffer.from([0xff, 0x41]),
        Buffer.from('"}'),
      ]),
    );
    assert.ok(o instanceof JsonObject);
    assert.deepEqual(o.keys, ['a', 'a', 'b']);
    assert.ok(o.values[0] instanceof JsonNumber);
    assert.equal(o.get('a'), o.values[0]);
    assert.equal(o.values[1], 'xé😀');
    assert.deepEqual([...(o.values[2] as Uint8Array)], [0xff, 0x41]);
  });

  it('words errors like rapidjson, with the byte offset TF Serving reports', () => {
    assert.equal(parseError(''), 'JSON Parse error: The document is empty');
    assert.equal(parseError('  \n'), 'JSON Parse error: The document is empty. at offset: 3');
    assert.equal(
      parseError('{"instances": [1.0, 2.0'),
      "JSON Parse error: Missing a comma or ']' after an array element. at offset: 23",
    );
    assert.equal(
      parseError('{"a": 1} x'),
      'JSON Parse error: The document root must not be followed by other values. at offset: 9',
    );
    assert.equal(
      parseError('{"a" 1}'),
      'JSON Parse error: Missing a colon after a name of object member. at offset: 5',
    );
    assert.equal(parseError('{"a": 1,}'), 'JSON Parse error: Missing a name for object member. at offset: 8');
    assert.equal(
      parseError('{"a": 1 "b": 2}'),
      "JSON Parse error: Missing a comma or '}' after an object member. at offset: 8",
    );
    assert.equal(parseError('[1,]'), 'JSON Parse error: Invalid value. at offset: 3');
    assert.equal(parseError('[tru]'), 'JSON Parse error: Invalid value. at offset: 4');
    assert.equal(parseError('[1.]'), 'JSON Parse error: Miss fraction part in number. at offset: 3');
    assert.equal(parseError('[1e]'), 'JSON Parse error: Miss exponent in number. at offset: 3');
    assert.equal(parseError('[1e400]'), 'JSON Parse error: Number too big to be stored in double. at offset: 1');
    assert.equal(parseError('["ab'), 'JSON Parse error: Missing a closing quotation mark in string. at offset: 4');
    assert.equal(parseError('["a\\qb"]'), 'JSON Parse error: Invalid escape character in string. at offset: 3');
    assert.equal(
      parseError('["\\u12G4"]'),
      'JSON Parse error: Incorrect hex digit after \\u escape in string. at offset: 2',
    );
    assert.equal(parseError('["\\ud800x"]'), 'JSON Parse error: The surrogate pair in string is invalid. at offset: 2');
    assert.equal(parseError('["a\nb"]'), 'JSON Parse error: Invalid encoding in string. at offset: 3');
    assert.equal(parseError('[Nan]'), 'JSON Parse error: Invalid value. at offset: 3');
    assert.match(parseError('['.repeat(5000)), /Nesting deeper than 1000 levels/);
  });

  it('echoes values as TF Serving’s JsonValueToString (pretty, float-range decimals as float)', () => {
    assert.equal(jsonValueToString(parse('{"instances": 5}')), '{\n    "instances": 5\n}');
    assert.equal(jsonValueToString(parse('[1.5, 2]')), '[\n    1.5,\n    2\n]');
    assert.equal(jsonValueToString(new JsonNumber(0.1, NUM_DOUBLE)), '0.1');
    assert.equal(jsonValueToString(new JsonNumber(2, NUM_DOUBLE)), '2.0');
    assert.equal(jsonValueToString(new JsonNumber(1e300, NUM_DOUBLE)), '1e+300');
    assert.equal(jsonValueToString(parse('"a\\"\\u0001"')), '"a\\"\\u0001"');
  });
});
