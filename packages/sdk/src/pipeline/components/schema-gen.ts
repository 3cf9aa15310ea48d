/**
 * SchemaGen: infers a schema (TFMD's, as editable JSON) from the training split's statistics —
 * each feature's type, presence, values per example, and string domains — or imports an edited
 * one (`schemaFile`, TFX's ImportSchemaGen), which then wins over inference.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { invalidValue } from '../../core/errors';
import type { Artifact } from '../component';
import { defineComponent } from '../component';
import { fingerprintPath } from '../fingerprint';
import { readStatistics } from './statistics-gen';

/**
 * A feature in a schema.
 * @example
 *   const f: SchemaFeature = { name: 'species', type: 'STRING', presence: { minFraction: 1 }, domain: { values: ['setosa'] } };
 */
export interface SchemaFeature {
  name: string;
  type: 'INT' | 'FLOAT' | 'STRING';
  presence: { minFraction: number };
  valueCount?: { min: number; max: number };
  /** Strings: the allowed values. Numbers: an optional [min, max] a person adds. */
  domain?: { values?: string[]; min?: number; max?: number };
}

/**
 * A schema: the features a split must have.
 * @example
 *   const s: Schema = JSON.parse(fs.readFileSync('schema.json', 'utf8'));
 */
export interface Schema {
  features: SchemaFeature[];
}

/**
 * SchemaGen's parameters.
 * @example
 *   const p: SchemaGenParams = { schemaFile: 'schema/edited.json' };
 */
export interface SchemaGenParams {
  /** Split to infer from (default 'train'). */
  split?: string;
  /** An edited schema.json to use instead of inferring. */
  schemaFile?: string;
  /** Largest number of distinct strings that still makes a domain (default 100). */
  maxDomainValues?: number;
}

/**
 * Makes a SchemaGen node: input `statistics`, output `schema` (Schema) with `schema.json`.
 * @example
 *   const schema = SchemaGen({ statistics: stats.outputs.statistics }, {});
 */
export const SchemaGen = defineComponent<SchemaGenParams>({
  type: 'SchemaGen',
  inputs: { statistics: 'ExampleStatistics' },
  outputs: { schema: 'Schema' },
  async externalFingerprint(params, baseDir) {
    return params.schemaFile ? fingerprintPath(path.resolve(baseDir, params.schemaFile)) : '';
  },
  async run(ctx) {
    const out = ctx.outputs.schema!;
    let schema: Schema;
    if (ctx.params.schemaFile) {
      const file = path.resolve(ctx.baseDir, ctx.params.schemaFile);
      schema = JSON.parse(await fs.readFile(file, 'utf8')) as Schema;
      if (!Array.isArray(schema.features)) throw invalidValue('schemaFile', file, 'a JSON object { features: [...] }');
    } else {
      const stats = await readStatistics(ctx.inputs.statistics!, ctx.params.split ?? 'train');
      const maxDomain = ctx.params.maxDomainValues ?? 100;
      schema = {
        features: stats.features.map((f) => {
          const feature: SchemaFeature = {
            name: f.name,
            type: f.types.length === 1 ? f.types[0]! : f.types.includes('STRING') ? 'STRING' : 'FLOAT',
            presence: { minFraction: stats.numExamples ? f.count / stats.numExamples : 1 },
          };
          if (f.count === f.numValues) feature.valueCount = { min: 1, max: 1 };
          if (f.string && f.string.unique <= maxDomain) {
            feature.domain = { values: f.string.topValues.map((t) => t.value).sort() };
          }
          return feature;
        }),
      };
    }
    await fs.writeFile(path.join(out.uri, 'schema.json'), `${JSON.stringify(schema, null, 2)}\n`);
    out.properties = { features: schema.features.length };
  },
});

/**
 * Reads a Schema artifact's `schema.json`.
 * @example
 *   const schema = await readSchema(ctx.inputs.schema);
 */
export async function readSchema(schema: Artifact): Promise<Schema> {
  return JSON.parse(await fs.readFile(path.join(schema.uri, 'schema.json'), 'utf8')) as Schema;
}
