import { z } from 'zod';
import { isDataset, isTensorData, type TensorData } from './runtime-values';

const label = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'a column name or a list of them' })
  .meta({ title: 'Label', description: 'The column(s) the model predicts (y).' });

const features = z
  .array(z.string().min(1))
  .min(1)
  .optional()
  .meta({ title: 'Features', description: 'The input columns (x); default: every column but the label.' });

/**
 * Rows of a CSV file with a header row.
 * @example
 *   csvSourceSchema.parse({ csv: 'data/train.csv', label: 'species' });
 */
export const csvSourceSchema = z
  .strictObject({
    csv: z.string().min(1).meta({ description: 'Path or URL of the CSV file.' }),
    label,
    features,
    delimiter: z.string().length(1).optional().meta({ description: "Column separator (default ',')." }),
  })
  .meta({ id: 'CsvSource', title: 'CSV file' });

/**
 * One JSON object per line.
 * @example
 *   jsonlSourceSchema.parse({ jsonl: 'data/train.jsonl', label: 'y', features: ['a', 'b'] });
 */
export const jsonlSourceSchema = z
  .strictObject({
    jsonl: z.string().min(1).meta({ description: 'Path or URL of the JSON Lines file.' }),
    label,
    features,
  })
  .meta({ id: 'JsonlSource', title: 'JSON Lines file' });

/**
 * tf.Example records in TFRecord files, as TensorFlow's `TFRecordDataset` reads them.
 * @example
 *   tfrecordSourceSchema.parse({ tfrecord: ['train-00000-of-00002', 'train-00001-of-00002'], label: 'label' });
 */
export const tfrecordSourceSchema = z
  .strictObject({
    tfrecord: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'a file path or a list of them' })
      .meta({
        description:
          'TFRecord file(s) of tf.Example records: a path, a pattern with wildcards in the file name (data/train-*.tfrecord), or a list, read in order.',
      }),
    label,
    features,
    compressionType: z
      .enum(['', 'GZIP', 'ZLIB'])
      .optional()
      .meta({ title: 'Compression type', description: "As TFRecordDataset's compression_type: '', 'GZIP' or 'ZLIB'." }),
  })
  .meta({ id: 'TfrecordSource', title: 'TFRecord files' });

const FILE_FORMS = '{ csv, label }, { jsonl, label } or { tfrecord, label }';

/**
 * A data source a run file can name: a CSV, JSON Lines or TFRecord file.
 * @example
 *   dataSourceFileSchema.parse({ csv: 'data/iris.csv', label: 'species' });
 */
export const dataSourceFileSchema = z.union([csvSourceSchema, jsonlSourceSchema, tfrecordSourceSchema], {
  error: FILE_FORMS,
});

/**
 * A data source in TypeScript: also in-memory `{ x, y }` (tensors or arrays) or a tfjs Dataset.
 * @example
 *   dataSourceSchema.parse({ x: [[0], [1]], y: [[1], [0]] });
 */
export const dataSourceSchema = z.union(
  [
    csvSourceSchema,
    jsonlSourceSchema,
    tfrecordSourceSchema,
    z.strictObject({
      x: z.custom<TensorData>(isTensorData, { error: 'tensors or number arrays' }),
      y: z.custom<TensorData>(isTensorData, { error: 'tensors or number arrays' }),
    }),
    z.custom<import('./runtime-values').DatasetLike>(isDataset),
  ],
  { error: `${FILE_FORMS}, { x, y } with tensors or arrays, or a tfjs Dataset` },
);

type SourceSchema = typeof dataSourceFileSchema | typeof dataSourceSchema;

/**
 * Builds the `data` section around a data source schema (the run-file or the TypeScript one).
 * `validation` and `validationSplit` are mutually exclusive, as in Keras.
 * @example
 *   dataSchema(dataSourceFileSchema).parse({ train: { csv: 'train.csv', label: 'y' } }).batchSize; // 32
 */
export function dataSchema<S extends SourceSchema>(source: S) {
  return z
    .strictObject(
      {
        train: source.meta({ title: 'Training data', description: 'A CSV, JSON Lines or TFRecord source.' }),
        validation: source.optional().meta({ title: 'Validation data', description: 'Evaluated after each epoch.' }),
        validationSplit: z
          .number()
          .gt(0, { error: 'a number between 0 and 1 (exclusive)' })
          .lt(1, { error: 'a number between 0 and 1 (exclusive)' })
          .optional()
          .meta({ title: 'Validation split', description: 'Fraction of the training data held out for validation.' }),
        batchSize: z
          .int({ error: 'an integer > 0' })
          .positive()
          .default(32)
          .meta({ title: 'Batch size', description: 'Samples per gradient step.' }),
        shuffle: z.boolean().default(true).meta({ description: 'Shuffle the training data before each epoch.' }),
        seed: z.int().optional().meta({ description: 'Seed for shuffling and the validation split.' }),
      },
      { error: 'an object { train, validation?, validationSplit?, batchSize?, shuffle?, seed? }' },
    )
    .superRefine((data, ctx) => {
      if (data.validation === undefined || data.validationSplit === undefined) return;
      const expected = 'either `data.validation` or `data.validationSplit`, not both';
      const hint = 'Remove one of them: `validation` names separate data, `validationSplit` holds out part of `train`.';
      for (const key of ['validation', 'validationSplit'] as const) {
        ctx.addIssue({ code: 'custom', path: [key], input: data[key], message: expected, params: { hint } });
      }
    })
    .meta({ title: 'Data', description: 'Training and validation data, as Keras `model.fit(...)` takes them.' });
}
