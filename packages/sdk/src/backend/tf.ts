/** The tfjs namespace every backend shares: tfjs-node registers into this same engine. */
export type Tf = typeof import('@tensorflow/tfjs');

/**
 * Loads `@tensorflow/tfjs` lazily so that importing the SDK stays cheap.
 * @example
 *   const tf = loadTf();
 *   tf.tensor([1, 2]).print();
 */
export function loadTf(): Tf {
  return require('@tensorflow/tfjs') as Tf;
}
