/**
 * Numeric tensors in a bundle's data file are their raw little-endian element bytes, row-major,
 * nothing else (tensor_bundle.cc WriteTensor: `val.tensor_data()`; bool is one byte, 0 or 1).
 */
import { invalidValue } from '../../core/errors';
import { BUNDLE_DTYPES, type BundleDataByDtype, type BundleDtype } from './bundle-format';

type NumericDtype = Exclude<BundleDtype, 'string'>;

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as const;

/** Checks one element of a plain (non-typed) array and converts it to what the typed array stores. */
function element(dtype: NumericDtype, value: unknown, name: string, i: number): number | bigint {
  const bad = (expected: string) => invalidValue(`${name}[${i}]`, value, `${expected} (dtype ${dtype})`);
  switch (dtype) {
    case 'float32':
    case 'float64':
      if (typeof value !== 'number') throw bad('a number');
      return value;
    case 'int32':
      if (!Number.isInteger(value) || (value as number) < -(2 ** 31) || (value as number) >= 2 ** 31) {
        throw bad('an integer in [-2^31, 2^31)');
      }
      return value as number;
    case 'int64':
      if (typeof value === 'bigint' && BigInt.asIntN(64, value) === value) return value;
      if (Number.isSafeInteger(value)) return BigInt(value as number);
      throw bad('a safe integer or a bigint in the int64 range');
    case 'bool':
      if (typeof value !== 'boolean' && value !== 0 && value !== 1) throw bad('a boolean, 0 or 1');
      return value ? 1 : 0;
  }
}

/**
 * The data-file bytes of a numeric tensor (a fresh copy, so later changes to `data` cannot race
 * the write). A typed array of the dtype's own type is copied as it is; anything else (plain
 * arrays, other typed arrays) is checked element by element.
 *
 * @example
 * ```ts
 * numericTensorBytes('int64', [1, 2n], 'step'); // 16 bytes
 * ```
 */
export function numericTensorBytes(dtype: NumericDtype, data: ArrayLike<unknown>, name: string): Buffer {
  const Array_ = ARRAYS[dtype];
  let typed: ArrayBufferView;
  if (data instanceof Array_ && dtype !== 'bool') {
    typed = data;
  } else {
    const out = new Array_(data.length) as { [i: number]: number | bigint } & ArrayBufferView;
    for (let i = 0; i < data.length; i++) out[i] = element(dtype, data[i], name, i);
    typed = out;
  }
  return Buffer.from(Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength));
}

/**
 * The typed array of `count` elements stored in `bytes` (copied into aligned memory).
 *
 * @example
 * ```ts
 * tensorFromBytes('float32', Buffer.from('0000803f', 'hex'), 1); // Float32Array [1]
 * ```
 */
export function tensorFromBytes<D extends NumericDtype>(dtype: D, bytes: Buffer, count: number): BundleDataByDtype[D] {
  const out = new ARRAYS[dtype](count);
  new Uint8Array(out.buffer).set(bytes.subarray(0, count * BUNDLE_DTYPES[dtype].bytes));
  return out as BundleDataByDtype[D];
}
