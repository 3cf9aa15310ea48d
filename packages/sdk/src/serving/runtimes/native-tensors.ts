/**
 * ServingTensor ↔ TensorFlow tensor handles through tfjs-node's addon. The addon creates and reads
 * only float32, int32, int64, bool, uint8 (create) and string tensors; every other dtype crosses as
 * raw bytes and one `Bitcast` (or a lossless `Cast` for 8/16-bit integers), so nothing is rounded:
 * int64/uint64 keep all 64 bits (BigInt64Array), float64 all 53.
 */
import { type ServingDType, ServingError, type ServingTensor } from '../types';
import { dtName, dtypeFromCode, elementCount, SERVING_DTYPES } from './tf-dtypes';

/**
 * The part of tfjs-node's N-API binding (4.22) the serving runtime uses. Handles are numbers;
 * each must be deleted once.
 * @example
 *   const id = binding.createTensor([1], binding.TF_FLOAT, Float32Array.of(1));
 */
export interface NativeBinding {
  readonly TF_FLOAT: number;
  readonly TF_INT32: number;
  readonly TF_INT64: number;
  readonly TF_BOOL: number;
  readonly TF_STRING: number;
  readonly TF_UINT8: number;
  readonly TF_ATTR_TYPE: number;
  readonly TF_ATTR_BOOL: number;
  createTensor(shape: number[], dtype: number, data: ArrayBufferView | Uint8Array[]): number;
  deleteTensor(id: number): void;
  tensorDataSync(id: number): ArrayBufferView | Uint8Array[];
  executeOp(name: string, attrs: NativeAttr[], inputs: number[], outputs: number): NativeTensorInfo[];
  loadSavedModel(dir: string, tags: string): number;
  deleteSavedModel(id: number): void;
  runSavedModel(id: number, inputs: number[], inputNames: string, outputNames: string): NativeTensorInfo[];
}

/**
 * An op attribute as the binding takes it.
 * @example
 *   const attr: NativeAttr = { name: 'T', type: binding.TF_ATTR_TYPE, value: 2 };
 */
export interface NativeAttr {
  name: string;
  type: number;
  value: number | boolean;
}

/**
 * A tensor handle the binding returned: its id, shape and DataType number.
 * @example
 *   const [out] = binding.runSavedModel(session, [id], 'x:0', 'y:0'); // { id: 7, shape: [1, 1], dtype: 1 }
 */
export interface NativeTensorInfo {
  id: number;
  shape: number[];
  dtype: number;
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Creates a TensorFlow tensor holding `t`; returns its handle and the intermediate handles to
 * delete after the run.
 * @example
 *   const { id, temps } = toNative(binding, { dtype: 'float64', shape: [2], data: Float64Array.of(1, 2) });
 */
export function toNative(b: NativeBinding, t: ServingTensor): { id: number; temps: number[] } {
  const shape = [...t.shape];
  switch (t.dtype) {
    case 'float32':
      return { id: b.createTensor(shape, b.TF_FLOAT, t.data as Float32Array), temps: [] };
    case 'int32':
      return { id: b.createTensor(shape, b.TF_INT32, t.data as Int32Array), temps: [] };
    case 'bool':
      return { id: b.createTensor(shape, b.TF_BOOL, t.data as Uint8Array), temps: [] };
    case 'uint8':
      return { id: b.createTensor(shape, b.TF_UINT8, t.data as Uint8Array), temps: [] };
    case 'string':
      return { id: b.createTensor(shape, b.TF_STRING, t.data as Uint8Array[]), temps: [] };
    case 'int64': {
      // The addon takes int64 as (low, high) int32 pairs: the same bytes, reinterpreted.
      const d = t.data as BigInt64Array;
      return { id: b.createTensor(shape, b.TF_INT64, new Int32Array(d.buffer, d.byteOffset, d.length * 2)), temps: [] };
    }
    default: {
      const width = SERVING_DTYPES[t.dtype].bytes;
      const raw = b.createTensor(width > 1 ? [...shape, width] : shape, b.TF_UINT8, bytesOf(t.data as ArrayBufferView));
      const [cast] = b.executeOp('Bitcast', typeAttrs(b, b.TF_UINT8, SERVING_DTYPES[t.dtype].code), [raw], 1);
      return { id: cast!.id, temps: [raw] };
    }
  }
}

function typeAttrs(b: NativeBinding, from: number, to: number): NativeAttr[] {
  return [
    { name: 'T', type: b.TF_ATTR_TYPE, value: from },
    { name: 'type', type: b.TF_ATTR_TYPE, value: to },
  ];
}

function castAttrs(b: NativeBinding, from: number, to: number): NativeAttr[] {
  return [
    { name: 'SrcT', type: b.TF_ATTR_TYPE, value: from },
    { name: 'DstT', type: b.TF_ATTR_TYPE, value: to },
    { name: 'Truncate', type: b.TF_ATTR_BOOL, value: false },
  ];
}

/**
 * Reads a tensor handle into a ServingTensor and deletes it (and any intermediate handle).
 * Throws UNIMPLEMENTED for dtypes a ServingTensor cannot hold (complex, bfloat16, resource, …).
 * @example
 *   const y = fromNative(binding, outputs[0], 'y');
 */
export function fromNative(b: NativeBinding, info: NativeTensorInfo, key: string): ServingTensor {
  const dtype = dtypeFromCode(info.dtype);
  const owned = [info.id];
  try {
    if (!dtype) {
      throw new ServingError(
        'UNIMPLEMENTED',
        `Output "${key}" has dtype ${dtName(info.dtype)}, which the model server cannot return.`,
      );
    }
    // Each step converts the previous handle; the last one is read.
    const read: Reader = (op, attrs, readIt = true) => {
      const [out] = b.executeOp(op, attrs, [owned.at(-1)!], 1);
      owned.push(out!.id);
      return readIt ? (b.tensorDataSync(out!.id) as ArrayBufferView) : undefined;
    };
    return { dtype, shape: info.shape, data: readAs(b, dtype, info, read) };
  } finally {
    for (const id of owned) b.deleteTensor(id);
  }
}

type Reader = (op: string, attrs: NativeAttr[], readIt?: boolean) => ArrayBufferView | undefined;

function readAs(b: NativeBinding, dtype: ServingDType, info: NativeTensorInfo, read: Reader): ServingTensor['data'] {
  const code = SERVING_DTYPES[dtype].code;
  const n = elementCount(info.shape);
  switch (dtype) {
    case 'float32':
    case 'int32':
    case 'int64':
    case 'bool':
    case 'string':
      return b.tensorDataSync(info.id) as ServingTensor['data'];
    case 'float64':
    case 'uint64': {
      const v = read('Bitcast', typeAttrs(b, code, b.TF_INT64))!;
      return dtype === 'float64'
        ? new Float64Array(v.buffer, v.byteOffset, n)
        : new BigUint64Array(v.buffer, v.byteOffset, n);
    }
    case 'uint32': {
      const v = read('Bitcast', typeAttrs(b, code, b.TF_INT32))!;
      return new Uint32Array(v.buffer, v.byteOffset, n);
    }
    case 'float16': {
      read('Bitcast', typeAttrs(b, code, SERVING_DTYPES.int16.code), false);
      const v = read('Cast', castAttrs(b, SERVING_DTYPES.int16.code, b.TF_INT32)) as Int32Array;
      return Uint16Array.from(v, (x) => x & 0xffff);
    }
    default: {
      // 8- and 16-bit integers: the addon reads none of them, int32 holds them exactly.
      const v = read('Cast', castAttrs(b, code, b.TF_INT32)) as Int32Array;
      const Typed = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array }[
        dtype as 'int8' | 'uint8' | 'int16' | 'uint16'
      ];
      return Typed.from(v);
    }
  }
}
