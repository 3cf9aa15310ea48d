import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { RUN_SCHEMA_FILE, runJsonSchemaText } from './emit-schema';
import { RUN_SCHEMA_ID, runJsonSchema } from './json-schema';

interface SchemaNode {
  title?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
}

describe('run file JSON Schema', () => {
  it('the committed schema/tfscale.schema.json is up to date', () => {
    const regenerate = 'run `npx tsc -b && node packages/sdk/dist/config/emit-schema.js` and commit the result';
    assert.ok(existsSync(RUN_SCHEMA_FILE), `${RUN_SCHEMA_FILE} is missing: ${regenerate}`);
    assert.ok(
      readFileSync(RUN_SCHEMA_FILE, 'utf8') === runJsonSchemaText(),
      `${RUN_SCHEMA_FILE} is stale (the zod schema changed): ${regenerate}`,
    );
  });

  it('has an $id, a title, and a description on every top-level field', () => {
    const schema = runJsonSchema() as SchemaNode & { $id?: string };
    assert.equal(schema.$id, RUN_SCHEMA_ID);
    assert.ok(schema.title && schema.description);
    for (const [key, field] of Object.entries(schema.properties ?? {})) {
      assert.ok(field.description, `field ${key} has no description`);
    }
    for (const key of ['train', 'batchSize', 'validationSplit']) {
      assert.ok(schema.properties?.data.properties?.[key].description, `data.${key}`);
    }
  });

  it('shows defaults without requiring them', () => {
    const schema = runJsonSchema() as { required: string[]; properties: Record<string, { default?: unknown }> };
    assert.deepEqual(schema.required, ['model', 'compile', 'data']);
    assert.equal(schema.properties.epochs.default, 1);
  });
});
