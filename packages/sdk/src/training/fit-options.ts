import { randomInt } from 'node:crypto';
import type { Callback } from '../callbacks/callback';
import { invalidValue } from '../core/errors';
import type { StepThreads } from './compiled/compiled-step';
import type { StepMode } from './compiled/select-step';
import type { TrainingData } from './data/training-data';
import type { GradientHook } from './train-step';

/**
 * Options of `Trainer.fit`, named as Keras' `fit` arguments (camelCase).
 * @example
 *   const options: FitOptions = { epochs: 10, batchSize: 64, validationSplit: 0.1, seed: 7 };
 */
export interface FitOptions {
  epochs?: number;
  initialEpoch?: number;
  batchSize?: number;
  /** Validation samples; exclusive with `validationSplit`. */
  validationData?: TrainingData;
  /** Fraction of the training data (the last samples, before shuffling) held out for validation. */
  validationSplit?: number;
  /** Validate every N epochs (Keras' integer `validation_freq`). */
  validationFreq?: number;
  validationBatchSize?: number;
  shuffle?: boolean;
  /** Data-order seed; a random one is drawn (and kept in backups) when omitted. */
  seed?: number;
  /** Batches per epoch; defaults to the whole data once. */
  stepsPerEpoch?: number;
  callbacks?: Callback[];
  verbose?: 0 | 1 | 2;
  /** Reduces gradients across replicas (set by strategies). */
  gradientHook?: GradientHook;
  /**
   * Combines a step's loss/metric values across replicas (set by strategies), so logs describe the
   * global batch: receives this replica's values and sample count, returns the global ones.
   */
  reduceLogs?: (values: Float32Array, samples: number) => Promise<{ values: Float32Array; samples: number }>;
  /** The global batch when `batchSize` is this replica's share of it (set by strategies). */
  globalBatchSize?: number;
  /** False on replicas that must not write files (set by strategies). */
  isPrimary?: boolean;
  /** 'auto' (default): one TensorFlow session call per step when the model allows, else eager. */
  stepMode?: StepMode;
  /** Thread pools of the compiled step's session (0 or unset: TensorFlow decides). */
  stepThreads?: StepThreads;
}

/** {@link FitOptions} with defaults filled in and values checked. */
type OptionalKeys =
  | 'validationData'
  | 'validationSplit'
  | 'stepsPerEpoch'
  | 'gradientHook'
  | 'reduceLogs'
  | 'globalBatchSize'
  | 'stepThreads';
export type ResolvedFitOptions = Required<Omit<FitOptions, OptionalKeys>> & Pick<FitOptions, OptionalKeys>;

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw invalidValue(name, value, `an integer >= ${min}`);
  return value;
}

/**
 * Fills defaults (Keras' where Keras has one) and rejects bad values with Keras-style errors.
 * @example
 *   resolveFitOptions({ epochs: 3 }).batchSize; // 32
 */
export function resolveFitOptions(o: FitOptions): ResolvedFitOptions {
  const epochs = positiveInt('epochs', o.epochs, 1);
  const initialEpoch = positiveInt('initialEpoch', o.initialEpoch, 0, 0);
  if (initialEpoch > epochs) {
    throw invalidValue('initialEpoch', initialEpoch, `at most epochs=${epochs}`);
  }
  if (o.validationSplit !== undefined && !(o.validationSplit > 0 && o.validationSplit < 1)) {
    throw invalidValue('validationSplit', o.validationSplit, 'a number between 0 and 1 (exclusive)');
  }
  if (o.validationSplit !== undefined && o.validationData !== undefined) {
    throw invalidValue(
      'validationSplit',
      o.validationSplit,
      'undefined when validationData is given',
      'pass one of validationData and validationSplit',
    );
  }
  const batchSize = positiveInt('batchSize', o.batchSize, 32);
  return {
    epochs,
    initialEpoch,
    batchSize,
    validationData: o.validationData,
    validationSplit: o.validationSplit,
    validationFreq: positiveInt('validationFreq', o.validationFreq, 1),
    validationBatchSize: positiveInt('validationBatchSize', o.validationBatchSize, batchSize),
    shuffle: o.shuffle ?? true,
    seed: o.seed === undefined ? randomInt(2 ** 31) : positiveInt('seed', o.seed, 0, 0),
    stepsPerEpoch: o.stepsPerEpoch === undefined ? undefined : positiveInt('stepsPerEpoch', o.stepsPerEpoch, 1),
    callbacks: o.callbacks ?? [],
    verbose: o.verbose ?? 0,
    gradientHook: o.gradientHook,
    reduceLogs: o.reduceLogs,
    globalBatchSize: o.globalBatchSize === undefined ? undefined : positiveInt('globalBatchSize', o.globalBatchSize, 1),
    isPrimary: o.isPrimary ?? true,
    stepMode: stepMode(o.stepMode),
    stepThreads: o.stepThreads,
  };
}

function stepMode(mode: StepMode | undefined): StepMode {
  if (mode === undefined) return 'auto';
  if (mode !== 'auto' && mode !== 'compiled' && mode !== 'eager') {
    throw invalidValue('stepMode', mode, "'auto', 'compiled' or 'eager'");
  }
  return mode;
}
