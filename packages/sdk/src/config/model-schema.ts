import { z } from 'zod';
import { isLayersModel, type ModelFactory } from './runtime-values';

/**
 * One layer of a declarative model: `type` names a tfjs layer (`dense`, `conv2d`, `dropout`, …) and
 * the other fields are that layer's tfjs config (camelCase, as `tf.layers.dense({...})` takes).
 * @example
 *   layerSpecSchema.parse({ type: 'dense', units: 64, activation: 'relu', inputShape: [784] });
 */
export const layerSpecSchema = z
  .looseObject({
    type: z
      .string()
      .min(1)
      .meta({
        title: 'Layer type',
        description: "The tfjs layer, as named in `tf.layers`: 'dense', 'conv2d', 'dropout', 'flatten', …",
        examples: ['dense', 'conv2d', 'dropout'],
      }),
    name: z.string().min(1).optional().meta({ description: 'Layer name, unique in the model.' }),
    inputShape: z
      .array(z.int().positive().nullable())
      .optional()
      .meta({ title: 'Input shape', description: 'Shape of one sample, without the batch axis (first layer only).' }),
    units: z.int().positive().optional().meta({ description: 'Output width of a dense layer.' }),
    activation: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Activation function: 'relu', 'softmax', 'sigmoid', 'tanh', 'linear', …" }),
  })
  .meta({
    id: 'LayerSpec',
    title: 'Layer',
    description: 'A tfjs layer: `type` plus the fields of that layer’s config (e.g. units, activation, inputShape).',
  });

/**
 * A Keras-style Sequential model written as data, for run files.
 * @example
 *   sequentialModelSchema.parse({ type: 'sequential', layers: [{ type: 'dense', units: 1, inputShape: [3] }] });
 */
export const sequentialModelSchema = z
  .strictObject({
    type: z.literal('sequential').meta({ description: "Always 'sequential': layers applied in order." }),
    name: z.string().min(1).optional().meta({ description: 'Model name.' }),
    layers: z.array(layerSpecSchema).min(1).meta({ description: 'The layers, input first.' }),
  })
  .meta({ id: 'SequentialModel', title: 'Sequential model', description: 'A stack of layers (tf.sequential).' });

/**
 * A saved model to load (tfjs `model.json`), addressed by URL scheme like `tf.loadLayersModel`.
 * @example
 *   savedModelSchema.parse({ path: 'file://models/mnist/model.json' });
 */
export const savedModelSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .meta({
        description: 'Where the saved model is: a URL such as file://models/x/model.json or https://….',
        examples: ['file://models/mnist/model.json'],
      }),
  })
  .meta({ id: 'SavedModelRef', title: 'Saved model', description: 'Load a saved tfjs LayersModel.' });

/**
 * The model as a run file can state it: declarative layers or a saved model.
 * @example
 *   modelFileSchema.parse({ path: 'file://models/mnist/model.json' });
 */
export const modelFileSchema = z.union([sequentialModelSchema, savedModelSchema], {
  error: "{ type: 'sequential', layers: [...] } or { path: 'file://…/model.json' }",
});

/**
 * The model as TypeScript can state it: also a `LayersModel` or a function that returns one.
 * @example
 *   modelSchema.parse(() => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] }));
 */
export const modelSchema = z.union(
  [
    z.custom<import('@tensorflow/tfjs').LayersModel>(isLayersModel),
    z.custom<ModelFactory>((v) => typeof v === 'function'),
    sequentialModelSchema,
    savedModelSchema,
  ],
  { error: "a tfjs LayersModel, a function returning one, { type: 'sequential', layers } or { path }" },
);
