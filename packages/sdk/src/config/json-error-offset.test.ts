import assert from 'node:assert/strict';
import { jsonErrorOffset } from './json-error-offset';
import { lineColumn } from './parse-json';

// Each bad text with the offset V8 reports for it (where it reports one).
const BAD: [string, number][] = [
  ['{ "epochs": 3, }', 15],
  ['{"a": 1', 7],
  ['{"a" 1}', 5],
  ['{"a":1}x', 7],
  ['', 0],
  ['tru', 3],
  ['[1,]', 3],
  ['"a\nb"', 2],
  ['"ab\\qc"', 4],
  ['01', 1],
  ['{"a": -}', 7],
];

describe('jsonErrorOffset', () => {
  it('finds the offset of the first syntax error', () => {
    for (const [text, offset] of BAD) {
      assert.throws(() => JSON.parse(text));
      assert.equal(jsonErrorOffset(text), offset, JSON.stringify(text));
    }
  });

  it('agrees with V8 wherever V8 names a position', () => {
    for (const [text] of BAD) {
      try {
        JSON.parse(text);
      } catch (err) {
        const position = /at position (\d+)/.exec((err as Error).message);
        if (position) assert.equal(jsonErrorOffset(text), Number(position[1]), JSON.stringify(text));
      }
    }
  });

  it('accepts valid JSON', () => {
    for (const text of ['{"a":[1,{"b":null}],"c":-1.5e3, "d": "\\u00e9\\n"}', ' [ ] ', 'true', '"x"']) {
      assert.equal(jsonErrorOffset(text), undefined, text);
    }
  });
});

describe('lineColumn', () => {
  it('counts lines and columns from 1, CRLF included', () => {
    assert.deepEqual(lineColumn('{\r\n  "a": }', 10), { line: 2, column: 8 });
    assert.deepEqual(lineColumn('abc', 0), { line: 1, column: 1 });
  });
});
