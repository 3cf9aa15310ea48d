/**
 * Validation of InferenceServices against KServe's own CRD schema (`schemas/` holds its
 * `openAPIV3Schema`, trimmed; the file header says how and from which commit). No
 * kubernetes-models package exists for KServe, so the schema is compiled with ajv, as a
 * structural schema is checked by the API server: types, formats, enums, required fields, unique
 * list-map keys, and unknown fields refused (kubectl's default `--validate=strict`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { ManifestIssue } from './schema-validation';

/** The committed schema file, relative to this package's root. */
export const KSERVE_SCHEMA_FILE = 'schemas/kserve-inferenceservice-v1beta1.yaml';

type Schema = { [key: string]: unknown };

let compiled: ValidateFunction | undefined;

/**
 * Schema issues of an InferenceService (`[]` when valid).
 *
 * @example
 * ```ts
 * inferenceServiceSchemaIssues({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm' }, spec: {} }, 'InferenceService/m');
 * // [{ object: 'InferenceService/m', path: '/spec', message: "must have required property 'predictor'" }]
 * ```
 */
export function inferenceServiceSchemaIssues(value: unknown, object: string): ManifestIssue[] {
  compiled ??= compile();
  if (compiled(value)) return [];
  return (compiled.errors ?? []).map((e) => ({ object, path: e.instancePath || '/', message: describe(e) }));
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    return `has unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
  }
  if (e.keyword === 'x-kubernetes-list-map-keys') {
    return `has two entries with the same ${(e.schema as string[]).join(' + ')} (a list-map key)`;
  }
  if (e.keyword === 'enum') {
    return `${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
  }
  return e.message ?? 'is invalid';
}

function compile(): ValidateFunction {
  const file = path.join(__dirname, '..', KSERVE_SCHEMA_FILE);
  const schema = strictFields(parse(fs.readFileSync(file, 'utf8')) as Schema);
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  ajv.addVocabulary([
    'x-kubernetes-list-type',
    'x-kubernetes-map-type',
    'x-kubernetes-int-or-string',
    'x-kubernetes-preserve-unknown-fields',
    'x-tfscale-trimmed',
  ]);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n + 0.5) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    errors: false,
    // A list-map's entries are keyed by these fields: two entries with one key are refused.
    validate: (keys: readonly string[], data: readonly Record<string, unknown>[]) => {
      const seen = data.map((item) => JSON.stringify(keys.map((k) => item?.[k] ?? (k === 'protocol' ? 'TCP' : null))));
      return new Set(seen).size === seen.length;
    },
  });
  return ajv.compile(schema);
}

/**
 * Every object schema that lists its properties refuses others, unless it says
 * `x-kubernetes-preserve-unknown-fields` (as the API server's strict field validation does).
 */
function strictFields(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictFields(v as Schema)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = strictFields(value as Schema);
    } else out[key] = value;
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}
