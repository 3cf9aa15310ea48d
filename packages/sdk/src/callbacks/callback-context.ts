import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs';
import type { Logger } from '../core/logger';
import type { TrainingControl } from './training-control';

/** A named tensor, as tfjs optimizers save their state. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** What a training run is about to do; Keras' `callback.params`. */
export interface TrainingParams {
  epochs: number;
  /** First epoch this `fit` runs (0-based); larger than 0 when resuming. */
  initialEpoch: number;
  /** Batches per epoch, when known (undefined for a stream of unknown length). */
  steps?: number;
  batchSize: number;
  /** Training samples per epoch, when known. */
  samples?: number;
  verbose: 0 | 1 | 2;
  /** Log names the run produces, e.g. ['loss', 'accuracy', 'val_loss', 'val_accuracy']. */
  metrics: string[];
  doValidation: boolean;
}

/** Where training is: epoch (0-based), batches finished in it, and batches finished in all. */
export interface TrainingPosition {
  epoch: number;
  step: number;
  globalStep: number;
}

/**
 * The optimizer as callbacks may touch it: learning rate for schedulers, full state for backups.
 * @example
 *   ctx.optimizer.setLearningRate(ctx.optimizer.getLearningRate() * 0.1);
 */
export interface OptimizerAccess {
  readonly optimizer: Optimizer;
  getLearningRate(): number;
  setLearningRate(lr: number): void;
  /** Slots and iteration count (e.g. Adam's moments), in the optimizer's own order. */
  getWeights(): Promise<NamedTensor[]>;
  setWeights(weights: NamedTensor[]): Promise<void>;
}

/** What {@link ProgressAccess.resumeAt} restores besides the position. */
export interface ResumeState {
  seed?: number;
  callbackStates?: Readonly<Record<string, unknown>>;
}

/**
 * Position and resumption, for BackupAndRestore: the data order depends only on
 * (seed, epoch), so a position is enough to continue at the exact batch.
 * @example
 *   ctx.progress.resumeAt({ epoch: 3, step: 17, globalStep: 137 });
 */
export interface ProgressAccess {
  position(): TrainingPosition;
  /**
   * Continues at `position` instead of the start. Allowed only in onTrainBegin. `seed` restores
   * the data order; `callbackStates` are handed to the stateful callbacks once every
   * onTrainBegin has run (so a callback resetting itself there does not undo the restore).
   */
  resumeAt(position: TrainingPosition, restore?: ResumeState): void;
  /** The data shuffling seed of this run. */
  readonly seed: number;
}

/**
 * Everything a callback may use, given once before `onTrainBegin` through `setContext`. Callbacks
 * never see the Trainer itself (design convention 6).
 * @example
 *   const cb: Callback = { setContext: (ctx) => { model = ctx.model; }, onEpochEnd: async () => model.summary() };
 */
export interface CallbackContext {
  /** The model being trained. */
  readonly model: LayersModel;
  readonly params: TrainingParams;
  readonly control: TrainingControl;
  readonly optimizer: OptimizerAccess;
  readonly progress: ProgressAccess;
  /** States of all stateful callbacks of this run, for BackupAndRestore. */
  readonly callbackStates: {
    save(): Promise<Record<string, unknown>>;
    load(states: Readonly<Record<string, unknown>>): Promise<string[]>;
  };
  /** False on non-primary replicas: they must not write checkpoints, logs or exports. */
  readonly isPrimary: boolean;
  readonly logger: Logger;
}
