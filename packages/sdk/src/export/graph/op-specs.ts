/**
 * What the graph builder knows about each TensorFlow op it emits: which attrs it infers from the
 * inputs, every optional attr with its default, and the outputs' dtypes. Written from the OpDefs
 * registered in TensorFlow 2.21 (tensorflow/core/ops/*.cc). Every node carries all of its op's
 * attrs, as Python writes them, so no loader depends on filling in defaults.
 */
import { type AttrValueMessage, attrValue } from './attrs';

/**
 * One op's schema.
 *
 * @example
 * ```ts
 * const relu: OpSpec = { typeFrom: { T: 0 }, out: 'T' };
 * ```
 */
export interface OpSpec {
  /** Type attrs taken from an input's dtype: attr name -> input index (negative counts from the end). */
  readonly typeFrom?: Readonly<Record<string, number>>;
  /** A `list(type)` attr taken from the dtypes of the inputs from this index on. */
  readonly typeListFrom?: { readonly attr: string; readonly from: number };
  /** A number attr counting the inputs in `[from, length - toEnd)`. */
  readonly count?: { readonly attr: string; readonly from: number; readonly toEnd: number };
  /** AttrMap the caller must give. */
  readonly required?: readonly string[];
  /** Optional attrs with their OpDef defaults. */
  readonly defaults?: Readonly<Record<string, AttrValueMessage>>;
  /** Single output: the type attr holding its dtype, or a fixed dtype name prefixed with '='. */
  readonly out?: string;
  /** Outputs listed by a `list(type)` attr (RestoreV2). */
  readonly outList?: string;
}

const T0 = { typeFrom: { T: 0 }, out: 'T' } as const;
const NHWC = attrValue.s('NHWC');
const ONES4 = attrValue.listI([1, 1, 1, 1]);
const reduce = { typeFrom: { T: 0, Tidx: 1 }, defaults: { keep_dims: attrValue.b(false) }, out: 'T' } as const;

/**
 * The ops the builder can emit. Add an entry (from the op's REGISTER_OP) to emit a new op.
 *
 * @example
 * ```ts
 * OP_SPECS.MatMul.defaults; // { transpose_a, transpose_b, grad_a, grad_b }
 * ```
 */
export const OP_SPECS: Readonly<Record<string, OpSpec>> = {
  // Graph plumbing.
  Placeholder: { required: ['dtype'], defaults: { shape: attrValue.shape(null) }, out: 'dtype' },
  PlaceholderWithDefault: { typeFrom: { dtype: 0 }, required: ['shape'], out: 'dtype' },
  Const: { required: ['value', 'dtype'], out: 'dtype' },
  Identity: T0,
  NoOp: {},
  // Resource variables and checkpoints.
  VarHandleOp: {
    required: ['dtype', 'shape'],
    defaults: {
      container: attrValue.s(''),
      shared_name: attrValue.s(''),
      debug_name: attrValue.s(''),
      allowed_devices: attrValue.emptyList(),
    },
    out: '=resource',
  },
  ReadVariableOp: { required: ['dtype'], out: 'dtype' },
  AssignVariableOp: { typeFrom: { dtype: 1 }, defaults: { validate_shape: attrValue.b(false) } },
  RestoreV2: { required: ['dtypes'], outList: 'dtypes' },
  SaveV2: { typeListFrom: { attr: 'dtypes', from: 3 } },
  MergeV2Checkpoints: { defaults: { delete_old_dirs: attrValue.b(true), allow_missing_files: attrValue.b(false) } },
  ShardedFilename: { out: '=string' },
  StringJoin: { count: { attr: 'N', from: 0, toEnd: 0 }, defaults: { separator: attrValue.s('') }, out: '=string' },
  // Shapes.
  Reshape: { typeFrom: { T: 0, Tshape: 1 }, out: 'T' },
  Shape: { typeFrom: { T: 0 }, defaults: { out_type: attrValue.type('int32') }, out: 'out_type' },
  StridedSlice: {
    typeFrom: { T: 0, Index: 1 },
    defaults: {
      begin_mask: attrValue.i(0),
      end_mask: attrValue.i(0),
      ellipsis_mask: attrValue.i(0),
      new_axis_mask: attrValue.i(0),
      shrink_axis_mask: attrValue.i(0),
    },
    out: 'T',
  },
  ConcatV2: { typeFrom: { T: 0, Tidx: -1 }, count: { attr: 'N', from: 0, toEnd: 1 }, out: 'T' },
  Pack: { typeFrom: { T: 0 }, count: { attr: 'N', from: 0, toEnd: 0 }, defaults: { axis: attrValue.i(0) }, out: 'T' },
  Transpose: { typeFrom: { T: 0, Tperm: 1 }, out: 'T' },
  ExpandDims: { typeFrom: { T: 0, Tdim: 1 }, out: 'T' },
  Cast: { typeFrom: { SrcT: 0 }, required: ['DstT'], defaults: { Truncate: attrValue.b(false) }, out: 'DstT' },
  GatherV2: {
    typeFrom: { Tparams: 0, Tindices: 1, Taxis: 2 },
    defaults: { batch_dims: attrValue.i(0) },
    out: 'Tparams',
  },
  // Linear algebra and convolutions.
  MatMul: {
    ...T0,
    defaults: {
      transpose_a: attrValue.b(false),
      transpose_b: attrValue.b(false),
      grad_a: attrValue.b(false),
      grad_b: attrValue.b(false),
    },
  },
  BiasAdd: { ...T0, defaults: { data_format: NHWC } },
  Conv2D: {
    ...T0,
    required: ['strides', 'padding'],
    defaults: {
      use_cudnn_on_gpu: attrValue.b(true),
      explicit_paddings: attrValue.emptyList(),
      data_format: NHWC,
      dilations: ONES4,
    },
  },
  DepthwiseConv2dNative: {
    ...T0,
    required: ['strides', 'padding'],
    defaults: { explicit_paddings: attrValue.emptyList(), data_format: NHWC, dilations: ONES4 },
  },
  MaxPool: {
    ...T0,
    required: ['ksize', 'strides', 'padding'],
    defaults: { explicit_paddings: attrValue.emptyList(), data_format: NHWC },
  },
  AvgPool: { ...T0, required: ['ksize', 'strides', 'padding'], defaults: { data_format: NHWC } },
  Mean: reduce,
  Max: reduce,
  // Element-wise.
  AddV2: T0,
  Sub: T0,
  Mul: T0,
  RealDiv: T0,
  Maximum: T0,
  Minimum: T0,
  Pow: T0,
  Square: T0,
  Sqrt: T0,
  Rsqrt: T0,
  Erf: T0,
  Relu: T0,
  Relu6: T0,
  Elu: T0,
  Selu: T0,
  Sigmoid: T0,
  Tanh: T0,
  Softplus: T0,
  Softsign: T0,
  Softmax: T0,
  LogSoftmax: T0,
  // Training (the compiled train step): losses, metrics, optimizer updates.
  Sum: reduce,
  Neg: T0,
  Abs: T0,
  Log: T0,
  Log1p: T0,
  Exp: T0,
  Floor: T0,
  AddN: { typeFrom: { T: 0 }, count: { attr: 'N', from: 0, toEnd: 0 }, out: 'T' },
  OneHot: { typeFrom: { TI: 0, T: 2 }, defaults: { axis: attrValue.i(-1) }, out: 'T' },
  ArgMax: { typeFrom: { T: 0, Tidx: 1 }, defaults: { output_type: attrValue.type('int64') }, out: 'output_type' },
  Equal: { typeFrom: { T: 0 }, defaults: { incompatible_shape_error: attrValue.b(true) }, out: '=bool' },
  Greater: { typeFrom: { T: 0 }, out: '=bool' },
  // Feature transforms in a serving graph (the pipeline's Transform).
  GreaterEqual: { typeFrom: { T: 0 }, out: '=bool' },
  StringToHashBucketFast: { required: ['num_buckets'], out: '=int64' },
};
