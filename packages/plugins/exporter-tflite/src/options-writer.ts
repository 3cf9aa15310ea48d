/**
 * Writes one builtin options table (a `BuiltinOptions` union member) for the flatbuffer writer.
 * Defaults are written explicitly where the schema's default differs from the op's meaning
 * (a missing SoftmaxOptions reads as beta 0).
 */
import type { Builder } from 'flatbuffers';
import { ACTIVATION, FIELDS, PADDING, TENSOR_TYPE } from './schema';
import type { TfliteOptions } from './tflite-ir';

/**
 * Writes `options` and returns the table's offset.
 *
 * @example
 * ```ts
 * const table = writeOptions(builder, { type: 'SoftmaxOptions', beta: 1 });
 * ```
 */
export function writeOptions(b: Builder, o: TfliteOptions): number {
  switch (o.type) {
    case 'Conv2DOptions': {
      const F = FIELDS.Conv2DOptions;
      b.startObject(F.count);
      b.addFieldInt8(F.padding, PADDING[o.padding], 0);
      b.addFieldInt32(F.strideW, o.strideW, 0);
      b.addFieldInt32(F.strideH, o.strideH, 0);
      b.addFieldInt8(F.activation, ACTIVATION[o.activation], 0);
      b.addFieldInt32(F.dilationW, o.dilationW, 1);
      b.addFieldInt32(F.dilationH, o.dilationH, 1);
      break;
    }
    case 'DepthwiseConv2DOptions': {
      const F = FIELDS.DepthwiseConv2DOptions;
      b.startObject(F.count);
      b.addFieldInt8(F.padding, PADDING[o.padding], 0);
      b.addFieldInt32(F.strideW, o.strideW, 0);
      b.addFieldInt32(F.strideH, o.strideH, 0);
      b.addFieldInt32(F.depthMultiplier, o.depthMultiplier, 0);
      b.addFieldInt8(F.activation, ACTIVATION[o.activation], 0);
      b.addFieldInt32(F.dilationW, o.dilationW, 1);
      b.addFieldInt32(F.dilationH, o.dilationH, 1);
      break;
    }
    case 'Pool2DOptions': {
      const F = FIELDS.Pool2DOptions;
      b.startObject(F.count);
      b.addFieldInt8(F.padding, PADDING[o.padding], 0);
      b.addFieldInt32(F.strideW, o.strideW, 0);
      b.addFieldInt32(F.strideH, o.strideH, 0);
      b.addFieldInt32(F.filterW, o.filterW, 0);
      b.addFieldInt32(F.filterH, o.filterH, 0);
      b.addFieldInt8(F.activation, ACTIVATION[o.activation], 0);
      break;
    }
    case 'FullyConnectedOptions': {
      const F = FIELDS.FullyConnectedOptions;
      b.startObject(F.count);
      b.addFieldInt8(F.activation, ACTIVATION[o.activation], 0);
      b.addFieldInt8(F.keepNumDims, o.keepNumDims ? 1 : 0, 0);
      b.addFieldInt8(F.asymmetricQuantizeInputs, o.asymmetricQuantizeInputs ? 1 : 0, 0);
      break;
    }
    case 'SoftmaxOptions':
      b.startObject(FIELDS.SoftmaxOptions.count);
      b.addFieldFloat32(FIELDS.SoftmaxOptions.beta, o.beta, 0);
      break;
    case 'ConcatenationOptions':
      b.startObject(FIELDS.ConcatenationOptions.count);
      b.addFieldInt32(FIELDS.ConcatenationOptions.axis, o.axis, 0);
      b.addFieldInt8(FIELDS.ConcatenationOptions.activation, ACTIVATION[o.activation], 0);
      break;
    case 'AddOptions':
    case 'SubOptions':
    case 'MulOptions':
    case 'DivOptions':
      b.startObject(FIELDS.ArithmeticOptions.count);
      b.addFieldInt8(FIELDS.ArithmeticOptions.activation, ACTIVATION[o.activation], 0);
      break;
    case 'GatherOptions':
      b.startObject(FIELDS.GatherOptions.count);
      b.addFieldInt32(FIELDS.GatherOptions.axis, o.axis, 0);
      b.addFieldInt32(FIELDS.GatherOptions.batchDims, o.batchDims, 0);
      break;
    case 'ReducerOptions':
      b.startObject(FIELDS.ReducerOptions.count);
      b.addFieldInt8(FIELDS.ReducerOptions.keepDims, o.keepDims ? 1 : 0, 0);
      break;
    case 'StridedSliceOptions': {
      const F = FIELDS.StridedSliceOptions;
      b.startObject(F.count);
      b.addFieldInt32(F.beginMask, o.beginMask, 0);
      b.addFieldInt32(F.endMask, o.endMask, 0);
      b.addFieldInt32(F.ellipsisMask, o.ellipsisMask, 0);
      b.addFieldInt32(F.newAxisMask, o.newAxisMask, 0);
      b.addFieldInt32(F.shrinkAxisMask, o.shrinkAxisMask, 0);
      break;
    }
    case 'CastOptions':
      b.startObject(FIELDS.CastOptions.count);
      b.addFieldInt8(FIELDS.CastOptions.inType, TENSOR_TYPE[o.inType], 0);
      b.addFieldInt8(FIELDS.CastOptions.outType, TENSOR_TYPE[o.outType], 0);
      break;
    case 'PackOptions':
      b.startObject(FIELDS.PackOptions.count);
      b.addFieldInt32(FIELDS.PackOptions.valuesCount, o.valuesCount, 0);
      b.addFieldInt32(FIELDS.PackOptions.axis, o.axis, 0);
      break;
    case 'ShapeOptions':
      b.startObject(FIELDS.ShapeOptions.count);
      b.addFieldInt8(FIELDS.ShapeOptions.outType, TENSOR_TYPE[o.outType], 0);
      break;
    case 'GeluOptions':
      b.startObject(FIELDS.GeluOptions.count);
      b.addFieldInt8(FIELDS.GeluOptions.approximate, o.approximate ? 1 : 0, 0);
      break;
  }
  return b.endObject();
}
