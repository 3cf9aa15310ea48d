/**
 * tfjs layer config → Keras 3 layer config, one entry per layer class the SDK's exporters
 * support (`LAYER_EMITTERS`). Entries return the class-specific fields; `name`, `trainable` and
 * `dtype` are added by the caller. Keras class names equal tfjs' for every supported class.
 */
import { activationToKeras, type KerasOpStep } from './activations';
import { float32Policy, type Json, type KerasObject, pairOf, snake } from './keras-json';
import { constraintToKeras, initializerToKeras, regularizerToKeras } from './keras-objects';

/**
 * What an entry reads the tfjs config through: typed getters that raise the shared export
 * error for values Keras cannot take.
 *
 * @example
 * ```ts
 * const toDense: ToKeras = (x) => ({ units: x.num('units'), activation: x.activation() });
 * ```
 */
export interface ExportLayerContext {
  readonly config: Json;
  num(key: string): number;
  bool(key: string, fallback: boolean): boolean;
  pair(key: string, fallback: number): [number, number];
  padding(): string;
  dataFormat(): string;
  /** The Keras activation; a tfjs activation Keras lacks becomes 'linear' plus {@link opChain}. */
  activation(key?: string): string;
  initializer(key: string): KerasObject | undefined;
  regularizer(key: string): KerasObject | null;
  constraint(key: string): KerasObject | null;
  fail(option: string, value: unknown, expected: string): Error;
  /** Ops to apply after the layer (set by `activation()`). */
  opChain: readonly KerasOpStep[];
}

/**
 * One table entry.
 *
 * @example
 * ```ts
 * const toAdd: ToKeras = () => ({});
 * ```
 */
export type ToKeras = (x: ExportLayerContext) => Json;

const weightOptions = (x: ExportLayerContext, names: readonly string[], activity = true): Json => {
  const out: Json = {};
  for (const n of names) {
    const init = x.initializer(`${n}Initializer`);
    if (init) out[`${snake(n)}_initializer`] = init;
  }
  for (const n of names) out[`${snake(n)}_regularizer`] = x.regularizer(`${n}Regularizer`);
  if (activity) out.activity_regularizer = x.regularizer('activityRegularizer');
  for (const n of names) out[`${snake(n)}_constraint`] = x.constraint(`${n}Constraint`);
  return out;
};

const pooling: ToKeras = (x) => ({
  pool_size: x.pair('poolSize', 2),
  strides: x.pair('strides', x.pair('poolSize', 2)[0]),
  padding: x.padding(),
  data_format: x.dataFormat(),
});
const globalPooling: ToKeras = (x) => ({ data_format: x.dataFormat(), keepdims: false });
const merge: ToKeras = () => ({});
const dropout: ToKeras = (x) => ({
  rate: x.num('rate'),
  ...(Array.isArray(x.config.noiseShape) ? { noise_shape: x.config.noiseShape } : {}),
  seed: typeof x.config.seed === 'number' ? x.config.seed : null,
});
const seeded =
  (key: string): ToKeras =>
  (x) => ({ [key]: x.num(key), seed: typeof x.config.seed === 'number' ? x.config.seed : null });

/**
 * tfjs class → Keras config fields.
 *
 * @example
 * ```ts
 * const fields = LAYERS_TO_KERAS.Dense!(x); // { units, activation, use_bias, … }
 * ```
 */
export const LAYERS_TO_KERAS: Readonly<Record<string, ToKeras>> = {
  Activation: (x) => ({ activation: x.activation() }),
  Add: merge,
  AlphaDropout: dropout,
  Average: merge,
  AveragePooling2D: pooling,
  BatchNormalization: (x) => ({
    axis: x.config.axis ?? -1,
    momentum: x.num('momentum'),
    epsilon: x.num('epsilon'),
    center: x.bool('center', true),
    scale: x.bool('scale', true),
    ...weightOptions(x, ['beta', 'gamma'], false),
    ...Object.fromEntries(
      ['movingMean', 'movingVariance'].flatMap((n) => {
        const init = x.initializer(`${n}Initializer`);
        return init ? [[`${snake(n)}_initializer`, init]] : [];
      }),
    ),
  }),
  Concatenate: (x) => ({ axis: x.config.axis ?? -1 }),
  Conv2D: (x) => ({
    filters: x.num('filters'),
    kernel_size: x.pair('kernelSize', 1),
    strides: x.pair('strides', 1),
    padding: x.padding(),
    data_format: x.dataFormat(),
    dilation_rate: x.pair('dilationRate', 1),
    groups: 1,
    activation: x.activation(),
    use_bias: x.bool('useBias', true),
    ...weightOptions(x, ['kernel', 'bias']),
  }),
  Dense: (x) => ({
    units: x.num('units'),
    activation: x.activation(),
    use_bias: x.bool('useBias', true),
    ...weightOptions(x, ['kernel', 'bias']),
  }),
  DepthwiseConv2D: (x) => ({
    depth_multiplier: x.num('depthMultiplier'),
    kernel_size: x.pair('kernelSize', 1),
    strides: x.pair('strides', 1),
    padding: x.padding(),
    data_format: x.dataFormat(),
    dilation_rate: x.pair('dilationRate', 1),
    activation: x.activation(),
    use_bias: x.bool('useBias', true),
    ...weightOptions(x, ['depthwise', 'bias']),
  }),
  Dropout: dropout,
  // tfjs' inputLength is dropped: Keras 3's Embedding has no such option (the input shape says it).
  Embedding: (x) => ({
    input_dim: x.num('inputDim'),
    output_dim: x.num('outputDim'),
    ...weightOptions(x, ['embeddings']),
    mask_zero: x.bool('maskZero', false),
  }),
  Flatten: (x) => ({ data_format: x.dataFormat() }),
  GaussianDropout: seeded('rate'),
  GaussianNoise: seeded('stddev'),
  GlobalAveragePooling2D: globalPooling,
  GlobalMaxPooling2D: globalPooling,
  LayerNormalization: (x) => ({
    axis: x.config.axis ?? -1,
    epsilon: x.num('epsilon'),
    center: x.bool('center', true),
    scale: x.bool('scale', true),
    ...weightOptions(x, ['beta', 'gamma'], false),
  }),
  MaxPooling2D: pooling,
  Maximum: merge,
  Minimum: merge,
  Multiply: merge,
  Rescaling: (x) => ({ scale: x.num('scale'), offset: x.num('offset') }),
  Reshape: (x) => ({ target_shape: x.config.targetShape }),
  SpatialDropout1D: seeded('rate'),
};

/**
 * The context an entry of {@link LAYERS_TO_KERAS} reads `config` through.
 *
 * @example
 * ```ts
 * const x = exportLayerContext(layer.getConfig(), (option, value, expected) => exportError(name, cls, option, value, expected));
 * ```
 */
export function exportLayerContext(
  config: Json,
  fail: (option: string, value: unknown, expected: string) => Error,
): ExportLayerContext {
  const x: ExportLayerContext = {
    config,
    opChain: [],
    fail,
    num(key) {
      const v = config[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(key, v, 'a finite number');
      return v;
    },
    bool: (key, fallback) => (typeof config[key] === 'boolean' ? (config[key] as boolean) : fallback),
    pair(key, fallback) {
      const v = config[key] ?? fallback;
      const p = pairOf(v);
      if (!p) throw fail(key, v, 'a number or a pair of numbers');
      return p;
    },
    padding() {
      const v = config.padding ?? 'valid';
      if (v !== 'valid' && v !== 'same') throw fail('padding', v, "'valid' or 'same'");
      return v;
    },
    dataFormat() {
      const v = config.dataFormat ?? 'channelsLast';
      if (v !== 'channelsLast' && v !== 'channelsFirst')
        throw fail('dataFormat', v, "'channelsLast' or 'channelsFirst'");
      return snake(v);
    },
    activation(key = 'activation') {
      const v = config[key] as string | null | undefined;
      const k = activationToKeras(v);
      if (k === undefined) throw fail(key, v, 'an activation the SDK exporters support');
      if (typeof k === 'string') return k;
      (x as { opChain: readonly KerasOpStep[] }).opChain = k;
      return 'linear';
    },
    initializer: (key) => initializerToKeras(config[key]),
    regularizer: (key) => regularizerToKeras(config[key], (v, e) => fail(key, v, e)),
    constraint: (key) => constraintToKeras(config[key], (v, e) => fail(key, v, e)),
  };
  return x;
}

/**
 * The full Keras 3 serialized layer (`module`, `class_name`, `config`, `registered_name`).
 *
 * @example
 * ```ts
 * kerasLayer('Dense', { name: 'd', trainable: true }, { units: 3 });
 * ```
 */
export function kerasLayer(className: string, base: { name: string; trainable: boolean }, fields: Json): KerasObject {
  const trainable = NO_TRAINABLE_ARG.has(className) ? {} : { trainable: base.trainable };
  return {
    module: 'keras.layers',
    class_name: className,
    config: { name: base.name, ...trainable, dtype: float32Policy(), ...fields },
    registered_name: null,
  };
}

/** Keras 3.15 classes whose constructor takes no `trainable` (SpatialDropout1D(rate, seed, name, dtype)). */
const NO_TRAINABLE_ARG = new Set(['SpatialDropout1D']);
