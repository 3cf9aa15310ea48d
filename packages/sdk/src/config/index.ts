/**
 * Run definitions: `defineRun({...})` in TypeScript or a `tfscale.json` file, one zod schema for both.
 * @packageDocumentation
 */
export { OPTIMIZER_NAMES, type OptimizerName } from './compile-schema';
export {
  CONFIG_ERROR_CODES,
  ConfigError,
  type ConfigErrorCode,
  type ConfigErrorOptions,
  type ConfigIssue,
  formatIssue,
} from './config-error';
export { defineRun } from './define-run';
export { RUN_SCHEMA_ID, runJsonSchema } from './json-schema';
export { loadRunFile, RUN_FILE_NAME } from './load-run';
export {
  type RunDefinition,
  type RunDefinitionInput,
  type RunFileInput,
  runFileSchema,
  runSchema,
} from './run-schema';
export type { CallbackObject, DatasetLike, ModelFactory, TensorData } from './runtime-values';
export { parseRun, type RunValidation, type ValidateRunOptions, validateRun } from './validate-run';
