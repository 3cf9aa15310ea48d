/**
 * The in-memory TFLite model the lowering builds and the flatbuffer writer encodes: one
 * subgraph of tensors and builtin operators, plus the `serving_default` signature.
 */
import type { BuiltinOp, FusedActivation, TensorTypeName } from './schema';

/**
 * `QuantizationParameters` of an int8 tensor: `real = scale * (q - zeroPoint)`, per channel
 * along `quantizedDimension` when there is more than one scale.
 *
 * @example
 * ```ts
 * const q: TfliteQuantization = { scale: [0.01, 0.02], zeroPoint: [0, 0], quantizedDimension: 0 };
 * ```
 */
export interface TfliteQuantization {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  readonly quantizedDimension: number;
}

/**
 * One tensor. `shape` is static (unknown dimensions written as 1, as TensorFlow's converter
 * does); `signature` holds -1 for them, so interpreters can resize.
 *
 * @example
 * ```ts
 * const x: TfliteTensor = { name: 'x', type: 'float32', shape: [1, 3], signature: [-1, 3] };
 * ```
 */
export interface TfliteTensor {
  name: string;
  type: TensorTypeName;
  shape: number[];
  /** Same rank as `shape`, -1 for unknown dimensions; absent when every dimension is known. */
  signature?: number[];
  /** Little-endian bytes of a constant. */
  data?: Uint8Array;
  quantization?: TfliteQuantization;
}

/**
 * Builtin options, one variant per options table written (`type` is the union member's name).
 *
 * @example
 * ```ts
 * const o: TfliteOptions = { type: 'SoftmaxOptions', beta: 1 };
 * ```
 */
export type TfliteOptions =
  | {
      type: 'Conv2DOptions';
      padding: 'SAME' | 'VALID';
      strideW: number;
      strideH: number;
      activation: FusedActivation;
      dilationW: number;
      dilationH: number;
    }
  | {
      type: 'DepthwiseConv2DOptions';
      padding: 'SAME' | 'VALID';
      strideW: number;
      strideH: number;
      depthMultiplier: number;
      activation: FusedActivation;
      dilationW: number;
      dilationH: number;
    }
  | {
      type: 'Pool2DOptions';
      padding: 'SAME' | 'VALID';
      strideW: number;
      strideH: number;
      filterW: number;
      filterH: number;
      activation: FusedActivation;
    }
  | {
      type: 'FullyConnectedOptions';
      activation: FusedActivation;
      keepNumDims: boolean;
      asymmetricQuantizeInputs: boolean;
    }
  | { type: 'SoftmaxOptions'; beta: number }
  | { type: 'ConcatenationOptions'; axis: number; activation: FusedActivation }
  | { type: 'AddOptions' | 'SubOptions' | 'MulOptions' | 'DivOptions'; activation: FusedActivation }
  | { type: 'GatherOptions'; axis: number; batchDims: number }
  | { type: 'ReducerOptions'; keepDims: boolean }
  | {
      type: 'StridedSliceOptions';
      beginMask: number;
      endMask: number;
      ellipsisMask: number;
      newAxisMask: number;
      shrinkAxisMask: number;
    }
  | { type: 'CastOptions'; inType: TensorTypeName; outType: TensorTypeName }
  | { type: 'PackOptions'; valuesCount: number; axis: number }
  | { type: 'ShapeOptions'; outType: TensorTypeName }
  | { type: 'GeluOptions'; approximate: boolean };

/**
 * One operator: tensor indices (-1 for an omitted optional input) and its options.
 *
 * @example
 * ```ts
 * const fc: TfliteOperator = { op: 'FULLY_CONNECTED', inputs: [0, 1, -1], outputs: [2],
 *   options: { type: 'FullyConnectedOptions', activation: 'RELU', keepNumDims: false, asymmetricQuantizeInputs: false } };
 * ```
 */
export interface TfliteOperator {
  op: BuiltinOp;
  inputs: number[];
  outputs: number[];
  options?: TfliteOptions;
  /** The TensorFlow node it came from, for error messages. */
  source?: string;
}

/**
 * A named model input or output of the signature.
 *
 * @example
 * ```ts
 * const io: TfliteSignatureTensor = { name: 'features', tensor: 0 };
 * ```
 */
export interface TfliteSignatureTensor {
  readonly name: string;
  readonly tensor: number;
}

/**
 * A whole single-subgraph model.
 *
 * @example
 * ```ts
 * const bytes = encodeTflite(model); // a .tflite file
 * ```
 */
export interface TfliteModel {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: TfliteSignatureTensor[];
  outputs: TfliteSignatureTensor[];
  /** `Model.description`. */
  description: string;
  /** Signature key (`serving_default`, as TensorFlow's converter names it). */
  signatureKey: string;
}
