/**
 * @tfscale/plugin-exporter-tflite — TensorFlow Lite export of tfscale (tfjs Layers) models:
 * builtin-op flatbuffers (schema 3), float32 or dynamic-range int8.
 * @packageDocumentation
 */
import { tflitePlugin } from './plugin';

export { convertToTflite, resolveConvertOptions, type TfliteConversion, type TfliteConvertOptions } from './convert';
export { encodeTflite } from './flatbuffer-writer';
export { unsupportedOp } from './lower/context';
export { type LowerGraphOptions, lowerGraph, TF_OP_LOWERERS } from './lower/lower-graph';
export { operatorVersion } from './op-versions';
export { PLUGIN_VERSION, tflitePlugin } from './plugin';
export { type DynamicRangeOptions, type DynamicRangeReport, quantizeDynamicRange, quantizeSymmetric } from './quantize';
export { TFLITE_FILE, TfliteExporter } from './tflite-exporter';
export type {
  TfliteModel,
  TfliteOperator,
  TfliteOptions,
  TfliteQuantization,
  TfliteSignatureTensor,
  TfliteTensor,
} from './tflite-ir';

export default tflitePlugin;
