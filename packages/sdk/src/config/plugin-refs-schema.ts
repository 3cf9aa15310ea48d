import { z } from 'zod';
import { type CallbackObject, isCallbackObject } from './runtime-values';

// Names are checked against the registries when the run starts, not here: plugins add names.

const options = z
  .record(z.string(), z.unknown())
  .optional()
  .meta({ description: 'Options passed to the plugin (its own fields).' });

const pluginName = z.string().min(1);

/**
 * `strategy`: how replicas are placed and gradients reduced, by name or `{ name, options }`.
 * @example
 *   strategySchema.parse({ name: 'multi-worker-mirrored', options: { communication: 'ring' } });
 */
export const strategySchema = z
  .union(
    [
      pluginName.meta({ examples: ['one-device', 'mirrored', 'multi-worker-mirrored', 'parameter-server'] }),
      z.strictObject({ name: pluginName.meta({ description: 'The strategy name.' }), options }),
    ],
    { error: "a strategy name such as 'mirrored', or { name, options? }" },
  )
  .default('one-device')
  .meta({
    title: 'Distribution strategy',
    description:
      "How training is distributed: 'one-device' (default), 'mirrored', 'multi-worker-mirrored', " +
      "'parameter-server', or a name a plugin registers; or { name, options }.",
  });

/**
 * A callback named in a run file: `'earlyStopping'` or `{ name, options }`.
 * @example
 *   callbackRefSchema.parse({ name: 'modelCheckpoint', options: { filepath: 'ckpt', saveBestOnly: true } });
 */
export const callbackRefSchema = z
  .union([pluginName, z.strictObject({ name: pluginName.meta({ description: 'The callback name.' }), options })], {
    error: 'a callback name or { name, options? }',
  })
  .meta({
    id: 'CallbackRef',
    title: 'Callback',
    description: "A callback by name, e.g. 'earlyStopping' or 'tensorBoard'.",
  });

/**
 * A callback in TypeScript: also an object or instance with Keras-named hooks (`onEpochEnd`, …).
 * @example
 *   callbackSchema.parse({ onEpochEnd: async (epoch: number) => console.log(epoch) });
 */
export const callbackSchema = z.union(
  [
    pluginName,
    z.strictObject({ name: pluginName, options }),
    z.custom<CallbackObject>(isCallbackObject, { error: 'an object with hooks such as onEpochEnd' }),
  ],
  { error: 'a callback name, { name, options? }, or an object with hooks such as onEpochEnd' },
);

/**
 * What the trained model is exported as, and where.
 * @example
 *   exporterSchema.parse({ format: 'saved-model', path: 'models/mnist/1' });
 */
export const exporterSchema = z
  .strictObject({
    format: pluginName.meta({
      description: "The exporter: 'tfjs', 'saved-model', or one a plugin registers (e.g. 'onnx', 'tflite').",
      examples: ['tfjs', 'saved-model', 'onnx', 'tflite'],
    }),
    path: z.string().min(1).meta({ description: 'Where to write it (relative paths: under outputDir).' }),
    options,
  })
  .meta({ id: 'Exporter', title: 'Exporter' });
