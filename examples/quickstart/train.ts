/**
 * Quickstart: trains a small classifier on the committed handwritten-digits data set with the
 * fastest backend this machine has (native TensorFlow when built) and prints Keras-style metrics.
 * Run: `npm start` from the repository root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendRegistryToken, createSdkContainer, NativeBackend, selectBackend } from '@tfscale/sdk';

const DATA = path.resolve(__dirname, '../../data/digits/digits.csv');

/** Mulberry32: a tiny seeded generator, so every run splits and shuffles the same way. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadDigits(file: string) {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const labelAt = header.split(',').indexOf('label');
  const rows = lines.map((l) => l.split(',').map(Number));
  const random = rng(42);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const x = rows.map((r) => r.filter((_, i) => i !== labelAt).map((v) => v / 16));
  const y = rows.map((r) => r[labelAt]);
  return { x, y, features: header.split(',').length - 1 };
}

export interface QuickstartResult {
  backend: string;
  tensorflow?: string;
  testAccuracy: number;
  testLoss: number;
  epochs: number;
  seconds: number;
}

/** Trains and evaluates; resolves to the numbers it printed. */
export async function main(epochs = Number(process.env.EPOCHS ?? 25)): Promise<QuickstartResult> {
  const container = createSdkContainer();
  const { tf, backend } = await selectBackend(container.resolve(BackendRegistryToken));
  const tensorflow = backend.tfjsBackend === 'tensorflow' ? NativeBackend.loadedVersion(tf) : undefined;
  console.log(`backend: ${backend.name}${tensorflow ? ` (TensorFlow ${tensorflow})` : ''}`);

  const { x, y, features } = loadDigits(DATA);
  const nTest = Math.round(x.length * 0.2);
  const xs = tf.tensor2d(x);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10).toFloat();
  const [xTrain, xTest] = tf.split(xs, [x.length - nTest, nTest]);
  const [yTrain, yTest] = tf.split(ys, [x.length - nTest, nTest]);
  console.log(`data: ${x.length - nTest} train / ${nTest} test samples, ${features} features, 10 classes`);

  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [features],
        units: 64,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const t0 = performance.now();
  await model.fit(xTrain, yTrain, {
    epochs,
    batchSize: 32,
    validationSplit: 0.1,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochEnd: async (epoch, logs = {}) => {
        // tfjs logs `acc`; Keras users read `accuracy`.
        const fmt = (k: string, as: string) => (logs[k] === undefined ? '' : ` - ${as}: ${logs[k].toFixed(4)}`);
        const line = `${fmt('loss', 'loss')}${fmt('acc', 'accuracy')}${fmt('val_loss', 'val_loss')}${fmt('val_acc', 'val_accuracy')}`;
        console.log(`Epoch ${epoch + 1}/${epochs}${line}`);
      },
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const [loss, acc] = (model.evaluate(xTest, yTest, { batchSize: 128 }) as import('@tensorflow/tfjs').Scalar[]).map(
    (t) => t.dataSync()[0],
  );
  console.log(`test: loss ${loss.toFixed(4)} - accuracy ${acc.toFixed(4)} (${nTest} held-out samples)`);
  console.log(`trained ${epochs} epochs in ${seconds.toFixed(2)} s on ${backend.name}`);
  tf.dispose([xs, ys, xTrain, xTest, yTrain, yTest]);
  model.dispose();
  return { backend: backend.name, tensorflow, testAccuracy: acc, testLoss: loss, epochs, seconds };
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
