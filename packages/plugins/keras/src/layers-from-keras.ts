/**
 * Keras layer config (Keras 3, and tf.keras 2 from legacy `.h5`) → tfjs layer factory and
 * arguments, one entry per layer class the SDK's exporters support (`LAYER_EMITTERS`). Entries
 * read the config through a context that records what they used: any other key that is set to
 * something but null/false is refused as an option tfjs cannot reproduce.
 */
import { activationFromKeras, importableActivations } from './activations';
import { type Json, pairOf } from './keras-json';
import { constraintFromKeras, initializerFromKeras, regularizerFromKeras } from './keras-objects';

/**
 * The context an entry reads the Keras config through.
 *
 * @example
 * ```ts
 * const fromDense: FromKeras = (x) => ({ factory: 'dense', args: { units: x.num('units') } });
 * ```
 */
export interface ImportLayerContext {
  get(key: string): unknown;
  num(key: string): number;
  bool(key: string, fallback: boolean): boolean;
  pair(key: string, fallback?: number | null): [number, number] | undefined;
  padding(): 'valid' | 'same';
  dataFormat(): 'channelsLast' | 'channelsFirst';
  /** A single axis (tf.keras 2 writes `[3]` for BatchNormalization). */
  axis(key: string): number;
  activation(key?: string): string;
  /** Requires `key` to be absent or equal to `value`. */
  expect(key: string, value: unknown, expected: string): void;
  /** Initializer, regularizers and constraint of the weight `prefix` (`kernel`, `beta`, …). */
  weight(prefix: string, tfjsPrefix?: string, constraint?: boolean): Json;
  /** The layer's `activity_regularizer` as tfjs arguments. */
  activity(): Json;
}

/**
 * One entry: the `tf.layers` factory name and its arguments (camelCase).
 *
 * @example
 * ```ts
 * const fromAdd: FromKeras = () => ({ factory: 'add', args: {} });
 * ```
 */
export type FromKeras = (x: ImportLayerContext) => { factory: string; args: Json };

/** Keys no entry reads that never change what a loaded layer computes. */
const IGNORED = new Set(['name', 'trainable', 'dtype', 'seed', 'renorm_momentum', 'input_length', 'batch_input_shape']);

const weight = (x: ImportLayerContext, names: readonly string[], tfjs?: readonly string[], constraint = true) =>
  Object.assign({}, ...names.map((n, i) => x.weight(n, tfjs?.[i], constraint))) as Json;
const pooling =
  (factory: string): FromKeras =>
  (x) => {
    const poolSize = x.pair('pool_size', 2)!;
    return {
      factory,
      args: {
        poolSize,
        strides: x.pair('strides', null) ?? poolSize,
        padding: x.padding(),
        dataFormat: x.dataFormat(),
      },
    };
  };
const globalPooling =
  (factory: string): FromKeras =>
  (x) => ({ factory, args: { dataFormat: x.dataFormat() } });
const merge =
  (factory: string): FromKeras =>
  () => ({ factory, args: {} });
const dropout =
  (factory: string, key = 'rate'): FromKeras =>
  (x) => {
    const noiseShape = x.get('noise_shape');
    return { factory, args: { [key]: x.num(key), ...(Array.isArray(noiseShape) ? { noiseShape } : {}) } };
  };

/**
 * Keras class → tfjs factory and arguments.
 *
 * @example
 * ```ts
 * const { factory, args } = LAYERS_FROM_KERAS.Dense!(x); // 'dense', { units, … }
 * ```
 */
export const LAYERS_FROM_KERAS: Readonly<Record<string, FromKeras>> = {
  Activation: (x) => ({ factory: 'activation', args: { activation: x.activation() } }),
  Add: merge('add'),
  AlphaDropout: dropout('alphaDropout'),
  Average: merge('average'),
  AveragePooling2D: pooling('averagePooling2d'),
  BatchNormalization: (x) => ({
    factory: 'batchNormalization',
    args: {
      axis: x.axis('axis'),
      momentum: x.num('momentum'),
      epsilon: x.num('epsilon'),
      center: x.bool('center', true),
      scale: x.bool('scale', true),
      ...weight(x, ['beta', 'gamma']),
      ...weight(x, ['moving_mean', 'moving_variance'], ['movingMean', 'movingVariance'], false),
    },
  }),
  Concatenate: (x) => ({ factory: 'concatenate', args: { axis: x.get('axis') ?? -1 } }),
  Conv2D: (x) => {
    x.expect('groups', 1, '1 (tfjs has no grouped convolution)');
    return {
      factory: 'conv2d',
      args: {
        filters: x.num('filters'),
        kernelSize: x.pair('kernel_size'),
        strides: x.pair('strides', 1),
        padding: x.padding(),
        dataFormat: x.dataFormat(),
        dilationRate: x.pair('dilation_rate', 1),
        activation: x.activation(),
        useBias: x.bool('use_bias', true),
        ...weight(x, ['kernel', 'bias']),
        ...x.activity(),
      },
    };
  },
  Dense: (x) => ({
    factory: 'dense',
    args: {
      units: x.num('units'),
      activation: x.activation(),
      useBias: x.bool('use_bias', true),
      ...weight(x, ['kernel', 'bias']),
      ...x.activity(),
    },
  }),
  DepthwiseConv2D: (x) => ({
    factory: 'depthwiseConv2d',
    args: {
      kernelSize: x.pair('kernel_size'),
      depthMultiplier: x.num('depth_multiplier'),
      strides: x.pair('strides', 1),
      padding: x.padding(),
      dataFormat: x.dataFormat(),
      dilationRate: x.pair('dilation_rate', 1),
      activation: x.activation(),
      useBias: x.bool('use_bias', true),
      ...weight(x, ['depthwise', 'bias']),
      ...x.activity(),
    },
  }),
  Dropout: dropout('dropout'),
  Embedding: (x) => ({
    factory: 'embedding',
    args: {
      inputDim: x.num('input_dim'),
      outputDim: x.num('output_dim'),
      maskZero: x.bool('mask_zero', false),
      ...weight(x, ['embeddings']),
      ...x.activity(),
    },
  }),
  Flatten: (x) => ({ factory: 'flatten', args: { dataFormat: x.dataFormat() } }),
  GaussianDropout: dropout('gaussianDropout'),
  GaussianNoise: dropout('gaussianNoise', 'stddev'),
  GlobalAveragePooling2D: globalPooling('globalAveragePooling2d'),
  GlobalMaxPooling2D: globalPooling('globalMaxPooling2d'),
  LayerNormalization: (x) => ({
    factory: 'layerNormalization',
    args: {
      axis: x.get('axis') ?? -1,
      epsilon: x.num('epsilon'),
      center: x.bool('center', true),
      scale: x.bool('scale', true),
      ...weight(x, ['beta', 'gamma'], undefined, false),
    },
  }),
  MaxPooling2D: pooling('maxPooling2d'),
  Maximum: merge('maximum'),
  Minimum: merge('minimum'),
  Multiply: merge('multiply'),
  Rescaling: (x) => ({ factory: 'rescaling', args: { scale: x.num('scale'), offset: x.num('offset') } }),
  Reshape: (x) => ({ factory: 'reshape', args: { targetShape: x.get('target_shape') } }),
  SpatialDropout1D: dropout('spatialDropout1d'),
};

/**
 * The context for one layer config, and the check that runs after the entry: keys the entry
 * did not read must be unset, null or false.
 *
 * @example
 * ```ts
 * const { x, finish } = importLayerContext(config, 3, fail);
 * const made = LAYERS_FROM_KERAS.Dense!(x); finish();
 * ```
 */
export function importLayerContext(
  config: Json,
  kerasMajor: number,
  fail: (option: string, value: unknown, expected: string) => Error,
): { x: ImportLayerContext; finish: () => void } {
  const used = new Set<string>();
  const get = (key: string): unknown => {
    used.add(key);
    return config[key];
  };
  const x: ImportLayerContext = {
    get,
    num(key) {
      const v = get(key);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(key, v, 'a finite number');
      return v;
    },
    bool: (key, fallback) => {
      const v = get(key);
      return typeof v === 'boolean' ? v : fallback;
    },
    pair(key, fallback) {
      const v = get(key) ?? fallback;
      if (v === null || v === undefined) return undefined;
      const p = pairOf(v);
      if (!p) throw fail(key, v, 'a number or a pair of numbers');
      return p;
    },
    padding() {
      const v = get('padding') ?? 'valid';
      if (v !== 'valid' && v !== 'same') throw fail('padding', v, "'valid' or 'same'");
      return v;
    },
    dataFormat() {
      const v = get('data_format') ?? 'channels_last';
      if (v === 'channels_last') return 'channelsLast';
      if (v === 'channels_first') return 'channelsFirst';
      throw fail('data_format', v, "'channels_last' or 'channels_first'");
    },
    axis(key) {
      const v = get(key);
      const axis = Array.isArray(v) && v.length === 1 ? v[0] : (v ?? -1);
      if (typeof axis !== 'number') throw fail(key, v, 'a single axis');
      return axis;
    },
    activation(key = 'activation') {
      const v = get(key);
      const name = activationFromKeras(v, kerasMajor);
      if (name === undefined) throw fail(key, v, `one of ${importableActivations()}`);
      return name;
    },
    expect(key, value, expected) {
      const v = get(key);
      if (v !== undefined && JSON.stringify(v) !== JSON.stringify(value)) throw fail(key, v, expected);
    },
    activity() {
      const key = 'activity_regularizer';
      const reg = regularizerFromKeras(get(key), (v, e) => fail(key, v, e));
      return reg ? { activityRegularizer: reg } : {};
    },
    weight(prefix, tfjsPrefix, constraint = true) {
      const t = tfjsPrefix ?? prefix;
      const out: Json = {};
      const init = initializerFromKeras(get(`${prefix}_initializer`));
      if (init) out[`${t}Initializer`] = init;
      if (!prefix.startsWith('moving')) {
        const reg = regularizerFromKeras(get(`${prefix}_regularizer`), (v, e) => fail(`${prefix}_regularizer`, v, e));
        if (reg) out[`${t}Regularizer`] = reg;
      }
      if (constraint) {
        const con = constraintFromKeras(get(`${prefix}_constraint`), (v, e) => fail(`${prefix}_constraint`, v, e));
        if (con) out[`${t}Constraint`] = con;
      }
      return out;
    },
  };
  const finish = (): void => {
    for (const [key, value] of Object.entries(config)) {
      if (used.has(key) || IGNORED.has(key) || value === null || value === undefined || value === false) continue;
      throw fail(key, value, 'the option unset (tfjs has no equivalent)');
    }
  };
  return { x, finish };
}
