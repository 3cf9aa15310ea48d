/**
 * `tensorflow.TensorProto` (decoded by protobufjs with int64 as strings, bytes as Buffers) to a
 * ServingTensor, as TF's `Tensor::FromProto` reads it: `tensor_content` (little-endian, row-major)
 * or the typed `*_val` field, whose last value fills the rest of the shape.
 */
import { dtName, dtypeFromCode, elementCount, SERVING_DTYPES } from './runtimes/tf-dtypes';
import { ServingError, type ServingTensor } from './types';

/**
 * A TensorProto object as protobufjs `toObject({ longs: String, bytes: Buffer })` gives it.
 * @example
 *   const p: TensorProtoObject = { dtype: 1, tensorShape: { dim: [{ size: '1' }] }, floatVal: [2] };
 */
export interface TensorProtoObject {
  dtype?: number;
  tensorShape?: { dim?: Array<{ size?: string | number }>; unknownRank?: boolean };
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: Array<string | number>;
  boolVal?: boolean[];
  halfVal?: number[];
  uint32Val?: number[];
  uint64Val?: Array<string | number>;
}

type Ctor = { new (n: number): ServingTensor['data'] & ArrayLike<unknown> };

const CTORS: Partial<Record<ServingTensor['dtype'], Ctor>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  float16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as Partial<Record<ServingTensor['dtype'], Ctor>>;

/**
 * Converts a decoded TensorProto. Throws INVALID_ARGUMENT "tensor parsing error: key" (TF
 * Serving's text) when it does not describe a tensor, UNIMPLEMENTED for dtypes a servable lacks.
 * @example
 *   tensorFromProto({ dtype: 1, tensorShape: { dim: [{ size: '2' }] }, floatVal: [1, 2] }, 'x');
 */
export function tensorFromProto(p: TensorProtoObject, key: string): ServingTensor {
  const dtype = dtypeFromCode(p.dtype);
  if (!dtype) throw new ServingError('UNIMPLEMENTED', `Input "${key}" has dtype ${dtName(p.dtype ?? 0)}.`);
  const bad = () => new ServingError('INVALID_ARGUMENT', `tensor parsing error: ${key}`);
  if (p.tensorShape?.unknownRank) throw bad();
  const shape = (p.tensorShape?.dim ?? []).map((d) => Number(d.size ?? 0));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw bad();
  const n = elementCount(shape);
  if (dtype === 'string') {
    const values = p.stringVal ?? [];
    if (values.length > n || (values.length === 0 && n > 0)) throw bad();
    return {
      dtype,
      shape,
      data: Array.from({ length: n }, (_, i) => new Uint8Array(values[Math.min(i, values.length - 1)]!)),
    };
  }
  const Typed = CTORS[dtype]!;
  const width = SERVING_DTYPES[dtype].bytes;
  if (p.tensorContent && p.tensorContent.length > 0) {
    if (p.tensorContent.length !== n * width) throw bad();
    const copy = new Uint8Array(p.tensorContent); // aligned, owned
    return { dtype, shape, data: new (Typed as unknown as new (b: ArrayBuffer) => ServingTensor['data'])(copy.buffer) };
  }
  const values = typedValues(p, dtype);
  if (values.length > n || (values.length === 0 && n > 0)) throw bad();
  const data = new Typed(n) as unknown as { [i: number]: unknown; length: number };
  for (let i = 0; i < n; i++) data[i] = values[Math.min(i, values.length - 1)];
  return { dtype, shape, data: data as unknown as ServingTensor['data'] };
}

function typedValues(p: TensorProtoObject, dtype: ServingTensor['dtype']): unknown[] {
  switch (dtype) {
    case 'float32':
      return p.floatVal ?? [];
    case 'float64':
      return p.doubleVal ?? [];
    case 'int64':
      return (p.int64Val ?? []).map((v) => BigInt(v));
    case 'uint64':
      return (p.uint64Val ?? []).map((v) => BigInt(v));
    case 'uint32':
      return p.uint32Val ?? [];
    case 'bool':
      return (p.boolVal ?? []).map((v) => (v ? 1 : 0));
    case 'float16':
      return p.halfVal ?? [];
    default:
      return p.intVal ?? [];
  }
}
