/**
 * tfjs LayersModel -> `.tflite` bytes: the shared graph builder writes the frozen inference
 * graph (its layer coverage and errors), the lowering maps its ops to TFLite builtins, the
 * optional dynamic-range pass quantizes weights, and the writer encodes the flatbuffer.
 */
import { buildModelGraph, FrozenGraph, invalidValue, SDK_VERSION } from '@tfscale/sdk';
import { encodeTflite } from './flatbuffer-writer';
import { lowerGraph } from './lower/lower-graph';
import { type DynamicRangeReport, quantizeDynamicRange } from './quantize';
import type { TfliteModel } from './tflite-ir';

/**
 * Options of {@link convertToTflite} (and of the `tflite` exporter).
 *
 * @example
 * ```ts
 * const options: TfliteConvertOptions = { quantize: 'dynamic-int8' };
 * ```
 */
export interface TfliteConvertOptions {
  /** 'none' (float32, default) or 'dynamic-int8' (TensorFlow's `Optimize.DEFAULT` without data). */
  readonly quantize?: 'none' | 'dynamic-int8';
  /** With 'dynamic-int8': weights with fewer elements stay float32. Default 1024, as TensorFlow. */
  readonly quantizeMinElements?: number;
}

/**
 * The converted model.
 *
 * @example
 * ```ts
 * const { bytes, model, quantized } = convertToTflite(layersModel);
 * ```
 */
export interface TfliteConversion {
  readonly bytes: Uint8Array;
  readonly model: TfliteModel;
  /** Weights stored as int8 (empty without quantization). */
  readonly quantized: DynamicRangeReport['quantized'];
}

/**
 * Checks and completes convert options (they may come from untyped exporter options).
 *
 * @example
 * ```ts
 * resolveConvertOptions({ quantize: 'dynamic-int8' }); // { quantize: 'dynamic-int8', quantizeMinElements: 1024 }
 * ```
 */
export function resolveConvertOptions(options: Readonly<Record<string, unknown>>): Required<TfliteConvertOptions> {
  const quantize = options.quantize ?? 'none';
  if (quantize !== 'none' && quantize !== 'dynamic-int8') {
    throw invalidValue('quantize', quantize, "'none' or 'dynamic-int8'");
  }
  const min = options.quantizeMinElements ?? 1024;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 0) {
    throw invalidValue('quantizeMinElements', min, 'a non-negative integer');
  }
  return { quantize, quantizeMinElements: min };
}

/**
 * Converts a tfjs LayersModel to a TFLite flatbuffer (schema 3, builtin ops, float32 inputs and
 * outputs, batch dimension resizable). Throws `TFSCALE_E_EXPORT_UNSUPPORTED_LAYER` for a layer
 * or op it cannot write, before producing anything.
 *
 * @example
 * ```ts
 * const { bytes } = convertToTflite(model, { quantize: 'dynamic-int8' });
 * fs.writeFileSync('model.tflite', bytes);
 * ```
 */
export function convertToTflite(
  model: Parameters<typeof buildModelGraph>[0],
  options: TfliteConvertOptions = {},
): TfliteConversion {
  const resolved = resolveConvertOptions(options as Record<string, unknown>);
  const { graph, inputs, outputs } = buildModelGraph(model, { format: 'tflite', weights: 'constants' });
  const tflite = lowerGraph(FrozenGraph.from(graph.toGraphDef()), {
    inputs,
    outputs,
    description: `tfscale ${SDK_VERSION}`,
  });
  const quantized =
    resolved.quantize === 'dynamic-int8'
      ? quantizeDynamicRange(tflite, { minElements: resolved.quantizeMinElements }).quantized
      : [];
  return { bytes: encodeTflite(tflite), model: tflite, quantized };
}
