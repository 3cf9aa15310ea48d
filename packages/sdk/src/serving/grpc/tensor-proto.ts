/**
 * `tensorflow.TensorProto` ↔ {@link ServingTensor}, with TensorFlow's own rules:
 *
 * - Reading (`Tensor::FromProto`): a non-empty `tensor_content` wins; otherwise the dtype's typed
 *   field (`float_val`, `int_val`, …) is read; a typed field shorter than the shape repeats its
 *   last value, an empty one gives zeros, a longer one is cut. Anything else is
 *   "tensor parsing error: <alias>" (INVALID_ARGUMENT).
 * - Writing: typed fields (`Tensor::AsProtoField`, TF Serving's default), or `tensor_content`
 *   (`AsProtoTensorContent`, TF Serving's `--enable_serialization_as_tensor_content`).
 */
import { type ServingDType, ServingError, type ServingTensor } from '../types';
import { decodeTensorContent, encodeTensorContent } from './tensor-content';

/**
 * The TensorProto fields this module reads and writes, as protobufjs gives them (keepCase).
 * @example
 *   const t: TensorProtoMessage = { dtype: 1, tensor_shape: { dim: [{ size: 2 }] }, float_val: [1, 2] };
 */
export interface TensorProtoMessage {
  dtype?: number;
  tensor_shape?: { dim?: Array<{ size?: number | LongLike | string; name?: string }>; unknown_rank?: boolean } | null;
  version_number?: number;
  tensor_content?: Uint8Array;
  half_val?: ArrayLike<number>;
  float_val?: ArrayLike<number>;
  double_val?: ArrayLike<number>;
  int_val?: ArrayLike<number>;
  string_val?: Uint8Array[];
  int64_val?: ArrayLike<number | LongLike | string>;
  bool_val?: ArrayLike<boolean>;
  uint32_val?: ArrayLike<number>;
  uint64_val?: ArrayLike<number | LongLike | string>;
}

/**
 * protobufjs' Long (int64 fields) without importing the `long` package.
 * @example
 *   toBigInt({ low: 1, high: 0, unsigned: false } as LongLike, false); // 1n
 */
export interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

/**
 * TF DataType enum values of the dtypes tfscale serves (tensorflow/core/framework/types.proto).
 * @example
 *   DATA_TYPE.float32; // 1 (DT_FLOAT)
 */
export const DATA_TYPE: Readonly<Record<ServingDType, number>> = {
  float32: 1,
  float64: 2,
  int32: 3,
  uint8: 4,
  int16: 5,
  int8: 6,
  string: 7,
  int64: 9,
  bool: 10,
  uint16: 17,
  float16: 19,
  uint32: 22,
  uint64: 23,
};

const DTYPE_OF = new Map<number, ServingDType>(Object.entries(DATA_TYPE).map(([k, v]) => [v, k as ServingDType]));

/** TF's `DataTypeString` names (used in TF's error messages), by DataType value. */
const TF_TYPE_NAMES: Record<number, string> = {
  1: 'float',
  2: 'double',
  3: 'int32',
  4: 'uint8',
  5: 'int16',
  6: 'int8',
  7: 'string',
  8: 'complex64',
  9: 'int64',
  10: 'bool',
  14: 'bfloat16',
  17: 'uint16',
  18: 'complex128',
  19: 'half',
  22: 'uint32',
  23: 'uint64',
};

/**
 * TF's name of a dtype as its error messages print it (`float`, `double`, `int64`, …).
 * @example
 *   tfTypeName('float32'); // 'float'
 */
export function tfTypeName(dtype: ServingDType): string {
  return TF_TYPE_NAMES[DATA_TYPE[dtype]]!;
}

/**
 * Reads a request tensor. Throws ServingError INVALID_ARGUMENT "tensor parsing error: <alias>"
 * where TF's `Tensor::FromProto` fails, UNIMPLEMENTED for a valid TF dtype tfscale cannot serve.
 * @example
 *   decodeTensorProto({ dtype: 1, tensor_shape: { dim: [{ size: 2 }] }, float_val: [1.5] }, 'x');
 *   // { dtype: 'float32', shape: [2], data: Float32Array [1.5, 1.5] }
 */
export function decodeTensorProto(proto: TensorProtoMessage, alias: string): ServingTensor {
  const code = proto.dtype ?? 0;
  const dtype = DTYPE_OF.get(code);
  if (dtype === undefined) {
    const name = TF_TYPE_NAMES[code];
    if (name === undefined) throw parseError(alias);
    throw new ServingError('UNIMPLEMENTED', `Input ${alias} has dtype ${name}, which tfscale does not serve.`);
  }
  const dims = proto.tensor_shape?.dim ?? [];
  if (proto.tensor_shape?.unknown_rank) throw parseError(alias);
  // Loops, not map/some/reduce: this runs for every input of every call.
  const shape: number[] = [];
  for (const d of dims) shape.push(toNumber(d.size ?? 0));
  let count = 1;
  for (const n of shape) {
    if (!Number.isSafeInteger(n) || n < 0) throw parseError(alias);
    count *= n;
  }
  if (count === 0) return { dtype, shape, data: emptyData(dtype) };
  const content = proto.tensor_content;
  if (content && content.length > 0) {
    const data = decodeTensorContent(dtype, content, count);
    if (!data) throw parseError(alias);
    return { dtype, shape, data };
  }
  return { dtype, shape, data: fromTypedField(dtype, proto, count) };
}

function parseError(alias: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', `tensor parsing error: ${alias}`);
}

/**
 * Writes a response tensor the way TF Serving does: typed fields by default, or
 * `tensor_content` when `asTensorContent`.
 * @example
 *   encodeTensorProto({ dtype: 'float32', shape: [1], data: Float32Array.of(3) });
 *   // { dtype: 1, tensor_shape: { dim: [{ size: 1 }] }, float_val: Float32Array [3] }
 */
export function encodeTensorProto(tensor: ServingTensor, asTensorContent = false): TensorProtoMessage {
  const proto: TensorProtoMessage = {
    dtype: DATA_TYPE[tensor.dtype],
    tensor_shape: { dim: tensor.shape.map((size) => ({ size })) },
  };
  if (asTensorContent) {
    proto.tensor_content = encodeTensorContent(tensor);
    return proto;
  }
  const data = tensor.data;
  switch (tensor.dtype) {
    case 'float32':
      proto.float_val = data as Float32Array;
      break;
    case 'float64':
      proto.double_val = data as Float64Array;
      break;
    case 'float16':
      proto.half_val = data as Uint16Array;
      break;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
      proto.int_val = data as ArrayLike<number>;
      break;
    case 'uint32':
      proto.uint32_val = data as Uint32Array;
      break;
    case 'int64':
    case 'uint64':
      // protobufjs takes int64 as decimal strings; BigInt does not fit its number path.
      proto[tensor.dtype === 'int64' ? 'int64_val' : 'uint64_val'] = Array.from(data as BigInt64Array, String);
      break;
    case 'bool':
      proto.bool_val = Array.from(data as Uint8Array, (v) => v !== 0);
      break;
    case 'string':
      proto.string_val = data as Uint8Array[];
      break;
  }
  return proto;
}

/**
 * An int64 field value (number, protobufjs Long or decimal string) as a JS number.
 * @example
 *   toNumber({ low: 5, high: 0, unsigned: false }); // 5
 */
export function toNumber(value: number | LongLike | string | bigint): number {
  if (typeof value === 'number') return value;
  // Dims and versions are small: a Long below 2^31 is its low word, no BigInt needed.
  if (typeof value === 'object' && value.high === 0 && value.low >= 0) return value.low;
  return Number(toBigInt(value, false));
}

/**
 * An int64/uint64 field value as a BigInt (two's complement for signed fields).
 * @example
 *   toBigInt({ low: -1, high: -1, unsigned: false }, false); // -1n
 */
export function toBigInt(value: number | LongLike | string | bigint, unsigned: boolean): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return unsigned ? BigInt.asUintN(64, bits) : BigInt.asIntN(64, bits);
}

function emptyData(dtype: ServingDType): ServingTensor['data'] {
  return dtype === 'string' ? [] : fromTypedField(dtype, {}, 0);
}

/** Reads `count` values from the dtype's typed field with TF's repeat-last / zero-fill rule. */
function fromTypedField(dtype: ServingDType, proto: TensorProtoMessage, count: number): ServingTensor['data'] {
  switch (dtype) {
    case 'float32':
      return fill(new Float32Array(count), proto.float_val, Number);
    case 'float64':
      return fill(new Float64Array(count), proto.double_val, Number);
    case 'float16':
      return fill(new Uint16Array(count), proto.half_val, Number);
    case 'int8':
      return fill(new Int8Array(count), proto.int_val, Number);
    case 'int16':
      return fill(new Int16Array(count), proto.int_val, Number);
    case 'int32':
      return fill(new Int32Array(count), proto.int_val, Number);
    case 'uint8':
      return fill(new Uint8Array(count), proto.int_val, Number);
    case 'uint16':
      return fill(new Uint16Array(count), proto.int_val, Number);
    case 'uint32':
      return fill(new Uint32Array(count), proto.uint32_val, Number);
    case 'int64':
      return fill(new BigInt64Array(count), proto.int64_val, (v) => toBigInt(v, false));
    case 'uint64':
      return fill(new BigUint64Array(count), proto.uint64_val, (v) => toBigInt(v, true));
    case 'bool':
      return fill(new Uint8Array(count), proto.bool_val, (v): number => (v ? 1 : 0));
    case 'string': {
      const src = proto.string_val ?? [];
      const empty = new Uint8Array(0);
      return Array.from({ length: count }, (_, i) => src[Math.min(i, src.length - 1)] ?? empty);
    }
  }
}

function fill<T extends { length: number; [i: number]: V; fill(v: V, start?: number): unknown }, V, S>(
  out: T,
  src: ArrayLike<S> | undefined,
  convert: (v: S) => V,
): T {
  const n = Math.min(out.length, src?.length ?? 0);
  for (let i = 0; i < n; i++) out[i] = convert(src![i]!);
  if (n > 0 && n < out.length) out.fill(out[n - 1]!, n);
  return out;
}
