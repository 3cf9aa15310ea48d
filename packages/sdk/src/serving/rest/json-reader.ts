/**
 * A JSON reader with rapidjson's semantics, as TF Serving parses request bodies
 * (`kParseNanAndInfFlag`, UTF-8 bytes not validated): numbers keep their token kind (integer or
 * decimal, 32/64-bit range) and int64 precision, `NaN` / `Inf[inity]` parse, and errors carry
 * rapidjson's messages and byte offsets. `JSON.parse` can do none of that.
 *
 * Arrays whose elements are all numbers (the bulk of a tensor) come back as one {@link NumArray}
 * instead of an object per number. Where the native scanner is built (native-numbers.ts), it takes
 * their plain numbers, ~5x faster; it leaves every token it is unsure of to this reader, so the
 * results and errors are the same either way.
 */
import { isUtf8 } from 'node:buffer';
import { ServingError } from '../types';
import { decimalToDouble } from './decimal-double';
import {
  JsonNumber,
  JsonObject,
  type JsonValue,
  NUM_DOUBLE,
  NUM_INT,
  NUM_INT64_NEG,
  NUM_INT64_POS,
  NUM_UINT,
  NUM_UINT64,
} from './json-value';
import { type NumberScanner, numberScanner } from './native-numbers';
import { numbersAbandon, numbersBegin, numbersCount, numbersEnd, numbersPush, scanNumbers } from './number-slab';

const MAX_DEPTH = 1000;

/** Buffer#latin1Slice (what toString('latin1') calls, minus its argument checks: 2x on long numbers). */
const latin1 = (b: Buffer, start: number, end: number): string =>
  (b as Buffer & { latin1Slice(s: number, e: number): string }).latin1Slice(start, end);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const ESCAPES: Record<number, number> = { 34: 0x22, 92: 0x5c, 47: 0x2f, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9 };

/**
 * Parses a request body like TF Serving's `ParseJson` (without its "is an object" check).
 * Throws ServingError INVALID_ARGUMENT `JSON Parse error: <rapidjson message> at offset: N`.
 * @example
 *   const doc = parseJson(Buffer.from('{"instances": [1.0, NaN]}'));
 */
export function parseJson(body: Uint8Array): JsonValue {
  if (body.length === 0) throw new ServingError('INVALID_ARGUMENT', 'JSON Parse error: The document is empty');
  return new Reader(Buffer.from(body.buffer, body.byteOffset, body.length), numberScanner()).document();
}

class Reader {
  i = 0;
  private nv = 0;
  private nk = 0;
  private nb: bigint | undefined;
  constructor(
    private readonly b: Buffer,
    private readonly scanner: NumberScanner | undefined,
  ) {}

  document(): JsonValue {
    this.ws();
    if (this.peek() === 0) this.fail('The document is empty.', this.i);
    const v = this.value(0);
    this.ws();
    if (this.peek() !== 0) this.fail('The document root must not be followed by other values.', this.i);
    return v;
  }

  private fail(message: string, offset: number): never {
    throw new ServingError('INVALID_ARGUMENT', `JSON Parse error: ${message} at offset: ${offset}`);
  }

  /** rapidjson's Peek(): 0 at the end (and for a NUL byte, which it also treats as the end). */
  private peek(): number {
    return this.i < this.b.length ? this.b[this.i] : 0;
  }

  private ws(): void {
    const b = this.b;
    let i = this.i;
    while (i < b.length) {
      const c = b[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`Nesting deeper than ${MAX_DEPTH} levels.`, this.i);
    switch (this.peek()) {
      case 0x6e:
        return this.literal('null', null);
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x22:
        return this.string(false);
      case 0x7b:
        return this.object(depth);
      case 0x5b:
        return this.array(depth);
      default:
        this.number();
        return new JsonNumber(this.nv, this.nk, this.nb);
    }
  }

  private literal<T>(word: string, v: T): T {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.peek() !== word.charCodeAt(k)) this.fail('Invalid value.', this.i);
      this.i++;
    }
    return v;
  }

  private object(depth: number): JsonObject {
    const o = new JsonObject();
    this.i++;
    this.ws();
    if (this.peek() === 0x7d) {
      this.i++;
      return o;
    }
    for (;;) {
      if (this.peek() !== 0x22) this.fail('Missing a name for object member.', this.i);
      o.keys.push(this.string(true) as string);
      this.ws();
      if (this.peek() !== 0x3a) this.fail('Missing a colon after a name of object member.', this.i);
      this.i++;
      this.ws();
      o.values.push(this.value(depth + 1));
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === 0x2c) this.ws();
      else if (c === 0x7d) return o;
      else this.fail("Missing a comma or '}' after an object member.", this.i - 1);
    }
  }

  private array(depth: number): JsonValue {
    this.i++;
    this.ws();
    if (this.peek() === 0x5d) {
      this.i++;
      return [];
    }
    // All numbers so far: they go to the number slab.
    let numbers = true;
    numbersBegin();
    let bigs: Map<number, bigint> | undefined;
    let items: JsonValue[] = [];
    // Elements to leave to JS after the scanner took none (doubling while it keeps taking none:
    // an array of int64s or subnormals would otherwise pay a native call per element).
    let skip = 0;
    let backoff = 1;
    for (;;) {
      let c = this.peek();
      if (numbers && this.scanner && ((c >= 0x30 && c <= 0x39) || c === 0x2d) && skip-- <= 0) {
        // The plain numbers natively; what it leaves (the next element) goes the JS way.
        const at = this.i;
        this.i = scanNumbers(this.scanner, this.b, at);
        if (this.b[this.i - 1] === 0x5d) return numbersEnd(bigs);
        if (this.i !== at) backoff = 1;
        else [skip, backoff] = [backoff, Math.min(backoff * 2, 64)];
        c = this.peek();
      }
      const numeric = c !== 0x22 && c !== 0x5b && c !== 0x7b && c !== 0x74 && c !== 0x66 && c !== 0x6e;
      if (numbers && numeric) {
        this.number();
        if (this.nb !== undefined) {
          bigs ??= new Map();
          bigs.set(numbersCount(), this.nb);
        }
        numbersPush(this.nv, this.nk);
      } else {
        if (numbers) {
          items = numbersAbandon(bigs);
          numbers = false;
        }
        items.push(this.value(depth + 1));
      }
      this.ws();
      const d = this.peek();
      this.i++;
      if (d === 0x2c) this.ws();
      else if (d === 0x5d) return numbers ? numbersEnd(bigs) : items;
      else this.fail("Missing a comma or ']' after an array element.", this.i - 1);
    }
  }

  /** Parses a number token into nv / nk / nb. */
  private number(): void {
    const b = this.b;
    const start = this.i;
    let i = start;
    const minus = b[i] === 0x2d;
    if (minus) i++;
    this.nb = undefined;
    const c = i < b.length ? b[i] : 0;
    if (c === 0x4e || c === 0x49) {
      this.nanOrInf(i, minus);
      return;
    }
    // The significant digits: the first 15 in `high` (exact), the next 4 in `low`; `sig` counts all.
    let high = 0;
    let low = 0;
    let lowDigits = 0;
    let sig = 0;
    let digits = 0;
    if (c === 0x30) {
      i++;
      digits = 1;
    } else if (c >= 0x31 && c <= 0x39) {
      while (i < b.length) {
        const d = b[i] - 0x30;
        if (d < 0 || d > 9) break;
        i++;
        digits++;
        if (sig < 15) high = high * 10 + d;
        else if (sig < 19) {
          low = low * 10 + d;
          lowDigits++;
        }
        sig++;
      }
    } else this.fail('Invalid value.', i);
    let frac = 0;
    let exp = 0;
    let decimal = false;
    if (i < b.length && b[i] === 0x2e) {
      i++;
      decimal = true;
      const from = i;
      while (i < b.length) {
        const d = b[i] - 0x30;
        if (d < 0 || d > 9) break;
        i++;
        if (sig === 0 && d === 0) continue; // leading zeros of 0.00…
        if (sig < 15) high = high * 10 + d;
        else if (sig < 19) {
          low = low * 10 + d;
          lowDigits++;
        }
        sig++;
      }
      frac = i - from;
      if (frac === 0) this.fail('Miss fraction part in number.', i);
    }
    if (i < b.length && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      decimal = true;
      const negExp = b[i] === 0x2d;
      if (negExp || b[i] === 0x2b) i++;
      if (!(i < b.length && b[i] >= 0x30 && b[i] <= 0x39)) this.fail('Miss exponent in number.', i);
      while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) exp = Math.min(exp * 10 + (b[i++] - 0x30), 1e6);
      if (negExp) exp = -exp;
    }
    this.i = i;
    if (!decimal) {
      this.integer(start, i, minus, high, digits);
      return;
    }
    const e = exp - frac;
    // Clinger's fast path (an exact significand times an exact power of ten rounds once), then
    // the double-double one; the text only for what neither can decide.
    let v =
      sig <= 15 && e >= -22 && e <= 22
        ? e >= 0
          ? high * POW10[e]
          : high / POW10[-e]
        : sig <= 19
          ? decimalToDouble(high, low, lowDigits, e)
          : Number.NaN;
    if (Number.isNaN(v)) v = Math.abs(Number(latin1(b, start, i)));
    if (v === Infinity) this.fail('Number too big to be stored in double.', start);
    this.nv = minus ? -v : v;
    this.nk = NUM_DOUBLE;
  }

  private integer(start: number, end: number, minus: boolean, m: number, digits: number): void {
    if (digits <= 15) {
      const v = minus ? -m : m;
      this.nv = v === 0 ? 0 : v;
      this.nk =
        v >= -2147483648 && v <= 2147483647
          ? NUM_INT
          : v < 0
            ? NUM_INT64_NEG
            : v <= 4294967295
              ? NUM_UINT
              : NUM_INT64_POS;
      return;
    }
    const big = BigInt(this.b.toString('latin1', start, end));
    if (big >= -(2n ** 63n) && big < 2n ** 64n) {
      this.nb = big;
      this.nv = Number(big);
      this.nk = big < 0n ? NUM_INT64_NEG : big < 2n ** 63n ? NUM_INT64_POS : NUM_UINT64;
      return;
    }
    this.nv = Number(big);
    if (!Number.isFinite(this.nv)) this.fail('Number too big to be stored in double.', start);
    this.nk = NUM_DOUBLE;
  }

  private nanOrInf(i: number, minus: boolean): void {
    const word = this.b[i] === 0x4e ? 'NaN' : 'Infinity';
    let k = 0;
    // rapidjson takes `Inf` alone, or all of `Infinity` once an `i` follows.
    const need = word === 'NaN' ? 3 : i + 3 < this.b.length && this.b[i + 3] === 0x69 ? 8 : 3;
    for (; k < need; k++)
      if (i + k >= this.b.length || this.b[i + k] !== word.charCodeAt(k)) this.fail('Invalid value.', i + k);
    this.i = i + k;
    this.nv = word === 'NaN' ? Number.NaN : minus ? -Infinity : Infinity;
    this.nk = NUM_DOUBLE;
  }

  private string(key: boolean): string | Uint8Array {
    const b = this.b;
    const start = ++this.i;
    let i = start;
    let high = false;
    for (; i < b.length; i++) {
      const c = b[i];
      if (c === 0x22 || c === 0x5c || c < 0x20) break;
      if (c >= 0x80) high = true;
    }
    if (i < b.length && b[i] === 0x22) {
      this.i = i + 1;
      if (!high) return b.toString('latin1', start, i);
      return key || isUtf8(b.subarray(start, i))
        ? b.toString('utf8', start, i)
        : Uint8Array.prototype.slice.call(b, start, i);
    }
    this.i = i;
    return this.escapedString(start, key);
  }

  /** The slow path: a string with escapes, or an unterminated / malformed one. */
  private escapedString(start: number, key: boolean): string | Uint8Array {
    const b = this.b;
    const out: number[] = [];
    for (let k = start; k < this.i; k++) out.push(b[k]);
    for (;;) {
      const c = this.peek();
      if (c === 0x22) {
        this.i++;
        const bytes = Uint8Array.from(out);
        return key || isUtf8(bytes) ? Buffer.from(bytes).toString('utf8') : bytes;
      }
      if (c === 0) this.fail('Missing a closing quotation mark in string.', this.i);
      if (c < 0x20) this.fail('Invalid encoding in string.', this.i);
      if (c !== 0x5c) {
        out.push(c);
        this.i++;
        continue;
      }
      const at = this.i;
      const e = b[++this.i];
      this.i++;
      if (ESCAPES[e] !== undefined) {
        out.push(ESCAPES[e]);
        continue;
      }
      if (e !== 0x75) this.fail('Invalid escape character in string.', at);
      let cp = this.hex4(at);
      if (cp >= 0xd800 && cp <= 0xdfff) {
        if (cp > 0xdbff || this.peek() !== 0x5c || b[this.i + 1] !== 0x75)
          this.fail('The surrogate pair in string is invalid.', at);
        this.i += 2;
        const low = this.hex4(at);
        if (low < 0xdc00 || low > 0xdfff) this.fail('The surrogate pair in string is invalid.', at);
        cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
      }
      for (const byte of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(byte);
    }
  }

  private hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.peek();
      const d =
        c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1;
      if (d < 0) this.fail('Incorrect hex digit after \\u escape in string.', at);
      v = v * 16 + d;
      this.i++;
    }
    return v;
  }
}
