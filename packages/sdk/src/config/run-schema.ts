import { z } from 'zod';
import { compileSchema } from './compile-schema';
import { dataSchema, dataSourceFileSchema, dataSourceSchema } from './data-schema';
import { modelFileSchema, modelSchema } from './model-schema';
import { callbackRefSchema, callbackSchema, exporterSchema, strategySchema } from './plugin-refs-schema';

type ModelPart = typeof modelFileSchema | typeof modelSchema;
type SourcePart = typeof dataSourceFileSchema | typeof dataSourceSchema;
type CallbackPart = typeof callbackRefSchema | typeof callbackSchema;

const KNOWN_BACKENDS = ['auto', 'native', 'native-gpu', 'wasm', 'cpu'] as const;

// Both forms share every field; only the model, data sources and callbacks differ (TypeScript can
// also pass live objects there), so one builder makes both and they cannot drift apart.
function buildRunSchema<M extends ModelPart, S extends SourcePart, C extends CallbackPart>(
  model: M,
  source: S,
  callback: C,
) {
  return z
    .strictObject({
      $schema: z.string().optional().meta({ description: 'The JSON Schema of this file, for editors.' }),
      name: z
        .string()
        .min(1)
        .optional()
        .meta({ title: 'Run name', description: 'Names the run and its output folder.' }),
      model: model.meta({ title: 'Model', description: 'The model to train.' }),
      compile: compileSchema,
      data: dataSchema(source),
      epochs: z
        .int({ error: 'an integer >= 1' })
        .min(1)
        .default(1)
        .meta({ title: 'Epochs', description: 'Train until this epoch index (as Keras fit: not "this many more").' }),
      initialEpoch: z
        .int({ error: 'an integer >= 0' })
        .min(0)
        .default(0)
        .meta({ title: 'Initial epoch', description: 'Epoch to start at, to resume a run.' }),
      stepsPerEpoch: z
        .int({ error: 'an integer > 0' })
        .positive()
        .optional()
        .meta({ title: 'Steps per epoch', description: 'Batches per epoch; default: one pass over the data.' }),
      verbose: z
        .literal([0, 1, 2], { error: '0 (silent), 1 (progress bar) or 2 (one line per epoch)' })
        .optional()
        .meta({
          description: 'As Keras: 0 silent, 1 progress bar, 2 one line per epoch; default 1 on a terminal, else 2.',
        }),
      strategy: strategySchema,
      backend: z
        .union([z.enum(KNOWN_BACKENDS), z.string().min(1)], {
          error: `${KNOWN_BACKENDS.join(', ')} or a plugin backend name`,
        })
        .default('auto')
        .meta({
          title: 'Backend',
          description:
            "Which kernels run: 'auto' (native TensorFlow, else wasm, else cpu), 'native', 'native-gpu', 'wasm', 'cpu'.",
        }),
      device: z
        .string()
        .regex(/^[a-z][a-z0-9_-]*(:\d+)?$/, { error: "a device such as 'cpu', 'gpu' or 'gpu:0'" })
        .optional()
        .meta({
          title: 'Device',
          description: "Where one-device training runs: 'cpu', 'gpu' or 'gpu:<index>'.",
          examples: ['cpu', 'gpu:0'],
        }),
      callbacks: z.array(callback).default([]).meta({
        title: 'Callbacks',
        description: "E.g. ['tensorBoard', { name: 'earlyStopping', options: { patience: 3 } }].",
      }),
      exporters: z
        .array(exporterSchema)
        .default([])
        .meta({ title: 'Exporters', description: 'What to export after training.' }),
      outputDir: z.string().min(1).optional().meta({
        title: 'Output directory',
        description: 'Where logs, checkpoints and exports go; default runs/<name>.',
      }),
      plugins: z
        .array(z.string().min(1))
        .default([])
        .meta({ description: 'Plugin packages to load besides those discovered from package.json.' }),
    })
    .superRefine((run, ctx) => {
      if (run.initialEpoch < run.epochs) return;
      ctx.addIssue({
        code: 'custom',
        path: ['initialEpoch'],
        input: run.initialEpoch,
        message: `an integer < epochs (${run.epochs})`,
        params: { hint: '`epochs` is the index of the last epoch, as in Keras: raise it to train more.' },
      });
    });
}

/**
 * The run definition as TypeScript states it (`defineRun`): the model, data and callbacks may also be
 * live objects (a `LayersModel`, tensors, a tfjs Dataset, callback objects).
 * @example
 *   runSchema.safeParse({ model: { path: 'file://m/model.json' }, compile: { optimizer: 'adam', loss: 'meanSquaredError' },
 *     data: { train: { csv: 'train.csv', label: 'y' } } }).success; // true
 */
export const runSchema = buildRunSchema(modelSchema, dataSourceSchema, callbackSchema);

/**
 * The run definition as a `tfscale.json` file states it: only JSON values. The JSON Schema is made
 * from this one.
 * @example
 *   runFileSchema.parse(JSON.parse(fs.readFileSync('tfscale.json', 'utf8')));
 */
export const runFileSchema = buildRunSchema(modelFileSchema, dataSourceFileSchema, callbackRefSchema);

/**
 * What `defineRun` accepts: the TypeScript form, defaults optional.
 * @example
 *   const input: RunDefinitionInput = { model: () => buildModel(), compile: { optimizer: 'adam', loss: 'meanSquaredError' },
 *     data: { train: { x: xs, y: ys } } };
 */
export type RunDefinitionInput = z.input<typeof runSchema>;

/**
 * A validated run definition with defaults filled (`batchSize` 32, `epochs` 1, `outputDir`, …).
 * @example
 *   const run: RunDefinition = defineRun(input);
 *   run.data.batchSize; // 32 unless given
 */
export type RunDefinition = Omit<z.output<typeof runSchema>, 'outputDir'> & { outputDir: string };

/**
 * What a `tfscale.json` file holds.
 * @example
 *   const file: RunFileInput = { model: { path: 'file://models/x/model.json' }, compile: { optimizer: 'sgd', loss: 'hinge' },
 *     data: { train: { jsonl: 'train.jsonl', label: 'y' } } };
 */
export type RunFileInput = z.input<typeof runFileSchema>;
