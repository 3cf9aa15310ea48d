import type { LayersModel } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import { SeededRandom } from '../training/data/seeded-random';

/** Options of {@link canonicalData} and {@link canonicalModel}. */
export interface CanonicalOptions {
  features?: number;
  classes?: number;
  /** Seed of the data (samples and the hidden rule that labels them). */
  seed?: number;
}

/**
 * The tiny canonical data set of the test suites: `samples` points in [-1, 1)^features, each
 * labelled (one-hot) by the arg-max of a fixed random linear rule, so a small model learns it.
 * @example
 *   const { x, y } = canonicalData(256);
 */
export function canonicalData(samples: number, options: CanonicalOptions = {}): { x: number[][]; y: number[][] } {
  const { features = 8, classes = 3, seed = 1 } = options;
  const rule = SeededRandom.derive(seed, 1);
  const w = Array.from({ length: classes }, () => Array.from({ length: features }, () => rule.nextFloat() * 2 - 1));
  const random = SeededRandom.derive(seed, 2);
  const x = Array.from({ length: samples }, () => Array.from({ length: features }, () => random.nextFloat() * 2 - 1));
  const y = x.map((row) => {
    const scores = w.map((wc) => wc.reduce((s, v, i) => s + v * row[i], 0));
    const best = scores.indexOf(Math.max(...scores));
    return scores.map((_, c) => (c === best ? 1 : 0));
  });
  return { x, y };
}

/**
 * The tiny canonical model: Dense(16, relu) → Dense(classes, softmax), deterministic initial
 * weights, compiled with Adam and categorical cross-entropy + accuracy.
 * @example
 *   const model = canonicalModel({ learningRate: 0.01 });
 */
export function canonicalModel(
  options: CanonicalOptions & { learningRate?: number; hidden?: number } = {},
): LayersModel {
  const tf = loadTf();
  const { features = 8, classes = 3, learningRate = 0.01, hidden = 16 } = options;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [features],
        units: hidden,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }),
      }),
      tf.layers.dense({
        units: classes,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
