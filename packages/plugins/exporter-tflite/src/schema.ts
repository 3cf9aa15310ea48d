/**
 * The subset of the TFLite flatbuffer schema (tensorflow/lite/schema/schema.fbs, schema version
 * 3) this exporter writes: enum values and table field ids. Checked field by field against the
 * schema TensorFlow 2.21 generates (`tensorflow/lite/python/schema_py_generated.py`); a field's
 * id is its declaration index, which the schema never reorders (new fields go at the end).
 */

/** `file_identifier` of schema version 3. */
export const FILE_IDENTIFIER = 'TFL3';
/** `Model.version`. */
export const SCHEMA_VERSION = 3;

/**
 * `enum TensorType : byte` (the values this exporter writes).
 *
 * @example
 * ```ts
 * TENSOR_TYPE.int8; // 9
 * ```
 */
export const TENSOR_TYPE = { float32: 0, int32: 2, int64: 4, bool: 6, int8: 9 } as const;

/**
 * A tensor element type this exporter writes.
 *
 * @example
 * ```ts
 * const t: TensorTypeName = 'float32';
 * ```
 */
export type TensorTypeName = keyof typeof TENSOR_TYPE;

/**
 * `enum BuiltinOperator : int32` (the operators this exporter writes).
 *
 * @example
 * ```ts
 * BUILTIN_OPERATOR.FULLY_CONNECTED; // 9
 * ```
 */
export const BUILTIN_OPERATOR = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  TANH: 28,
  GATHER: 36,
  TRANSPOSE: 39,
  MEAN: 40,
  SUB: 41,
  DIV: 42,
  STRIDED_SLICE: 45,
  EXP: 47,
  LOG_SOFTMAX: 50,
  CAST: 53,
  MAXIMUM: 55,
  MINIMUM: 57,
  NEG: 59,
  EXPAND_DIMS: 70,
  LOG: 73,
  SQRT: 75,
  RSQRT: 76,
  SHAPE: 77,
  POW: 78,
  REDUCE_MAX: 82,
  PACK: 83,
  SQUARE: 92,
  ABS: 101,
  ELU: 111,
  GELU: 150,
} as const;

/**
 * A builtin operator name.
 *
 * @example
 * ```ts
 * const op: BuiltinOp = 'CONV_2D';
 * ```
 */
export type BuiltinOp = keyof typeof BUILTIN_OPERATOR;

/**
 * Codes above this go only in `OperatorCode.builtin_code`; `deprecated_builtin_code` (int8)
 * then holds `PLACEHOLDER_FOR_GREATER_OP_CODES` (127), and readers take the larger of the two.
 */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/**
 * `union BuiltinOptions` type ids (the option tables this exporter writes).
 *
 * @example
 * ```ts
 * BUILTIN_OPTIONS.Conv2DOptions; // 1
 * ```
 */
export const BUILTIN_OPTIONS = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  ConcatenationOptions: 10,
  AddOptions: 11,
  MulOptions: 21,
  GatherOptions: 23,
  ReducerOptions: 27,
  SubOptions: 28,
  DivOptions: 29,
  StridedSliceOptions: 32,
  CastOptions: 37,
  PackOptions: 59,
  ShapeOptions: 55,
  GeluOptions: 116,
} as const;

/** `enum Padding : byte`. */
export const PADDING = { SAME: 0, VALID: 1 } as const;

/**
 * `enum ActivationFunctionType : byte` (the fused activations this exporter writes).
 *
 * @example
 * ```ts
 * ACTIVATION.RELU6; // 3
 * ```
 */
export const ACTIVATION = { NONE: 0, RELU: 1, RELU6: 3 } as const;

/**
 * A fused activation name.
 *
 * @example
 * ```ts
 * const act: FusedActivation = 'RELU';
 * ```
 */
export type FusedActivation = keyof typeof ACTIVATION;

/**
 * Field ids of the tables written, with each table's field count (`startObject(n)`).
 *
 * @example
 * ```ts
 * builder.startObject(FIELDS.Tensor.count);
 * builder.addFieldOffset(FIELDS.Tensor.shape, shape, 0);
 * ```
 */
export const FIELDS = {
  Model: { count: 8, version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, signatureDefs: 7 },
  SubGraph: { count: 5, tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  Buffer: { count: 1, data: 0 },
  Tensor: { count: 8, shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, shapeSignature: 7 },
  QuantizationParameters: { count: 7, scale: 2, zeroPoint: 3, quantizedDimension: 6 },
  Operator: { count: 5, opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 },
  OperatorCode: { count: 4, deprecatedBuiltinCode: 0, version: 2, builtinCode: 3 },
  SignatureDef: { count: 5, inputs: 0, outputs: 1, signatureKey: 2, subgraphIndex: 4 },
  TensorMap: { count: 2, name: 0, tensorIndex: 1 },
  Conv2DOptions: { count: 6, padding: 0, strideW: 1, strideH: 2, activation: 3, dilationW: 4, dilationH: 5 },
  DepthwiseConv2DOptions: {
    count: 7,
    padding: 0,
    strideW: 1,
    strideH: 2,
    depthMultiplier: 3,
    activation: 4,
    dilationW: 5,
    dilationH: 6,
  },
  Pool2DOptions: { count: 6, padding: 0, strideW: 1, strideH: 2, filterW: 3, filterH: 4, activation: 5 },
  FullyConnectedOptions: { count: 4, activation: 0, weightsFormat: 1, keepNumDims: 2, asymmetricQuantizeInputs: 3 },
  SoftmaxOptions: { count: 1, beta: 0 },
  ConcatenationOptions: { count: 2, axis: 0, activation: 1 },
  /** AddOptions, SubOptions, MulOptions, DivOptions: the fused activation is field 0. */
  ArithmeticOptions: { count: 1, activation: 0 },
  GatherOptions: { count: 2, axis: 0, batchDims: 1 },
  ReducerOptions: { count: 1, keepDims: 0 },
  StridedSliceOptions: { count: 5, beginMask: 0, endMask: 1, ellipsisMask: 2, newAxisMask: 3, shrinkAxisMask: 4 },
  CastOptions: { count: 2, inType: 0, outType: 1 },
  PackOptions: { count: 2, valuesCount: 0, axis: 1 },
  ShapeOptions: { count: 1, outType: 0 },
  GeluOptions: { count: 1, approximate: 0 },
} as const;
