/**
 * tfjs models for the SavedModel interop test: together they use every layer class and
 * activation the graph exporter supports, Sequential and functional (multi-input, multi-output,
 * shared layers, a nested model, free sequence length), with seeded random weights (BatchNorm
 * moving statistics included) and seeded random inputs.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * One zoo model: `build` makes it with random weights, `inputs` the concrete shapes to feed.
 *
 * @example
 * ```ts
 * const model = ZOO[0]!.build(); model.predict(sampleInputs(ZOO[0]!, model, rng));
 * ```
 */
export interface ZooModel {
  readonly name: string;
  build(): tf.LayersModel;
  /** Per model input: concrete shape (batch first) and, for ids, the exclusive upper bound. */
  readonly inputs: ReadonlyArray<{ readonly shape: number[]; readonly maxId?: number }>;
}

/**
 * A seeded generator of uniform [0, 1) numbers (mulberry32).
 *
 * @example
 * ```ts
 * const rng = seeded(42); rng();
 * ```
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Replaces every weight with seeded random values of a sensible scale: Glorot-like kernels,
 * small biases, gammas around 1, moving means around 0 and moving variances in [0.5, 1.5].
 *
 * @example
 * ```ts
 * randomizeWeights(model, seeded(1));
 * ```
 */
export function randomizeWeights(model: tf.LayersModel, rng: () => number): void {
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
      const short = w.originalName.split('/').at(-1)!;
      const fanOut = w.shape.at(-1) ?? 1;
      const std = Math.sqrt(2 / (n / fanOut + fanOut));
      const draw = (): number => {
        if (short === 'moving_variance') return 0.5 + rng();
        if (short === 'moving_mean') return 0.5 * normal(rng);
        if (short === 'gamma') return 1 + 0.3 * normal(rng);
        if (short === 'beta' || short === 'bias') return 0.1 * normal(rng);
        return std * normal(rng);
      };
      return tf.tensor(Float32Array.from({ length: n }, draw), w.shape as number[]);
    });
    if (values.length > 0) layer.setWeights(values);
  }
}

/**
 * Seeded random inputs for a zoo model: normal floats, or integer ids below `maxId` (in the
 * model input's dtype).
 *
 * @example
 * ```ts
 * const xs = sampleInputs(entry, model, seeded(7));
 * ```
 */
export function sampleInputs(entry: ZooModel, model: tf.LayersModel, rng: () => number): tf.Tensor[] {
  return entry.inputs.map(({ shape, maxId }, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const dtype = model.inputs[i]!.dtype === 'int32' ? 'int32' : 'float32';
    const values = Array.from({ length: n }, () => (maxId === undefined ? normal(rng) : Math.floor(rng() * maxId)));
    return tf.tensor(values, shape, dtype);
  });
}

const L = tf.layers;

/**
 * The zoo.
 *
 * @example
 * ```ts
 * for (const entry of ZOO) console.log(entry.name);
 * ```
 */
export const ZOO: readonly ZooModel[] = [
  {
    name: 'mlp',
    inputs: [{ shape: [3, 10] }],
    build: () =>
      tf.sequential({
        layers: [
          L.rescaling({ inputShape: [10], scale: 0.5, offset: -0.25 }),
          L.dense({ units: 16, activation: 'relu' }),
          L.dropout({ rate: 0.3 }),
          L.dense({ units: 12, activation: 'sigmoid' }),
          L.dense({ units: 8, activation: 'tanh', useBias: false }),
          L.dense({ units: 5, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'cnn',
    inputs: [{ shape: [2, 12, 12, 3] }],
    build: () =>
      tf.sequential({
        layers: [
          L.conv2d({ inputShape: [12, 12, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu6' }),
          L.maxPooling2d({ poolSize: 2 }),
          L.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: 'elu' }),
          L.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
          L.flatten(),
          L.dense({ units: 10, activation: 'selu' }),
          L.dense({ units: 4, activation: 'softplus' }),
        ],
      }),
  },
  {
    name: 'depthwise_bn',
    inputs: [{ shape: [2, 11, 11, 4] }],
    build: () =>
      tf.sequential({
        layers: [
          L.depthwiseConv2d({
            inputShape: [11, 11, 4],
            kernelSize: 3,
            depthMultiplier: 2,
            strides: 2,
            padding: 'same',
            activation: 'swish',
          }),
          L.batchNormalization(),
          L.conv2d({ filters: 5, kernelSize: [3, 2], dilationRate: 2, activation: 'gelu' }),
          L.batchNormalization({ center: false, epsilon: 0.01 }),
          L.maxPooling2d({ poolSize: [2, 1], strides: [1, 1], padding: 'same' }),
          L.globalAveragePooling2d({}),
          L.dense({ units: 6, activation: 'gelu_new' }),
        ],
      }),
  },
  {
    name: 'channels_first',
    inputs: [{ shape: [2, 3, 8, 8] }],
    build: () =>
      tf.sequential({
        layers: [
          L.conv2d({ inputShape: [3, 8, 8], filters: 4, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst' }),
          L.batchNormalization({ axis: 1, scale: false }),
          L.depthwiseConv2d({ kernelSize: 2, dataFormat: 'channelsFirst', activation: 'relu', useBias: false }),
          L.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst' }),
          L.averagePooling2d({ poolSize: 2, strides: 1, dataFormat: 'channelsFirst' }),
          L.flatten({ dataFormat: 'channelsFirst' }),
          L.dense({ units: 3, activation: 'hardSigmoid' }),
        ],
      }),
  },
  {
    name: 'text_encoder',
    inputs: [{ shape: [3, 7], maxId: 50 }],
    build: () => {
      const ids = tf.input({ shape: [7], dtype: 'int32', name: 'token_ids' });
      let x = L.embedding({ inputDim: 50, outputDim: 8 }).apply(ids) as tf.SymbolicTensor;
      x = L.layerNormalization({}).apply(x) as tf.SymbolicTensor;
      x = L.dense({ units: 8, activation: 'mish' }).apply(x) as tf.SymbolicTensor;
      x = L.layerNormalization({ axis: [1, 2], center: false, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
      x = L.dense({ units: 4, activation: 'softsign' }).apply(x) as tf.SymbolicTensor;
      const flat = L.reshape({ targetShape: [28] }).apply(x) as tf.SymbolicTensor;
      const grid = L.reshape({ targetShape: [2, -1] }).apply(x) as tf.SymbolicTensor;
      const logits = L.dense({ units: 3, name: 'logits' }).apply(flat) as tf.SymbolicTensor;
      return tf.model({ inputs: ids, outputs: [logits, grid] });
    },
  },
  {
    name: 'two_tower',
    inputs: [{ shape: [3, 6] }, { shape: [3, 5, 5, 2] }],
    build: () => {
      const a = tf.input({ shape: [6], name: 'features' });
      const b = tf.input({ shape: [5, 5, 2], name: 'image' });
      const a3 = L.dense({ units: 3, activation: 'tanh' }).apply(a) as tf.SymbolicTensor;
      const conv = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(b);
      const b3 = L.globalMaxPooling2d({}).apply(conv) as tf.SymbolicTensor;
      const shared = L.dense({ units: 3, name: 'shared' });
      const sa = shared.apply(a3) as tf.SymbolicTensor;
      const sb = shared.apply(b3) as tf.SymbolicTensor;
      const sum = L.add().apply([sa, sb]) as tf.SymbolicTensor;
      const both = L.concatenate({ axis: -1 }).apply([a3, b3, sum]) as tf.SymbolicTensor;
      const mixed = L.concatenate({ axis: 1, name: 'mixed' }).apply([
        L.multiply().apply([sa, sb]) as tf.SymbolicTensor,
        L.average().apply([sa, sb, sum]) as tf.SymbolicTensor,
        L.maximum().apply([sa, sb]) as tf.SymbolicTensor,
        L.minimum().apply([sa, sb]) as tf.SymbolicTensor,
      ]) as tf.SymbolicTensor;
      const probs = L.dense({ units: 2, activation: 'softmax', name: 'probs' }).apply(both) as tf.SymbolicTensor;
      const score = L.dense({ units: 1, name: 'score' }).apply(sum) as tf.SymbolicTensor;
      return tf.model({ inputs: [a, b], outputs: [probs, score, mixed] });
    },
  },
  {
    name: 'free_length',
    inputs: [{ shape: [2, 4, 6] }],
    build: () => {
      const seq = tf.input({ shape: [null, 6], name: 'sequence' });
      let x = L.dense({ units: 5, activation: 'relu' }).apply(seq) as tf.SymbolicTensor;
      x = L.layerNormalization({ epsilon: 1e-4 }).apply(x) as tf.SymbolicTensor;
      const flat = L.reshape({ targetShape: [-1] }).apply(x) as tf.SymbolicTensor;
      const out = L.activation({ activation: 'sigmoid', name: 'gates' }).apply(flat) as tf.SymbolicTensor;
      return tf.model({ inputs: seq, outputs: out });
    },
  },
  {
    name: 'noise_at_inference',
    inputs: [{ shape: [3, 4, 6] }],
    build: () =>
      tf.sequential({
        layers: [
          L.spatialDropout1d({ inputShape: [4, 6], rate: 0.2 }),
          L.gaussianNoise({ stddev: 0.5 }),
          L.dense({ units: 6 }),
          L.activation({ activation: 'relu6' }),
          L.batchNormalization({ scale: false }),
          L.gaussianDropout({ rate: 0.3 }),
          L.alphaDropout({ rate: 0.2 }),
          L.activation({ activation: 'logSoftmax' as 'linear' }),
          L.flatten(),
        ],
      }),
  },
  {
    name: 'nested',
    inputs: [{ shape: [3, 3] }, { shape: [3, 4], maxId: 10 }],
    build: () => {
      const inner = tf.sequential({
        name: 'inner',
        layers: [L.dense({ inputShape: [3], units: 4, activation: 'relu' }), L.dense({ units: 2 })],
      });
      const x = tf.input({ shape: [3], name: 'x' });
      const ids = tf.input({ shape: [4], name: 'ids' }); // float ids: the Embedding casts them
      const y = inner.apply(x) as tf.SymbolicTensor;
      const z = L.dense({ units: 2, activation: 'elu' }).apply(x) as tf.SymbolicTensor;
      const e = L.flatten().apply(L.embedding({ inputDim: 10, outputDim: 2 }).apply(ids)) as tf.SymbolicTensor;
      const out = L.concatenate().apply([L.add().apply([y, z]) as tf.SymbolicTensor, e]) as tf.SymbolicTensor;
      return tf.model({ inputs: [x, ids], outputs: out });
    },
  },
  {
    name: 'weightless',
    inputs: [{ shape: [2, 4, 4, 2] }],
    build: () =>
      tf.sequential({
        layers: [
          L.maxPooling2d({ inputShape: [4, 4, 2], poolSize: 2, strides: 1 }),
          L.activation({ activation: 'tanh' }),
          L.globalAveragePooling2d({ name: 'pooled' }),
        ],
      }),
  },
];

/**
 * What the zoo models exercised: layer classes (nested models walked) and activation names, so an
 * interop test can check it covered every layer and activation the exporter supports.
 *
 * @example
 * ```ts
 * const coverage = zooCoverage(); coverage.collect(model.layers); coverage.classes.has('Dense');
 * ```
 */
export function zooCoverage(): {
  classes: Set<string>;
  activations: Set<string>;
  collect(layers: tf.layers.Layer[]): void;
} {
  const classes = new Set<string>();
  const activations = new Set<string>();
  const collect = (layers: tf.layers.Layer[]): void => {
    for (const layer of layers) {
      const nested = (layer as Partial<tf.LayersModel>).layers;
      if (nested) collect(nested);
      else classes.add(layer.getClassName());
      const activation = layer.getConfig().activation;
      if (typeof activation === 'string') activations.add(activation);
    }
  };
  return { classes, activations, collect };
}
