import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runJsonSchema } from './json-schema';

/**
 * Where the committed run file schema lives: `packages/sdk/schema/tfscale.schema.json`.
 * @example
 *   JSON.parse(fs.readFileSync(RUN_SCHEMA_FILE, 'utf8')).$id;
 */
export const RUN_SCHEMA_FILE = path.resolve(__dirname, '../../schema/tfscale.schema.json');

/**
 * The schema file's text: the JSON Schema, two-space indented, with a final newline.
 * @example
 *   fs.readFileSync(RUN_SCHEMA_FILE, 'utf8') === runJsonSchemaText(); // true when up to date
 */
export function runJsonSchemaText(): string {
  return `${JSON.stringify(runJsonSchema(), null, 2)}\n`;
}

/**
 * Writes the run file JSON Schema to {@link RUN_SCHEMA_FILE}. Run after changing the schema:
 * `npx tsc -b && node packages/sdk/dist/config/emit-schema.js`.
 * @example
 *   emitRunSchema(); // returns the path written
 */
export function emitRunSchema(file = RUN_SCHEMA_FILE): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, runJsonSchemaText());
  return file;
}

if (require.main === module) {
  console.log(`wrote ${path.relative(process.cwd(), emitRunSchema())}`);
}
