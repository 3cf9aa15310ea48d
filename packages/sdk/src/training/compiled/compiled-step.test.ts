import * as assert from 'node:assert/strict';
import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { LinesLogger } from '../../callbacks/fit-fixture.test.helper';
import { silentLogger } from '../../core/logger';
import { createAdamW } from './adamw';
import { loadGraphAddon } from './addon';
import { selectTrainStep } from './select-step';

const tf = loadTf();
type Batch = { xs: Tensor | Tensor[]; ys: Tensor };

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/** Two copies of one model (same weights, own optimizers), trained K steps eagerly and compiled. */
async function compare(
  build: () => LayersModel,
  batches: Batch[],
  compile: (m: LayersModel) => void,
  between?: (step: number, models: LayersModel[]) => void,
): Promise<void> {
  const eager = build();
  const compiled = build();
  compiled.setWeights(eager.getWeights());
  compile(eager);
  compile(compiled);
  const logger = new LinesLogger();
  const a = selectTrainStep(tf, eager, { mode: 'eager', logger: silentLogger });
  const b = selectTrainStep(tf, compiled, { mode: 'compiled', logger });
  for (const [k, { xs, ys }] of batches.entries()) {
    between?.(k, [eager, compiled]);
    close(await b.run(xs, ys), await a.run(xs, ys), `step ${k} loss/metrics`);
  }
  assert.equal(b.mode, 'compiled', logger.lines.join('\n'));
  await b.sync();
  const we = eager.getWeights();
  for (const [i, w] of compiled.getWeights().entries()) close(w.dataSync(), we[i]!.dataSync(), `weight ${i}`);
  // The optimizer state went back too: both copies continue alike, eagerly.
  const c = selectTrainStep(tf, compiled, { mode: 'eager', logger: silentLogger });
  close(await c.run(batches[0]!.xs, batches[0]!.ys), await a.run(batches[0]!.xs, batches[0]!.ys), 'after sync');
  const we2 = eager.getWeights();
  for (const [i, w] of compiled.getWeights().entries())
    close(w.dataSync(), we2[i]!.dataSync(), `weight ${i} after sync`);
}

const seedInit = (seed: number) => tf.initializers.glorotUniform({ seed });
const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const classes = (n: number, k: number, seed: number) => tf.randomUniform([n], 0, k, 'int32', seed);
const oneHot = (n: number, k: number, seed: number) => tf.oneHot(classes(n, k, seed), k).toFloat();

function batches(k: number, make: (i: number) => Batch): Batch[] {
  return Array.from({ length: k }, (_, i) => make(i));
}

const mlp =
  (activation: string, out = 'softmax') =>
  () =>
    tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [8],
          units: 12,
          activation: activation as 'relu',
          kernelInitializer: seedInit(1),
        }),
        tf.layers.dense({ units: 4, activation: out as 'softmax', kernelInitializer: seedInit(2) }),
      ],
    });
const cceData = batches(4, (i) => ({ xs: normal([16, 8], i), ys: oneHot(16, 4, 100 + i) }));
const adam =
  (lr = 0.01) =>
  (m: LayersModel) =>
    m.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

describe('training/compiled: compiled step vs eager step (same weights after K steps within 1e-5)', function () {
  this.timeout(120_000);
  before(function () {
    if (!loadGraphAddon().addon) {
      if (process.env.CI) throw new Error(`compiled-step addon missing in CI: ${loadGraphAddon().reason}`);
      this.skip();
    }
  });

  describe('optimizers', () => {
    const optimizers: Array<[string, () => Optimizer]> = [
      ['sgd', () => tf.train.sgd(0.1)],
      ['momentum', () => tf.train.momentum(0.05, 0.9)],
      ['nesterov', () => tf.train.momentum(0.05, 0.9, true)],
      ['adam', () => tf.train.adam(0.01, 0.8, 0.95, 1e-6)],
      ['adamw', () => createAdamW(tf, { learningRate: 0.01, weightDecay: 0.05 })],
      ['rmsprop', () => tf.train.rmsprop(0.01, 0.9, 0.5)],
      ['rmsprop centered', () => tf.train.rmsprop(0.005, 0.5, 0.3, 1e-12, true)],
    ];
    for (const [name, make] of optimizers) {
      it(name, () =>
        compare(mlp('relu'), cceData, (m) =>
          m.compile({ optimizer: make(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] }),
        ),
      );
    }
    it('honours learning-rate changes between steps (as ReduceLROnPlateau makes them)', () =>
      compare(mlp('tanh'), cceData, adam(0.02), (k, models) => {
        if (k === 2) for (const m of models) (m.optimizer as unknown as { learningRate: number }).learningRate = 0.002;
      }));
  });

  describe('losses and metrics', () => {
    it('sparse categorical crossentropy (labels [n] and [n, 1]) + sparse accuracy', async () => {
      const opt = (m: LayersModel) =>
        m.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      await compare(
        mlp('relu'),
        batches(3, (i) => ({ xs: normal([16, 8], i), ys: classes(16, 4, i + 5).toFloat() })),
        opt,
      );
      await compare(
        mlp('relu'),
        batches(3, (i) => ({
          xs: normal([16, 8], i),
          ys: classes(16, 4, i + 5)
            .toFloat()
            .reshape([16, 1]),
        })),
        opt,
      );
    });
    it('binary crossentropy + binary accuracy', () =>
      compare(
        mlp('elu', 'sigmoid'),
        batches(3, (i) => ({ xs: normal([16, 8], i), ys: tf.randomUniform([16, 4], 0, 2, 'int32', i).toFloat() })),
        (m) => m.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] }),
      ));
    it('mean squared and mean absolute error, as losses and as metrics', async () => {
      const data = batches(3, (i) => ({ xs: normal([16, 8], i), ys: normal([16, 4], 50 + i) }));
      await compare(mlp('selu', 'linear'), data, (m) =>
        m.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError', metrics: ['mae', 'accuracy'] }),
      );
      await compare(mlp('softplus', 'linear'), data, (m) =>
        m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanAbsoluteError', metrics: ['mse'] }),
      );
    });
  });

  describe('layers', () => {
    for (const act of ['sigmoid', 'softsign', 'relu6', 'swish', 'gelu', 'mish']) {
      it(`Dense with ${act}`, () => compare(mlp(act), cceData, adam()));
    }
    const images = batches(3, (i) => ({ xs: normal([8, 10, 10, 2], i), ys: oneHot(8, 3, 30 + i) }));
    it('Conv2D, MaxPooling2D, DepthwiseConv2D, AveragePooling2D, Flatten', () =>
      compare(
        () =>
          tf.sequential({
            layers: [
              tf.layers.conv2d({
                inputShape: [10, 10, 2],
                filters: 4,
                kernelSize: 3,
                padding: 'same',
                activation: 'relu',
              }),
              tf.layers.maxPooling2d({ poolSize: 2 }),
              tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, activation: 'tanh' }),
              tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }),
              tf.layers.flatten(),
              tf.layers.dense({ units: 3, activation: 'softmax' }),
            ],
          }),
        images,
        adam(),
      ));
    it('strided Conv2D, GlobalMaxPooling2D / GlobalAveragePooling2D, LayerNormalization, Reshape, Rescaling, Activation', () =>
      compare(
        () => {
          const x = tf.input({ shape: [10, 10, 2] });
          const scaled = tf.layers.rescaling({ scale: 0.5, offset: 0.1 }).apply(x);
          const c = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: 'relu' }).apply(scaled);
          const pooled = tf.layers
            .concatenate()
            .apply([tf.layers.globalMaxPooling2d({}).apply(c), tf.layers.globalAveragePooling2d({}).apply(c)] as never);
          const norm = tf.layers.layerNormalization({ epsilon: 1e-3 }).apply(pooled);
          const r = tf.layers.reshape({ targetShape: [3, 4] }).apply(norm);
          const a = tf.layers.activation({ activation: 'elu' }).apply(tf.layers.flatten().apply(r));
          return tf.model({
            inputs: x,
            outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(a) as never,
          });
        },
        images,
        (m) => m.compile({ optimizer: tf.train.momentum(0.05, 0.9, true), loss: 'categoricalCrossentropy' }),
      ));
    it('Embedding (int32 ids), Flatten', () =>
      compare(
        () =>
          tf.sequential({
            layers: [
              tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }),
              tf.layers.flatten(),
              tf.layers.dense({ units: 1, activation: 'sigmoid' }),
            ],
          }),
        batches(3, (i) => ({
          xs: tf.randomUniform([16, 5], 0, 20, 'int32', i),
          ys: tf.randomUniform([16, 1], 0, 2, 'int32', 9 + i).toFloat(),
        })),
        (m) => m.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] }),
      ));
    it('merges (Add, Multiply, Average, Maximum, Minimum, Concatenate) with two inputs and a shared layer', () =>
      compare(
        () => {
          const [x1, x2] = [tf.input({ shape: [6] }), tf.input({ shape: [6] })];
          const shared = tf.layers.dense({ units: 5, activation: 'tanh' });
          const [a, b] = [shared.apply(x1), shared.apply(x2)] as never[];
          const merged = [
            tf.layers.add(),
            tf.layers.multiply(),
            tf.layers.average(),
            tf.layers.maximum(),
            tf.layers.minimum(),
          ].map((l) => l.apply([a, b]));
          const all = tf.layers.concatenate().apply(merged as never);
          return tf.model({
            inputs: [x1, x2],
            outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(all) as never,
          });
        },
        batches(3, (i) => ({ xs: [normal([16, 6], i), normal([16, 6], 40 + i)], ys: oneHot(16, 3, 70 + i) })),
        adam(),
      ));
  });

  describe('fallback', () => {
    it('auto falls back to eager with a one-line notice naming the reason; eager never builds a graph', () => {
      const withDropout = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.dropout({ rate: 0.5 })],
      });
      withDropout.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      const logger = new LinesLogger();
      assert.equal(selectTrainStep(tf, withDropout, { mode: 'auto', logger }).mode, 'eager');
      assert.deepEqual(logger.lines, [
        'info: Training step: eager (layer `dropout_Dropout1` (Dropout) trains differently from inference).'.replace(
          'dropout_Dropout1',
          withDropout.layers[1]!.name,
        ),
      ]);
      const adagrad = mlp('relu')();
      adagrad.compile({ optimizer: tf.train.adagrad(0.1), loss: 'categoricalCrossentropy' });
      const warned = new LinesLogger();
      assert.equal(selectTrainStep(tf, adagrad, { mode: 'compiled', logger: warned }).mode, 'eager');
      assert.match(warned.lines[0]!, /^warn: Training step: eager \(the Adagrad optimizer has no compiled update/);
      const plain = mlp('relu')();
      adam()(plain);
      assert.equal(selectTrainStep(tf, plain, { mode: 'eager', logger: silentLogger }).mode, 'eager');
    });
  });
});
