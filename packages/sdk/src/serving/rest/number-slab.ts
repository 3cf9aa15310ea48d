/**
 * Where the JSON reader puts the elements of all-number arrays: one shared pair of typed arrays
 * (a slab, like Buffer's pool) that each finished {@link NumArray} views. A 784-number request
 * then costs no allocation but the views; growing JS arrays and copying into fresh typed arrays
 * cost more than the native scanner's whole pass.
 *
 * One array fills at a time: an array that meets a non-number stops being all-number before the
 * reader descends into that element, so a nested array starts after its parent's numbers.
 */
import { JsonNumber, NumArray } from './json-value';
import type { NumberScanner } from './native-numbers';

/** Elements per slab; a bigger array gets a slab of its own. */
const SLAB = 1 << 16;

let values = new Float64Array(SLAB);
let kinds = new Uint8Array(SLAB);
/** The array being filled: values[base..top). */
let base = 0;
let top = 0;
const state = new Float64Array(2);

/**
 * Starts an all-number array.
 * @example
 *   numbersBegin(); numbersPush(1, NUM_INT); const a = numbersEnd(undefined);
 */
export function numbersBegin(): void {
  // A slab grown for one huge array is not kept for every array after it.
  if (values.length > SLAB || top === SLAB) {
    values = new Float64Array(SLAB);
    kinds = new Uint8Array(SLAB);
    top = 0;
  }
  base = top;
}

/**
 * How many numbers the current array holds.
 * @example
 *   bigs.set(numbersCount(), big);
 */
export function numbersCount(): number {
  return top - base;
}

/**
 * Appends one number to the current array.
 * @example
 *   numbersPush(1.5, NUM_DOUBLE);
 */
export function numbersPush(v: number, kind: number): void {
  if (top === values.length) grow(1);
  values[top] = v;
  kinds[top++] = kind;
}

/**
 * The current array, finished: views of the slab, which later arrays do not touch.
 * @example
 *   return numbersEnd(bigs);
 */
export function numbersEnd(bigs: Map<number, bigint> | undefined): NumArray {
  const n = top - base;
  return new NumArray(new Float64Array(values.buffer, base * 8, n), kinds.subarray(base, top), bigs);
}

/**
 * Drops the current array (it met a non-number) and returns its numbers one by one.
 * @example
 *   items = numbersAbandon(bigs);
 */
export function numbersAbandon(bigs: Map<number, bigint> | undefined): JsonNumber[] {
  const out: JsonNumber[] = [];
  for (let k = base; k < top; k++) out.push(new JsonNumber(values[k], kinds[k], bigs?.get(k - base)));
  top = base;
  return out;
}

/**
 * Appends the run of plain numbers at `pos` with the native scanner and returns where the reader
 * goes on: just past the array's `]` when the run ended it (the only case where the byte before
 * the result is `]`), else the start of the next element, which the JS path parses or reports
 * (`pos` itself when the scanner took nothing).
 * @example
 *   i = scanNumbers(scanner, body, i);
 *   if (body[i - 1] === 0x5d) return numbersEnd(bigs);
 */
export function scanNumbers(scanner: NumberScanner, body: Uint8Array, pos: number): number {
  for (;;) {
    top = scanner.scan(body, pos, values, kinds, top, state);
    pos = state[0];
    if (state[1] === 1 || top < values.length) return pos;
    grow(top - base);
  }
}

/** Room for `extra` more numbers: the current array moves to a new slab (at its start). */
function grow(extra: number): void {
  const n = top - base;
  const size = Math.max(SLAB, 2 * (n + extra));
  const v = new Float64Array(size);
  const k = new Uint8Array(size);
  v.set(values.subarray(base, top));
  k.set(kinds.subarray(base, top));
  values = v;
  kinds = k;
  base = 0;
  top = n;
}
