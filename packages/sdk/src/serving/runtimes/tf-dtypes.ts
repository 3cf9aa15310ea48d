/**
 * TensorFlow's DataType enum (types.proto numbers) against the serving dtypes, with the names TF
 * prints (`DT_DOUBLE`, `double`) so refusals read like TensorFlow's own errors.
 */
import { allocate, elementCount } from '../rest/dtypes';
import type { ServingDType, ServingTensor } from '../types';

// Element counts and zeroed buffers are the REST layer's helpers; runtimes share them.
export { elementCount };

interface DTypeInfo {
  readonly code: number;
  /** `DT_*` name (metadata, wire). */
  readonly dt: string;
  /** TF's DataTypeString (`float`, `double`, …), as in "Expects arg[0] to be float". */
  readonly tf: string;
  /** Bytes per element; 0 for strings. */
  readonly bytes: number;
}

/**
 * Every serving dtype with its TF enum number, `DT_*` name, TF short name and element width.
 * @example
 *   SERVING_DTYPES.float64.code; // 2 (DT_DOUBLE)
 */
export const SERVING_DTYPES: Readonly<Record<ServingDType, DTypeInfo>> = {
  float32: { code: 1, dt: 'DT_FLOAT', tf: 'float', bytes: 4 },
  float64: { code: 2, dt: 'DT_DOUBLE', tf: 'double', bytes: 8 },
  int32: { code: 3, dt: 'DT_INT32', tf: 'int32', bytes: 4 },
  uint8: { code: 4, dt: 'DT_UINT8', tf: 'uint8', bytes: 1 },
  int16: { code: 5, dt: 'DT_INT16', tf: 'int16', bytes: 2 },
  int8: { code: 6, dt: 'DT_INT8', tf: 'int8', bytes: 1 },
  string: { code: 7, dt: 'DT_STRING', tf: 'string', bytes: 0 },
  int64: { code: 9, dt: 'DT_INT64', tf: 'int64', bytes: 8 },
  bool: { code: 10, dt: 'DT_BOOL', tf: 'bool', bytes: 1 },
  uint16: { code: 17, dt: 'DT_UINT16', tf: 'uint16', bytes: 2 },
  float16: { code: 19, dt: 'DT_HALF', tf: 'half', bytes: 2 },
  uint32: { code: 22, dt: 'DT_UINT32', tf: 'uint32', bytes: 4 },
  uint64: { code: 23, dt: 'DT_UINT64', tf: 'uint64', bytes: 8 },
};

const BY_CODE = new Map(Object.entries(SERVING_DTYPES).map(([k, v]) => [v.code, k as ServingDType]));
const BY_DT = new Map(Object.entries(SERVING_DTYPES).map(([k, v]) => [v.dt, k as ServingDType]));

/**
 * The serving dtype of a TF DataType number (`_REF` variants folded), or undefined for types a
 * servable cannot carry (complex, bfloat16, quantized, resource, variant).
 * @example
 *   dtypeFromCode(9); // 'int64'
 */
export function dtypeFromCode(code: number | undefined): ServingDType | undefined {
  if (code === undefined) return undefined;
  return BY_CODE.get(code > 100 ? code - 100 : code);
}

/**
 * The serving dtype of a `DT_*` name (tfjs graph-model signatures use them).
 * @example
 *   dtypeFromDtName('DT_INT64'); // 'int64'
 */
export function dtypeFromDtName(name: string | undefined): ServingDType | undefined {
  return name === undefined ? undefined : BY_DT.get(name);
}

/**
 * The `DT_*` name of a DataType number, `DT_<n>` when unnamed here.
 * @example
 *   dtName(8); // 'DT_COMPLEX64'
 */
export function dtName(code: number): string {
  const known = dtypeFromCode(code);
  if (known) return SERVING_DTYPES[known].dt;
  return OTHER_DT_NAMES[code] ?? `DT_${code}`;
}

const OTHER_DT_NAMES: Record<number, string> = {
  0: 'DT_INVALID',
  8: 'DT_COMPLEX64',
  11: 'DT_QINT8',
  12: 'DT_QUINT8',
  13: 'DT_QINT32',
  14: 'DT_BFLOAT16',
  15: 'DT_QINT16',
  16: 'DT_QUINT16',
  18: 'DT_COMPLEX128',
  20: 'DT_RESOURCE',
  21: 'DT_VARIANT',
};

/**
 * A zero-filled tensor of `dtype` and `shape` (empty strings for string tensors).
 * @example
 *   zeroTensor('float32', [1, 3]); // { dtype: 'float32', shape: [1, 3], data: Float32Array(3) }
 */
export function zeroTensor(dtype: ServingDType, shape: number[]): ServingTensor {
  const n = elementCount(shape);
  const data = dtype === 'string' ? Array.from({ length: n }, () => new Uint8Array(0)) : allocate(dtype, n);
  return { dtype, shape, data };
}
