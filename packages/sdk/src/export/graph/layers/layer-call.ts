/**
 * The contract between the model walker and the per-family layer emitters: one call of one
 * tfjs layer, with its graph inputs, static shapes and weights, turned into TensorFlow ops.
 */
import type { layers } from '@tensorflow/tfjs';
import { describeValue, TfscaleError } from '../../../core/errors';
import { applyActivation, SUPPORTED_ACTIVATIONS } from '../activations';
import type { GraphShape } from '../attrs';
import type { GraphBuilder, TensorRef } from '../graph-builder';

/**
 * One call of one layer, as an emitter sees it.
 *
 * @example
 * ```ts
 * const emitIdentity: LayerEmitter = (call) => call.inputs;
 * ```
 */
export interface LayerCall {
  readonly g: GraphBuilder;
  readonly layer: layers.Layer;
  /** `layer.getConfig()`: tfjs' own serialization, so values are what tfjs computes with. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly TensorRef[];
  /** Static input shapes from the tfjs graph; index 0 is the batch (`null`). */
  readonly inputShapes: readonly GraphShape[];
  readonly outputShapes: readonly GraphShape[];
  /** Export format named in errors (`savedmodel`, `onnx`, …). */
  readonly format: string;
  /** The value of the layer's weight with this short name (`kernel`, `moving_mean`, …). */
  weight(shortName: string): TensorRef;
  /** A coded error naming this layer and an option it cannot export. */
  unsupported(option: string, value: unknown, expected: string): TfscaleError;
}

/**
 * Emits the ops of one layer call and returns one tensor per layer output.
 *
 * @example
 * ```ts
 * const emitRelu: LayerEmitter = ({ g, inputs }) => [g.op1('Relu', [inputs[0]!])];
 * ```
 */
export type LayerEmitter = (call: LayerCall) => TensorRef[];

/**
 * The error for a layer class, activation or option an exporter cannot write faithfully.
 * Message: "Cannot export layer `conv` (Conv1D) to savedmodel: …".
 *
 * @example
 * ```ts
 * throw unsupportedLayer({ name: 'c', className: 'Conv1D', format: 'savedmodel', supported: ['Dense'] });
 * ```
 */
export function unsupportedLayer(details: {
  readonly name: string;
  readonly className: string;
  readonly format: string;
  /** Set when the layer is supported but one of its options is not. */
  readonly option?: string;
  readonly value?: unknown;
  readonly expected?: string;
  readonly supported?: readonly string[];
}): TfscaleError {
  const head = `Cannot export layer \`${details.name}\` (${details.className}) to ${details.format}`;
  if (details.option !== undefined) {
    return new TfscaleError(
      'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
      `${head}: unsupported value for \`${details.option}\`. Received: ${details.option}=${describeValue(details.value)}. Expected: ${details.expected ?? 'a supported value'}.`,
      { hint: 'Change the option (and retrain), or export to a format that supports it (e.g. tfjs).' },
    );
  }
  return new TfscaleError(
    'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
    `${head}: layer class ${details.className} is not supported. Expected one of: ${(details.supported ?? []).join(', ')}.`,
    { hint: 'Rebuild the model from supported layers, or export to a format that supports it (e.g. tfjs).' },
  );
}

/**
 * A config value as `[h, w]` (tfjs accepts a number or a pair for kernel sizes, strides, …).
 *
 * @example
 * ```ts
 * pair(2); // [2, 2]
 * ```
 */
export function pair(value: unknown, fallback = 1): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const [a, b] = value as number[];
  return [a ?? fallback, b ?? a ?? fallback];
}

/**
 * The only tensor of a single-input layer call.
 *
 * @example
 * ```ts
 * const x = single(call);
 * ```
 */
export function single(call: LayerCall): TensorRef {
  if (call.inputs.length !== 1) throw call.unsupported('inputs', call.inputs.length, 'exactly one input tensor');
  return call.inputs[0]!;
}

/**
 * Applies the layer's fused `activation` option (tfjs applies it after the bias).
 *
 * @example
 * ```ts
 * return [activate(call, g.op1('BiasAdd', [y, call.weight('bias')]))];
 * ```
 */
export function activate(call: LayerCall, x: TensorRef, key = 'activation'): TensorRef {
  const name = call.config[key] as string | null | undefined;
  const y = applyActivation(call.g, x, name);
  if (!y) throw call.unsupported(key, name, `one of ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  return y;
}
