import * as assert from 'node:assert/strict';
import { parseJson } from './json-reader';
import { JsonNumber, JsonObject, type JsonValue, NUM_DOUBLE, NumArray } from './json-value';
import { numberScanner, setNumberScannerDisabled } from './native-numbers';

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => int(r, 0, 9)).join('');
const WS = ['', '', ' ', '\n', '\r\n', '\t', '  '];
const ws = (r: () => number) => pick(r, WS) + (r() < 0.1 ? pick(r, WS) : '');

/** A number token of the kinds clients send and the corners of each path. */
function token(r: () => number): string {
  const sign = r() < 0.35 ? '-' : '';
  switch (int(r, 0, 9)) {
    case 0:
    case 1: {
      // A decimal of 1-25 significant digits, maybe with an exponent anywhere in range.
      const n = int(r, 1, 25);
      const d = `${int(r, 1, 9)}${digits(r, n - 1)}`;
      const point = int(r, 0, n);
      const lead = point === 0 ? `0.${'0'.repeat(int(r, 0, 4))}${d}` : `${d.slice(0, point)}.${d.slice(point) || '0'}`;
      const e =
        r() < 0.5 ? '' : `${pick(r, ['e', 'E'])}${pick(r, ['', '+', '-'])}${pick(r, [int(r, 0, 30), int(r, 0, 330)])}`;
      return sign + lead + e;
    }
    case 2: // an integer token of 1-25 digits
      return sign + int(r, 1, 9) + digits(r, int(r, 0, 24));
    case 3: {
      // Integers around the kind boundaries.
      const p = BigInt(pick(r, [31, 32, 53, 63, 64]));
      return sign + (2n ** p + BigInt(int(r, -3, 3))).toString();
    }
    case 4: {
      // Exact ties and near-ties between doubles (2^53 + 1, midpoints in [2^54, 2^63)).
      const x = 2 ** int(r, 53, 62) * (1 + int(r, 0, 2 ** 20) / 2 ** 20);
      const mid = BigInt(x) + 2n ** BigInt(Math.floor(Math.log2(x)) - 53) + BigInt(int(r, -1, 1));
      return sign + pick(r, [`${mid}`, `${mid}.0`, `${mid}e0`, `${mid}E+0`, '9007199254740993', '9007199254740993.0']);
    }
    case 5: {
      // What clients send: x/255 pixels, shortest float32 and float64 texts, 0.1 + 0.2 and kin.
      const f = Math.fround((r() - 0.5) * 10 ** int(r, -8, 8));
      return pick(r, [String(int(r, 0, 255) / 255), String(f), f.toPrecision(17), String(0.1 * int(r, 1, 9) + 0.2)]);
    }
    case 6: // subnormal and near-underflow results, zeros with huge exponents
      return (
        sign +
        pick(r, [
          `${int(r, 1, 9)}.${digits(r, int(r, 1, 17))}e-${int(r, 300, 330)}`,
          '2.2250738585072011e-308',
          '2.2250738585072014e-308',
          '4.9406564584124654e-324',
          '2.4703282292062327e-324',
          '0.0e999999',
          `0.0${'0'.repeat(int(r, 0, 30))}`,
        ])
      );
    case 7: // near the top of the double range
      return (
        sign + pick(r, ['1.7976931348623157e308', '1.7976931348623158e308', `${int(r, 1, 9)}e${int(r, 290, 307)}`])
      );
    case 8: // zeros, negative zeros and NaN / Infinity (left to the JS path)
      return pick(r, ['-0', '0', '-0.0', '0.0', '-0e0', '-0.000E-5', 'NaN', '-Infinity', 'Inf', '-Inf']);
    default: // short ones
      return (
        sign + pick(r, [`${int(r, 0, 9)}`, `${int(r, 0, 99)}.${int(r, 0, 9)}`, `${int(r, 1, 9)}e${int(r, -5, 5)}`])
      );
  }
}

/**
 * 19-digit decimals within ~2^-110 of a midpoint between two doubles, where only an exact (or
 * verified) method rounds right: convergents h/k of 2^q/10^r with k odd in [2^53, 2^54), so that
 * h·10^r ≈ k·2^q, a midpoint.
 */
function nearMidpoints(): string[] {
  const out: string[] = [];
  for (let r = -40; r <= 40; r++) {
    for (let q = -200; q <= 200; q++) {
      let [x, y] = [q >= 0 ? 2n ** BigInt(q) : 1n, q >= 0 ? 1n : 2n ** BigInt(-q)];
      if (r >= 0) y *= 10n ** BigInt(r);
      else x *= 10n ** BigInt(-r);
      let [h0, h1, k0, k1] = [0n, 1n, 1n, 0n];
      while (y !== 0n) {
        const a = x / y;
        [x, y] = [y, x - a * y];
        [h0, h1, k0, k1] = [h1, a * h1 + h0, k1, a * k1 + k0];
        if (k1 >= 2n ** 54n || h1 >= 10n ** 19n) break;
        if (k1 >= 2n ** 53n && (k1 & 1n) === 1n && h1 >= 10n ** 18n) out.push(`${h1}e${r}`);
      }
    }
  }
  return out;
}

function withScanner<T>(on: boolean, fn: () => T): T {
  setNumberScannerDisabled(!on);
  try {
    return fn();
  } finally {
    setNumberScannerDisabled(false);
  }
}

function outcome(body: Buffer, on: boolean): JsonValue | string {
  return withScanner(on, () => {
    try {
      return parseJson(body);
    } catch (e) {
      return (e as Error).message;
    }
  });
}

/** Every NumArray element of two parses equal: Object.is values, kinds, exact integers. */
function sameNumbers(a: NumArray, b: NumArray, where: string): void {
  assert.equal(a.length, b.length, where);
  for (let i = 0; i < a.length; i++) {
    const ok = Object.is(a.values[i], b.values[i]) && a.kinds[i] === b.kinds[i] && a.bigs?.get(i) === b.bigs?.get(i);
    if (!ok)
      assert.fail(`${where}[${i}]: native ${JSON.stringify(a.at(i), big)} vs JS ${JSON.stringify(b.at(i), big)}`);
  }
}
const big = (_: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** Two parsed documents alike, numbers compared as in {@link sameNumbers}. */
function sameValue(a: JsonValue, b: JsonValue, where: string): void {
  if (a instanceof NumArray && b instanceof NumArray) sameNumbers(a, b, where);
  else if (a instanceof JsonNumber && b instanceof JsonNumber) sameNumbers(num(a), num(b), where);
  else if (a instanceof JsonObject && b instanceof JsonObject) {
    assert.deepEqual(a.keys, b.keys, where);
    for (let i = 0; i < a.keys.length; i++) sameValue(a.values[i], b.values[i], `${where}.${a.keys[i]}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, where);
    for (let i = 0; i < a.length; i++) sameValue(a[i], b[i], `${where}[${i}]`);
  } else assert.deepEqual(a, b, where);
}
const num = (n: JsonNumber) =>
  new NumArray([n.value], [n.kind], n.big === undefined ? undefined : new Map([[0, n.big]]));

function rows(doc: JsonValue | string): NumArray[] {
  if (typeof doc === 'string') assert.fail(doc);
  return ((doc as JsonObject).get('instances') as JsonValue[]).map((row) => row as NumArray);
}

describe('native number scanner (same results as the JS reader)', () => {
  before(function () {
    if (numberScanner()) return;
    if (process.env.CI) throw new Error('tfscale_json.node missing in CI (scripts/setup-native.js builds it)');
    this.skip();
  });

  it('takes a run of plain numbers and stops before what it leaves to JS', () => {
    const body = Buffer.from('[1, -2.5e3 ,\t-0.0,7]');
    const doc = parseJson(body) as NumArray;
    assert.deepEqual(Array.from(doc.values), [1, -2500, -0, 7]);
    const scanner = numberScanner();
    const values = new Float64Array(8);
    const kinds = new Uint8Array(8);
    const state = new Float64Array(2);
    assert.equal(scanner?.scan(body, 1, values, kinds, 0, state), 4);
    assert.deepEqual([...state], [body.length, 1]);
    // 2^63 needs BigInt: the scanner stops at it, after the comma.
    const stop = Buffer.from('[1, 9223372036854775808, 2]');
    assert.equal(scanner?.scan(stop, 1, values, kinds, 0, state), 1);
    assert.deepEqual([...state], [4, 0]);
  });

  it('equals the JS reader and Number() on 250k random tokens in arrays with random whitespace', () => {
    const r = rng(7);
    let total = 0;
    for (let doc = 0; doc < 50; doc++) {
      const lists: string[][] = [];
      for (let row = int(r, 1, 40); row > 0; row--) {
        const list = Array.from({ length: int(r, 1, 400) }, () => token(r));
        // Overflowing tokens fail the whole parse; the error test below has them.
        lists.push(list.filter((t) => Number.isFinite(Number(t)) || /NaN|Inf/.test(t)));
        total += lists[lists.length - 1].length;
      }
      const text = `{"instances":${ws(r)}[${lists.map((l) => `[${ws(r)}${l.join(`${ws(r)},${ws(r)}`)}${ws(r)}]`).join(',')}]}`;
      const body = Buffer.from(text);
      const native = rows(outcome(body, true));
      const js = rows(outcome(body, false));
      native.forEach((row, k) => {
        sameNumbers(row, js[k], `doc ${doc} row ${k}`);
        lists[k].forEach((t, i) => {
          if (/NaN|Inf/.test(t)) return;
          const want = Number(t);
          const got = row.values[i];
          if (row.kinds[i] === NUM_DOUBLE ? !Object.is(got, want) : got !== want)
            assert.fail(`${t}: got ${got}, Number() gives ${want}`);
        });
      });
    }
    assert.ok(total >= 200_000);
  });

  it('rounds decimals within 2^-110 of a midpoint like Number() (it leaves them to JS)', () => {
    const hard = nearMidpoints();
    assert.ok(hard.length > 50, `${hard.length} cases`);
    const parsed = withScanner(true, () => parseJson(Buffer.from(`[${hard.join(',')}]`))) as NumArray;
    for (let i = 0; i < hard.length; i++)
      assert.ok(Object.is(parsed.values[i], Number(hard[i])), `${hard[i]}: ${parsed.values[i]}`);
  });

  it('gives the same errors and offsets on malformed and truncated arrays', () => {
    const bad = ['[1,]', '[1 2]', '[01]', '[1.]', '[-]', '[1e]', '[1e+]', '[1,,2]', '[1.5x]', '[--1]', '[1, 2', '[1,'];
    const big = ['[1e400]', '[1, -1.7976931348623159e308]', `[1, ${'9'.repeat(400)}]`, '[0.5, 1e309, 2]'];
    const r = rng(11);
    const valid = `[${Array.from({ length: 60 }, () => token(r)).join(', ')}]`;
    const cases = [...bad, ...big, ...Array.from({ length: valid.length }, (_, n) => valid.slice(0, n))];
    for (const text of cases) {
      const body = Buffer.from(`{"instances": [${text}]}`);
      const native = outcome(body, true);
      const js = outcome(body, false);
      if (typeof js === 'string' || typeof native === 'string') assert.equal(native, js, text);
      else sameValue(native, js, text);
    }
    assert.match(outcome(Buffer.from('[1.]'), true) as string, /Miss fraction part in number\. at offset: 3$/);
  });

  it('leaves runs of tokens it cannot take (int64s, subnormals) to JS with the same results', () => {
    const r = rng(5);
    const ints = Array.from({ length: 300 }, () => `${int(r, 1, 9)}${digits(r, int(r, 15, 19))}`);
    const tiny = Array.from({ length: 300 }, () => `${int(r, 1, 9)}.${digits(r, 3)}e-${int(r, 309, 320)}`);
    for (const list of [ints, tiny, [...ints.slice(0, 40), ...tiny.slice(0, 40), '0.5', '1', ...ints.slice(40)]]) {
      const body = Buffer.from(`[${list.join(', ')}]`);
      sameValue(outcome(body, true) as JsonValue, outcome(body, false) as JsonValue, list[0]);
    }
  });

  it('keeps earlier arrays intact and handles arrays past the slab, mixed and nested', () => {
    const first = parseJson(Buffer.from('[[0.25, 1], [2, 3.5]]')) as NumArray[];
    const huge = Array.from({ length: 150_000 }, (_, i) => (i % 997) / 7);
    const mixed = '[1, 2, "x", 3, [4.5, 5], [6, [7]], -0.0, 8]';
    for (const text of [`[${huge.join(',')}]`, mixed, `{"a": [${huge.slice(0, 70_000).join(', ')}], "b": [1.5, 2]}`]) {
      sameValue(outcome(Buffer.from(text), true) as JsonValue, outcome(Buffer.from(text), false) as JsonValue, text);
    }
    const again = parseJson(Buffer.from(`[${huge.join(',')}]`)) as NumArray;
    assert.ok(again.values.length === huge.length && huge.every((v, i) => Object.is(again.values[i], v)));
    assert.deepEqual(Array.from(first[0].values).concat(Array.from(first[1].values)), [0.25, 1, 2, 3.5]);
    assert.ok(first[0] instanceof NumArray && parseJson(Buffer.from('{"x": 1}')) instanceof JsonObject);
  });
});
