/**
 * Each serving dtype's names on the wire: TF's `DataType` enum (metadata), `DataTypeString`
 * (error messages) and the Open Inference Protocol datatype (KServe V2), plus typed-array
 * allocation for building tensors.
 */
import type { ServingDType, ServingTensor } from '../types';

/**
 * Names of one dtype in each protocol.
 * @example
 *   const n: DTypeNames = DTYPES.int64; // { enumName: 'DT_INT64', tfName: 'int64', v2: 'INT64' }
 */
export interface DTypeNames {
  /** `DT_FLOAT`: the DataType enum name. */
  readonly enumName: string;
  /** `float`: TF's DataTypeString, as TF Serving's messages say it. */
  readonly tfName: string;
  /** `FP32`: the Open Inference Protocol datatype. */
  readonly v2: string;
}

/**
 * Wire names by dtype.
 * @example
 *   DTYPES.float32.enumName; // 'DT_FLOAT'
 */
export const DTYPES: Readonly<Record<ServingDType, DTypeNames>> = {
  float32: { enumName: 'DT_FLOAT', tfName: 'float', v2: 'FP32' },
  float64: { enumName: 'DT_DOUBLE', tfName: 'double', v2: 'FP64' },
  float16: { enumName: 'DT_HALF', tfName: 'half', v2: 'FP16' },
  int8: { enumName: 'DT_INT8', tfName: 'int8', v2: 'INT8' },
  int16: { enumName: 'DT_INT16', tfName: 'int16', v2: 'INT16' },
  int32: { enumName: 'DT_INT32', tfName: 'int32', v2: 'INT32' },
  int64: { enumName: 'DT_INT64', tfName: 'int64', v2: 'INT64' },
  uint8: { enumName: 'DT_UINT8', tfName: 'uint8', v2: 'UINT8' },
  uint16: { enumName: 'DT_UINT16', tfName: 'uint16', v2: 'UINT16' },
  uint32: { enumName: 'DT_UINT32', tfName: 'uint32', v2: 'UINT32' },
  uint64: { enumName: 'DT_UINT64', tfName: 'uint64', v2: 'UINT64' },
  bool: { enumName: 'DT_BOOL', tfName: 'bool', v2: 'BOOL' },
  string: { enumName: 'DT_STRING', tfName: 'string', v2: 'BYTES' },
};

/**
 * The serving dtype of an Open Inference Protocol datatype, if we serve it.
 * @example
 *   dtypeFromV2('INT64'); // 'int64'
 */
export function dtypeFromV2(datatype: string): ServingDType | undefined {
  for (const [dtype, names] of Object.entries(DTYPES)) if (names.v2 === datatype) return dtype as ServingDType;
  return undefined;
}

/**
 * Numeric tensor storage (everything but strings).
 * @example
 *   const data: NumericData = allocate('float32', 4);
 */
export type NumericData = Exclude<ServingTensor['data'], Uint8Array[]>;

/** A typed-array class of numeric tensor storage: by element count, or over existing bytes. */
export interface TypedArrayClass {
  new (length: number): NumericData;
  new (buffer: ArrayBuffer): NumericData;
}

/**
 * The typed array holding each numeric dtype (bool as bytes, float16 as bits, int64 as BigInt64).
 * @example
 *   new TYPED_ARRAYS.float64(bytes); // a Float64Array view of `bytes`
 */
export const TYPED_ARRAYS: Readonly<Record<Exclude<ServingDType, 'string'>, TypedArrayClass>> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/**
 * A zeroed typed array for `n` elements of `dtype`.
 * @example
 *   allocate('int64', 3); // BigInt64Array(3)
 */
export function allocate(dtype: Exclude<ServingDType, 'string'>, n: number): NumericData {
  return new TYPED_ARRAYS[dtype](n);
}

/**
 * Number of elements of a shape (1 for a scalar).
 * @example
 *   elementCount([2, 3]); // 6
 */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A float16 bit pattern as a number.
 * @example
 *   halfToFloat(0x3c00); // 1
 */
export function halfToFloat(bits: number): number {
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const F32 = new Float32Array(1);
const F32_BITS = new Uint32Array(F32.buffer);

/**
 * A number as float16 bits, rounded to nearest even (what TF's `Eigen::half` cast does).
 * @example
 *   floatToHalf(1); // 0x3c00
 */
export function floatToHalf(v: number): number {
  F32[0] = v;
  const x = F32_BITS[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to infinity: the bit layout does it.
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}
