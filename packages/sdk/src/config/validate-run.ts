import { CONFIG_ERROR_CODES, ConfigError, type ConfigIssue } from './config-error';
import { expectedPhrase } from './expected-phrase';
import { toConfigIssues } from './format-issues';
import { type RunDefinition, runFileSchema, runSchema } from './run-schema';

/**
 * Options of {@link validateRun}.
 * @example
 *   validateRun(JSON.parse(text), { form: 'file' });
 */
export interface ValidateRunOptions {
  /** 'file' allows only JSON values (a `tfscale.json`); 'ts' (default) also live objects. */
  form?: 'ts' | 'file';
}

/**
 * The outcome of {@link validateRun}: the run with defaults filled, or the issues.
 * @example
 *   const result: RunValidation = validateRun(value);
 *   if (result.ok) console.log(result.run.epochs);
 */
export type RunValidation = { ok: true; run: RunDefinition } | { ok: false; issues: ConfigIssue[] };

/**
 * Validates a run definition without throwing, for tools that show every issue (the language server).
 * @example
 *   const result = validateRun(JSON.parse(text), { form: 'file' });
 *   if (!result.ok) for (const issue of result.issues) console.log(issue.field, issue.message);
 */
export function validateRun(value: unknown, options: ValidateRunOptions = {}): RunValidation {
  const schema = options.form === 'file' ? runFileSchema : runSchema;
  const result = schema.safeParse(value, { error: expectedPhrase, reportInput: true });
  if (!result.success) return { ok: false, issues: toConfigIssues(result.error.issues, schema) };
  const run = result.data;
  return { ok: true, run: { ...run, outputDir: run.outputDir ?? `runs/${run.name ?? 'run'}` } };
}

/**
 * Validates a run definition and throws a {@link ConfigError} listing every issue when it is invalid.
 * @example
 *   const run = parseRun(JSON.parse(text), { form: 'file' }, 'tfscale.json');
 */
export function parseRun(value: unknown, options: ValidateRunOptions = {}, file?: string): RunDefinition {
  const result = validateRun(value, options);
  if (result.ok) return result.run;
  const count = result.issues.length === 1 ? '1 problem' : `${result.issues.length} problems`;
  const summary = `Invalid run definition${file ? ` in ${file}` : ''} (${count}):`;
  throw new ConfigError(CONFIG_ERROR_CODES.invalid, summary, { issues: result.issues, ...(file ? { file } : {}) });
}
