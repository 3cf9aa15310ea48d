/**
 * Reading and writing a model's trainable variables as flat arrays: the form they travel in
 * between the coordinator, the workers and the ps tasks.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';

/**
 * The trainable variables' values, in `model.trainableWeights` order.
 *
 * @example
 * ```ts
 * await coordinator.initVariables(readTrainable(model));
 * ```
 */
export function readTrainable(model: LayersModel): Float32Array[] {
  return model.trainableWeights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}

/**
 * Overwrites the trainable variables with `values` (same order and sizes).
 *
 * @example
 * ```ts
 * writeTrainable(tf, model, await ps.pull());
 * ```
 */
export function writeTrainable(tf: Tf, model: LayersModel, values: readonly Float32Array[]): void {
  model.trainableWeights.forEach((w, i) => {
    const t = tf.tensor(values[i], w.shape as number[], 'float32');
    w.write(t);
    t.dispose();
  });
}
