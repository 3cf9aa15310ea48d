import type { Optimizer } from '@tensorflow/tfjs';
import type { NamedTensor, OptimizerAccess } from '../callbacks/callback-context';
import { TfscaleError } from '../core/errors';

interface WithLearningRate {
  learningRate?: number;
  setLearningRate?(lr: number): void;
}

/**
 * Learning rate and state of a tfjs optimizer. Every tfjs optimizer reads its `learningRate`
 * field at each update, so changing it takes effect at the next step.
 * @example
 *   const access = optimizerAccess(model.optimizer);
 *   access.setLearningRate(access.getLearningRate() / 2);
 */
export function optimizerAccess(optimizer: Optimizer): OptimizerAccess {
  const o = optimizer as Optimizer & WithLearningRate;
  return {
    optimizer,
    getLearningRate() {
      if (typeof o.learningRate !== 'number') {
        throw new TfscaleError(
          'TFSCALE_E_INVALID_VALUE',
          `The ${optimizer.getClassName()} optimizer exposes no learning rate.`,
        );
      }
      return o.learningRate;
    },
    setLearningRate(lr: number) {
      if (!(Number.isFinite(lr) && lr >= 0)) {
        throw new TfscaleError(
          'TFSCALE_E_INVALID_VALUE',
          `Invalid value for \`learningRate\`. Received: learningRate=${lr}. Expected: a finite number >= 0.`,
        );
      }
      if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
      else o.learningRate = lr;
    },
    getWeights: () => optimizer.getWeights() as Promise<NamedTensor[]>,
    setWeights: (weights: NamedTensor[]) => optimizer.setWeights(weights),
  };
}
