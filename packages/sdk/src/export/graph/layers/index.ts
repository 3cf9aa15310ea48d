/**
 * tfjs layer class name -> the emitter that writes it as TensorFlow ops.
 * @packageDocumentation
 */
import { emitActivation } from './activation';
import { emitConv2D, emitDepthwiseConv2D } from './conv';
import { emitDense } from './dense';
import { emitEmbedding } from './embedding';
import type { LayerEmitter } from './layer-call';
import { emitAdd, emitAverage, emitConcatenate, emitMaximum, emitMinimum, emitMultiply } from './merge';
import { emitBatchNormalization, emitLayerNormalization } from './normalization';
import { emitAveragePooling2D, emitGlobalAveragePooling2D, emitGlobalMaxPooling2D, emitMaxPooling2D } from './pooling';
import { emitRescaling } from './rescaling';
import { emitFlatten, emitIdentityAtInference, emitReshape } from './reshape';

/**
 * Every layer class the graph exporters support, by `layer.getClassName()`.
 *
 * @example
 * ```ts
 * const emit = LAYER_EMITTERS[layer.getClassName()];
 * ```
 */
export const LAYER_EMITTERS: Readonly<Record<string, LayerEmitter>> = {
  Activation: emitActivation,
  Add: emitAdd,
  AlphaDropout: emitIdentityAtInference,
  Average: emitAverage,
  AveragePooling2D: emitAveragePooling2D,
  BatchNormalization: emitBatchNormalization,
  Concatenate: emitConcatenate,
  Conv2D: emitConv2D,
  Dense: emitDense,
  DepthwiseConv2D: emitDepthwiseConv2D,
  Dropout: emitIdentityAtInference,
  Embedding: emitEmbedding,
  Flatten: emitFlatten,
  GaussianDropout: emitIdentityAtInference,
  GaussianNoise: emitIdentityAtInference,
  GlobalAveragePooling2D: emitGlobalAveragePooling2D,
  GlobalMaxPooling2D: emitGlobalMaxPooling2D,
  LayerNormalization: emitLayerNormalization,
  MaxPooling2D: emitMaxPooling2D,
  Maximum: emitMaximum,
  Minimum: emitMinimum,
  Multiply: emitMultiply,
  Rescaling: emitRescaling,
  Reshape: emitReshape,
  SpatialDropout1D: emitIdentityAtInference,
};

export type { LayerCall, LayerEmitter } from './layer-call';
export { activate, pair, single, unsupportedLayer } from './layer-call';
