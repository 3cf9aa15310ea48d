import * as assert from 'node:assert/strict';
import { decimalToDouble } from './decimal-double';
import { parseJson } from './json-reader';
import type { NumArray } from './json-value';

/** Deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

/** Parses the tokens as one JSON array and compares every value with V8's `Number` (correctly rounded). */
function agreesWithNumber(tokens: string[]): void {
  const parsed = parseJson(Buffer.from(`[${tokens.join(',')}]`)) as NumArray;
  assert.equal(parsed.length, tokens.length);
  tokens.forEach((tok, k) => {
    if (!Object.is(parsed.values[k], Number(tok))) assert.fail(`${tok}: got ${parsed.values[k]}, want ${Number(tok)}`);
  });
}

describe('decimal → double (the JSON reader’s number fast paths)', () => {
  it('equals Number() on random decimals of 1-25 significant digits, exponents and signs', () => {
    const r = rng(1);
    const tokens: string[] = [];
    for (let k = 0; k < 60_000; k++) {
      const sign = r() < 0.3 ? '-' : '';
      const intLen = Math.floor(r() * 8);
      const fracLen = 1 + Math.floor(r() * 20);
      const lead =
        intLen === 0 ? `0.${'0'.repeat(Math.floor(r() * 6))}` : `${1 + Math.floor(r() * 9)}${digits(r, intLen - 1)}.`;
      const exp = r() < 0.3 ? `${r() < 0.5 ? 'e' : 'E'}${r() < 0.5 ? '-' : '+'}${Math.floor(r() * 30)}` : '';
      tokens.push(`${sign}${lead}${digits(r, fracLen)}${exp}`);
    }
    agreesWithNumber(tokens);
  });

  it('equals Number() on what clients send: shortest float32/float64 texts and x/255 pixels', () => {
    const r = rng(2);
    const f32 = new Float32Array(1);
    const tokens: string[] = [];
    for (let k = 0; k < 30_000; k++) {
      f32[0] = (r() - 0.5) * 10 ** Math.floor(r() * 12 - 6);
      tokens.push(String(f32[0]), String((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)));
      // Python's repr of a float32 widened to double (e.g. numpy .tolist()): up to 17 digits.
      tokens.push(f32[0].toPrecision(17));
    }
    for (let i = 0; i < 256; i++) tokens.push(String(i / 255), (i / 255).toFixed(19));
    agreesWithNumber(tokens.filter((t) => !t.includes('e') || /e[-+]\d/.test(t)));
  });

  it('rounds exact ties to even and gets near-ties right (they fall back to Number)', () => {
    const r = rng(3);
    const tokens = ['9007199254740993.0', '9007199254740995.0', '9007199254740993e0', '0.5', '1e22', '1e23'];
    for (let k = 0; k < 5_000; k++) {
      // A double in [2^54, 2^63): the midpoint to its successor is an integer (≤ 19 digits).
      const x = 2 ** (54 + Math.floor(r() * 9)) * (1 + Math.floor(r() * 2 ** 20) / 2 ** 20);
      const mid = BigInt(x) + 2n ** BigInt(Math.floor(Math.log2(x)) - 53);
      for (const delta of [-1n, 0n, 1n]) tokens.push(`${mid + delta}.0`, `${mid + delta}e-0`);
    }
    tokens.push(
      '2.2250738585072011e-308',
      '1.7976931348623157e308',
      '5e-324',
      '4.9406564584124654e-324',
      '0.30000000000000004',
      '123456789012345678.9',
      '1234567890123456789e-22',
      '9999999999999999999e22',
    );
    agreesWithNumber(tokens);
  });

  it('says NaN (undecided) for exponents outside ±22', () => {
    assert.ok(Number.isNaN(decimalToDouble(1, 0, 0, 23)));
    assert.equal(decimalToDouble(117647058823529, 41, 2, -18), 0.011764705882352941);
  });
});
