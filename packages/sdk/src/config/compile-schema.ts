import { z } from 'zod';

/**
 * Optimizer names, as tfjs spells them (`tf.train.<name>`); 'adamw' is tfscale's own (`createAdamW`).
 * @example
 *   OPTIMIZER_NAMES.includes('adam'); // true
 */
export const OPTIMIZER_NAMES = [
  'sgd',
  'momentum',
  'adam',
  'adamax',
  'adagrad',
  'adadelta',
  'rmsprop',
  'adamw',
] as const;

/**
 * One of {@link OPTIMIZER_NAMES}.
 * @example
 *   const optimizer: OptimizerName = 'rmsprop';
 */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

const optimizerName = z.enum(OPTIMIZER_NAMES).meta({ description: 'A tfjs optimizer, as tf.train.<name>.' });

const name = z.string().min(1);

/**
 * `compile.optimizer`: a name, or `{ type, learningRate?, ... }` with the optimizer's other options.
 * @example
 *   optimizerSchema.parse({ type: 'adam', learningRate: 1e-3 });
 */
export const optimizerSchema = z.union(
  [
    optimizerName,
    z
      .looseObject({
        type: optimizerName,
        learningRate: z.number().positive().optional().meta({ title: 'Learning rate' }),
      })
      .meta({ description: 'An optimizer with options (e.g. momentum, beta1, beta2, epsilon for adam).' }),
  ],
  { error: `an optimizer name (${OPTIMIZER_NAMES.join(', ')}) or { type, learningRate? }` },
);

/**
 * `compile.loss`: one loss, one per output (list), or one per named output (map). Names are tfjs's,
 * e.g. 'categoricalCrossentropy', 'meanSquaredError'.
 * @example
 *   lossSchema.parse({ digit: 'sparseCategoricalCrossentropy', box: 'meanSquaredError' });
 */
export const lossSchema = z.union([name, z.array(name).min(1), z.record(z.string(), name)], {
  error: 'a loss name, a list of them (one per output) or a map of output name to loss name',
});

/**
 * The arguments of Keras `model.compile(...)`.
 * @example
 *   compileSchema.parse({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 */
export const compileSchema = z
  .strictObject(
    {
      optimizer: optimizerSchema.meta({
        title: 'Optimizer',
        description: `A name (${OPTIMIZER_NAMES.join(', ')}) or { type, learningRate, ... }.`,
      }),
      loss: lossSchema.meta({
        title: 'Loss',
        description: "tfjs loss name(s), e.g. 'categoricalCrossentropy', 'meanSquaredError', 'binaryCrossentropy'.",
      }),
      metrics: z
        .array(name)
        .optional()
        .meta({ title: 'Metrics', description: "Metrics to report, e.g. ['accuracy']." }),
      stepMode: z.enum(['auto', 'compiled', 'eager']).optional().meta({
        title: 'Step mode',
        description:
          "'auto' (default): each training step runs as one compiled TensorFlow graph when the model, loss and optimizer allow it, else eagerly (op by op) with a notice naming why; 'compiled' warns when it falls back; 'eager' never compiles.",
      }),
    },
    { error: 'an object { optimizer, loss, metrics?, stepMode? }' },
  )
  .meta({ title: 'Compile', description: 'How the model is trained: as Keras `model.compile(...)`.' });
