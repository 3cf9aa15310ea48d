/**
 * A real {@link CallbackContext} for callback tests: a compiled tfjs model, an SGD optimizer whose
 * learning rate callbacks can read, a real TrainingControl and a position tests move by hand.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import type { Logger } from '../core/logger';
import type { CallbackContext, TrainingParams, TrainingPosition } from './callback-context';
import { SimpleTrainingControl } from './training-control';

/**
 * A logger that keeps what it was given, for assertions.
 * @example
 *   assert.deepEqual(logger.lines, ['warn: Batch 3: Invalid loss, terminating training']);
 */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}

/**
 * A context plus the handles a test drives it with.
 * @example
 *   const { ctx, control }: TestContext = testContext();
 */
export interface TestContext {
  ctx: CallbackContext;
  model: LayersModel;
  control: SimpleTrainingControl;
  position: TrainingPosition;
  logger: RecordingLogger;
}

/**
 * Builds a context around a small Sequential model (3 → 2 → 1, fixed weights) compiled with
 * SGD(`learningRate`).
 * @example
 *   const { ctx, position } = testContext({ params: { epochs: 3, steps: 4 } });
 */
export function testContext(
  options: { params?: Partial<TrainingParams>; isPrimary?: boolean; learningRate?: number } = {},
): TestContext {
  const tf = loadTf();
  const model = tf.sequential({
    name: 'tiny',
    layers: [
      tf.layers.dense({
        name: 'hidden',
        inputShape: [3],
        units: 2,
        kernelInitializer: 'ones',
        biasInitializer: 'zeros',
      }),
      tf.layers.dense({ name: 'out', units: 1, kernelInitializer: 'ones' }),
    ],
  });
  const optimizer = tf.train.sgd(options.learningRate ?? 0.01);
  model.compile({ optimizer, loss: 'meanSquaredError', metrics: ['accuracy'] });
  const control = new SimpleTrainingControl();
  const position: TrainingPosition = { epoch: 0, step: 0, globalStep: 0 };
  const logger = new RecordingLogger();
  const params: TrainingParams = {
    epochs: 2,
    initialEpoch: 0,
    steps: 4,
    batchSize: 8,
    samples: 32,
    verbose: 1,
    metrics: ['loss', 'accuracy', 'val_loss', 'val_accuracy'],
    doValidation: true,
    ...options.params,
  };
  const ctx: CallbackContext = {
    model,
    params,
    control,
    optimizer: {
      optimizer,
      getLearningRate: () => (optimizer as unknown as { learningRate: number }).learningRate,
      setLearningRate: (lr) => optimizer.setLearningRate(lr),
      getWeights: () => optimizer.getWeights(),
      setWeights: (weights) => optimizer.setWeights(weights),
    },
    progress: {
      position: () => ({ ...position }),
      resumeAt: (p) => Object.assign(position, p),
      seed: 1,
    },
    callbackStates: { save: async () => ({}), load: async () => [] },
    isPrimary: options.isPrimary ?? true,
    logger,
  };
  return { ctx, model, control, position, logger };
}
