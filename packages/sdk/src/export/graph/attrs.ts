/**
 * `tensorflow.AttrValue` helpers and the dtypes a graph uses. Messages are protobufjs plain
 * objects (proto field names in camelCase) encoded through `tensorflowRoot()`.
 */
import type { TensorMessage, TensorShapeMessage } from '../../formats/proto/tensorboard-messages';

/**
 * `tensorflow.DataType` numbers by tfjs-style dtype name (types.proto). `resource` is the
 * handle a VarHandleOp outputs; it never appears in a Const.
 *
 * @example
 * ```ts
 * TF_DTYPE.float32; // 1
 * ```
 */
export const TF_DTYPE = { float32: 1, float64: 2, int32: 3, string: 7, int64: 9, bool: 10, resource: 20 } as const;

/**
 * A dtype name a graph tensor can have.
 *
 * @example
 * ```ts
 * const dtype: GraphDType = 'int32';
 * ```
 */
export type GraphDType = keyof typeof TF_DTYPE;

/**
 * A static shape: `null` for an unknown dimension; `null` as a whole for an unknown rank.
 *
 * @example
 * ```ts
 * const images: GraphShape = [null, 28, 28, 1];
 * ```
 */
export type GraphShape = readonly (number | null)[];

/**
 * `tensorflow.AttrValue.ListValue`.
 *
 * @example
 * ```ts
 * const strides: ListValueMessage = { i: [1, 2, 2, 1] };
 * ```
 */
export interface ListValueMessage {
  s?: Uint8Array[];
  i?: number[];
  f?: number[];
  b?: boolean[];
  type?: number[];
  shape?: TensorShapeMessage[];
  tensor?: TensorMessage[];
}

/**
 * `tensorflow.AttrValue`: exactly one field is set.
 *
 * @example
 * ```ts
 * const t: AttrValueMessage = { type: TF_DTYPE.float32 };
 * ```
 */
export interface AttrValueMessage {
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeMessage;
  tensor?: TensorMessage;
  list?: ListValueMessage;
}

/**
 * Attr map of one node.
 *
 * @example
 * ```ts
 * const attrs: AttrMap = { T: attrValue.type('float32'), transpose_a: attrValue.b(false) };
 * ```
 */
export type AttrMap = Record<string, AttrValueMessage>;

/** A `TensorShapeProto`: unknown dims are -1, an unknown rank sets `unknownRank`. */
function shapeProto(dims: GraphShape | null): TensorShapeMessage {
  if (dims === null) return { unknownRank: true };
  return { dim: dims.map((d) => ({ size: d ?? -1 })) };
}

/**
 * Builders for each AttrValue kind.
 *
 * @example
 * ```ts
 * const attrs = { strides: attrValue.listI([1, 1, 1, 1]), padding: attrValue.s('SAME'), T: attrValue.type('float32') };
 * ```
 */
export const attrValue = {
  s: (value: string): AttrValueMessage => ({ s: Buffer.from(value, 'utf8') }),
  i: (value: number): AttrValueMessage => ({ i: value }),
  f: (value: number): AttrValueMessage => ({ f: value }),
  b: (value: boolean): AttrValueMessage => ({ b: value }),
  type: (dtype: GraphDType): AttrValueMessage => ({ type: TF_DTYPE[dtype] }),
  shape: (dims: GraphShape | null): AttrValueMessage => ({ shape: shapeProto(dims) }),
  tensor: (tensor: TensorMessage): AttrValueMessage => ({ tensor }),
  listI: (values: readonly number[]): AttrValueMessage => ({ list: { i: [...values] } }),
  listS: (values: readonly string[]): AttrValueMessage => ({ list: { s: values.map((v) => Buffer.from(v, 'utf8')) } }),
  listType: (dtypes: readonly GraphDType[]): AttrValueMessage => ({ list: { type: dtypes.map((d) => TF_DTYPE[d]) } }),
  /** An empty list (e.g. `explicit_paddings`, `allowed_devices`). */
  emptyList: (): AttrValueMessage => ({ list: {} }),
};

/**
 * Values a {@link tensorProto} accepts for each dtype.
 *
 * @example
 * ```ts
 * const v: TensorValues = new Float32Array([1, 2]);
 * ```
 */
export type TensorValues =
  | Float32Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | readonly number[]
  | readonly string[];

/**
 * A `TensorProto` holding `values` (row-major) with the given dtype and fully known shape:
 * numbers go little-endian into `tensor_content`, strings into `string_val`.
 *
 * @example
 * ```ts
 * tensorProto('int32', [2], [-1, 10]); // a Const value for a Reshape target
 * ```
 */
export function tensorProto(dtype: GraphDType, shape: readonly number[], values: TensorValues): TensorMessage {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) {
    throw new RangeError(`tensorProto: ${values.length} values for shape [${shape.join(', ')}]`);
  }
  const message: TensorMessage = { dtype: TF_DTYPE[dtype], tensorShape: shapeProto(shape) };
  if (dtype === 'string') {
    message.stringVal = (values as readonly string[]).map((v) => Buffer.from(String(v), 'utf8'));
    return message;
  }
  let bytes: Uint8Array;
  if (dtype === 'float32') bytes = asBytes(Float32Array.from(values as ArrayLike<number>));
  else if (dtype === 'float64') bytes = asBytes(Float64Array.from(values as ArrayLike<number>));
  else if (dtype === 'int32') bytes = asBytes(Int32Array.from(values as ArrayLike<number>));
  else if (dtype === 'int64') {
    bytes = asBytes(
      values instanceof BigInt64Array ? values : BigInt64Array.from(values as number[], (v) => BigInt(v)),
    );
  } else if (dtype === 'bool') bytes = Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  else throw new RangeError(`tensorProto: dtype ${dtype} cannot be a constant`);
  message.tensorContent = bytes;
  return message;
}

// Typed arrays are little-endian on every platform Node supports (x64, arm64).
function asBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
