/**
 * The values the JSON reader produces: numbers that remember their token kind (rapidjson's
 * int / uint / int64 / uint64 / double), all-number arrays held as flat arrays, and objects that
 * keep member order and duplicates.
 */

/**
 * Number kinds, after rapidjson's flags: an integer token in int32 range (IsInt, IsInt64, and
 * IsUint/IsUint64 when ≥ 0).
 * @example
 *   parseJson(Buffer.from('[1]')).kinds[0] === NUM_INT; // true
 */
export const NUM_INT = 0;
/**
 * Integer token in (int32 max, uint32 max]: IsUint, IsInt64, IsUint64.
 * @example
 *   if (kind === NUM_UINT) { handle(); }
 */
export const NUM_UINT = 1;
/**
 * Negative integer token below int32 min: IsInt64 only.
 * @example
 *   if (kind === NUM_INT64_NEG) { handle(); }
 */
export const NUM_INT64_NEG = 2;
/**
 * Integer token in (uint32 max, int64 max]: IsInt64 and IsUint64.
 * @example
 *   if (kind === NUM_INT64_POS) { handle(); }
 */
export const NUM_INT64_POS = 3;
/**
 * Integer token in (int64 max, uint64 max]: IsUint64 only.
 * @example
 *   if (kind === NUM_UINT64) { handle(); }
 */
export const NUM_UINT64 = 4;
/**
 * Token with a fraction or exponent, NaN / Infinity, or an integer beyond uint64.
 * @example
 *   if (kind === NUM_DOUBLE) { handle(); }
 */
export const NUM_DOUBLE = 5;

/**
 * A number outside an all-number array.
 * @example
 *   new JsonNumber(1, NUM_INT);
 */
export class JsonNumber {
  constructor(
    readonly value: number,
    readonly kind: number,
    /** Exact value of a 64-bit integer token. */
    readonly big?: bigint,
  ) {}
}

/**
 * A non-empty array whose elements are all numbers. The reader gives typed arrays: views of a
 * shared slab (number-slab.ts) that is never written again, so they stay valid; one kept for
 * long keeps its slab (up to 576 KB) alive.
 * @example
 *   const a = new NumArray([1.5], [NUM_DOUBLE]); a.at(0).value; // 1.5
 */
export class NumArray {
  constructor(
    readonly values: ArrayLike<number>,
    readonly kinds: ArrayLike<number>,
    /** Exact values of 64-bit integer elements, by index. */
    readonly bigs?: Map<number, bigint>,
  ) {}
  get length(): number {
    return this.values.length;
  }
  /** Element `i` as a {@link JsonNumber} (for messages; hot paths read the arrays). */
  at(i: number): JsonNumber {
    return new JsonNumber(this.values[i], this.kinds[i], this.bigs?.get(i));
  }
}

/**
 * An object with its members in document order (duplicates kept, lookups find the first).
 * @example
 *   doc.get('instances');
 */
export class JsonObject {
  readonly keys: string[] = [];
  readonly values: JsonValue[] = [];
  get(key: string): JsonValue | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }
  has(key: string): boolean {
    return this.keys.includes(key);
  }
}

/**
 * A parsed value; a string that is not valid UTF-8 stays as its bytes.
 * @example
 *   const v: JsonValue = parseJson(Buffer.from('{"a": [1, 2]}'));
 */
export type JsonValue = null | boolean | string | Uint8Array | JsonNumber | NumArray | JsonValue[] | JsonObject;
