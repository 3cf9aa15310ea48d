import { z } from 'zod';
import { runFileSchema } from './run-schema';

/**
 * The `$id` of the run file JSON Schema: where the published package serves it.
 * @example
 *   // tfscale.json
 *   // { "$schema": "https://unpkg.com/@tfscale/sdk/schema/tfscale.schema.json", ... }
 */
export const RUN_SCHEMA_ID = 'https://unpkg.com/@tfscale/sdk/schema/tfscale.schema.json';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of `tfscale.json`, made from the same zod schema that validates it,
 * with a title and description on each field for editors. Defaults are shown, not required.
 * @example
 *   fs.writeFileSync('tfscale.schema.json', JSON.stringify(runJsonSchema(), null, 2));
 */
export function runJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(runFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    override: ({ jsonSchema }) => {
      // z.int() states the safe-integer range on every integer; it is noise in an editor.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: RUN_SCHEMA_ID,
    title: 'tfscale run definition',
    description:
      'A training run for `tfscale train`: the model, how it is compiled, the data, and how training is ' +
      'distributed and exported. The same fields as defineRun({...}) in TypeScript.',
    ...rest,
  };
}
