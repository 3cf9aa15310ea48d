/**
 * Post-training dynamic-range quantization, as TensorFlow's converter does it with
 * `optimizations = [tf.lite.Optimize.DEFAULT]` and no representative dataset:
 * - constant float32 weights of FULLY_CONNECTED (per output channel, dimension 0), CONV_2D
 *   (per output channel, dimension 0) and DEPTHWISE_CONV_2D (per channel, dimension 3) become
 *   symmetric int8 (zero point 0, values in [-127, 127], scale = max|w| / 127 per channel);
 *   those operators then run TFLite's hybrid kernels, which quantize their float input per batch
 *   row at run time (FULLY_CONNECTED asymmetrically, `asymmetric_quantize_inputs`, as the
 *   converter sets it);
 * - GATHER tables (embeddings) become per-tensor int8; the gathered int8 rows go through a
 *   DEQUANTIZE back to float32, since GATHER has no hybrid kernel;
 * - biases, activations and weights smaller than `minElements` (TensorFlow's default is 1024)
 *   stay float32.
 */
import type { BuiltinOp } from './schema';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite-ir';

/**
 * Options of {@link quantizeDynamicRange}.
 *
 * @example
 * ```ts
 * quantizeDynamicRange(model, { minElements: 1024 });
 * ```
 */
export interface DynamicRangeOptions {
  /** Weights with fewer elements stay float32 (TensorFlow's converter: 1024). */
  readonly minElements: number;
}

/**
 * What {@link quantizeDynamicRange} changed.
 *
 * @example
 * ```ts
 * const { quantized } = quantizeDynamicRange(model, { minElements: 1024 }); // [{ name: 'dense/fc_weights', channels: 256, … }]
 * ```
 */
export interface DynamicRangeReport {
  readonly quantized: readonly { readonly name: string; readonly elements: number; readonly channels: number }[];
}

/** Weight input position and quantized dimension (null = per tensor) of each quantizable operator. */
const WEIGHT_INPUT: Partial<Record<BuiltinOp, { input: number; dimension: number | null }>> = {
  FULLY_CONNECTED: { input: 1, dimension: 0 },
  CONV_2D: { input: 1, dimension: 0 },
  DEPTHWISE_CONV_2D: { input: 1, dimension: 3 },
  GATHER: { input: 0, dimension: null },
};

/**
 * Symmetric int8 quantization of `values` (row-major `shape`), per slice along `dimension` or
 * per tensor: `q = round(v / scale)` (halves away from zero), `scale = max|v| / 127`.
 *
 * @example
 * ```ts
 * quantizeSymmetric(Float32Array.of(0.5, -1, 2, 4), [2, 2], 0); // { data: [64, -127, 64, 127], scale: [1/127, 4/127] }
 * ```
 */
export function quantizeSymmetric(
  values: Float32Array,
  shape: readonly number[],
  dimension: number | null,
): { data: Int8Array; scale: number[] } {
  const channels = dimension === null ? 1 : shape[dimension]!;
  const inner = dimension === null ? values.length : shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)]!, Math.abs(values[i]!));
  // An all-zero channel quantizes to zeros whatever the scale; 1 keeps the scale valid.
  const scale = Array.from(maxAbs, (m) => (m > 0 ? Math.fround(m / 127) : 1));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! / scale[channelOf(i)]!;
    data[i] = Math.max(-127, Math.min(127, Math.sign(v) * Math.round(Math.abs(v))));
  }
  return { data, scale };
}

function floats(t: TfliteTensor): Float32Array {
  const bytes = t.data!;
  // Copied: the bytes may not start on a 4-byte boundary.
  return new Float32Array(bytes.slice().buffer);
}

/** The weight tensors to quantize with their dimension: every use must agree. */
function candidates(model: TfliteModel, minElements: number): Map<number, number | null> {
  const uses = new Map<number, (number | null | undefined)[]>();
  model.operators.forEach((op) => {
    op.inputs.forEach((t, position) => {
      if (t < 0 || !model.tensors[t]!.data) return;
      const rule = WEIGHT_INPUT[op.op];
      const list = uses.get(t) ?? [];
      list.push(rule && rule.input === position ? rule.dimension : undefined);
      uses.set(t, list);
    });
  });
  const chosen = new Map<number, number | null>();
  for (const [t, dims] of uses) {
    const tensor = model.tensors[t]!;
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.type !== 'float32' || elements < minElements) continue;
    if (dims.some((d) => d === undefined) || new Set(dims).size !== 1) continue;
    chosen.set(t, dims[0]!);
  }
  return chosen;
}

/**
 * Quantizes `model`'s weights in place (see the file comment) and returns what it quantized.
 *
 * @example
 * ```ts
 * const model = lowerGraph(frozen, signature);
 * quantizeDynamicRange(model, { minElements: 1024 });
 * const bytes = encodeTflite(model);
 * ```
 */
export function quantizeDynamicRange(model: TfliteModel, options: DynamicRangeOptions): DynamicRangeReport {
  const chosen = candidates(model, options.minElements);
  const quantized: { name: string; elements: number; channels: number }[] = [];
  for (const [index, dimension] of chosen) {
    const t = model.tensors[index]!;
    const { data, scale } = quantizeSymmetric(floats(t), t.shape, dimension);
    t.type = 'int8';
    t.data = new Uint8Array(data.buffer);
    t.quantization = { scale, zeroPoint: scale.map(() => 0), quantizedDimension: dimension ?? 0 };
    quantized.push({ name: t.name, elements: data.length, channels: scale.length });
  }
  const operators: TfliteOperator[] = [];
  for (const op of model.operators) {
    operators.push(op);
    const weight = model.tensors[op.inputs[WEIGHT_INPUT[op.op]?.input ?? -1] ?? -1];
    if (weight?.type !== 'int8') continue;
    if (op.options?.type === 'FullyConnectedOptions') op.options.asymmetricQuantizeInputs = true;
    if (op.op === 'GATHER') {
      // GATHER copies int8 rows with the table's scale; DEQUANTIZE turns them back into floats.
      const out = model.tensors[op.outputs[0]!]!;
      const rows: TfliteTensor = {
        name: `${out.name}/int8`,
        type: 'int8',
        shape: [...out.shape],
        quantization: weight.quantization!,
      };
      if (out.signature) rows.signature = [...out.signature];
      model.tensors.push(rows);
      const dequantize: TfliteOperator = { op: 'DEQUANTIZE', inputs: [model.tensors.length - 1], outputs: op.outputs };
      if (op.source) dequantize.source = op.source;
      op.outputs = [model.tensors.length - 1];
      operators.push(dequantize);
    }
  }
  model.operators = operators;
  return { quantized };
}
