/**
 * Coded errors of this plugin: export problems use the SDK's shared `unsupportedLayer`
 * (`TFSCALE_E_EXPORT_UNSUPPORTED_LAYER`); import problems use `TFSCALE_E_IMPORT_UNSUPPORTED_LAYER`
 * with the same message shape; malformed files are `TFSCALE_E_INVALID_VALUE`.
 */
import { describeValue, invalidValue, LAYER_EMITTERS, TfscaleError, unsupportedLayer } from '@tfscale/sdk';

/**
 * Format name used in export errors.
 *
 * @example
 * ```ts
 * unsupportedLayer({ name: 'c', className: 'Conv1D', format: FORMAT });
 * ```
 */
export const FORMAT = 'keras';

/**
 * The export error for a layer (or one of its options) that Keras cannot get faithfully.
 *
 * @example
 * ```ts
 * throw exportError('c1', 'Conv1D'); // Cannot export layer `c1` (Conv1D) to keras: layer class Conv1D is not supported…
 * ```
 */
export function exportError(
  name: string,
  className: string,
  option?: string,
  value?: unknown,
  expected?: string,
): TfscaleError {
  const base = { name, className, format: FORMAT };
  return option === undefined
    ? unsupportedLayer({ ...base, supported: Object.keys(LAYER_EMITTERS) })
    : unsupportedLayer({ ...base, option, value, ...(expected ? { expected } : {}) });
}

/**
 * The import error for a Keras layer class (or option) tfscale cannot rebuild as a tfjs layer.
 * Message: "Cannot import layer `x` (Conv1D) from a Keras model: …".
 *
 * @example
 * ```ts
 * throw importError('x', 'Conv1D', undefined, undefined, undefined, ['Dense']);
 * ```
 */
export function importError(
  name: string,
  className: string,
  option?: string,
  value?: unknown,
  expected?: string,
  supported?: readonly string[],
): TfscaleError {
  const head = `Cannot import layer \`${name}\` (${className}) from a Keras model`;
  if (option !== undefined) {
    return new TfscaleError(
      'TFSCALE_E_IMPORT_UNSUPPORTED_LAYER',
      `${head}: unsupported value for \`${option}\`. Received: ${option}=${describeValue(value)}. Expected: ${expected ?? 'a supported value'}.`,
      { hint: 'Change the option in Keras (and retrain or re-save), or load the model in Python.' },
    );
  }
  return new TfscaleError(
    'TFSCALE_E_IMPORT_UNSUPPORTED_LAYER',
    `${head}: layer class ${className} is not supported. Expected one of: ${(supported ?? []).join(', ')}.`,
    { hint: 'Rebuild the model in Keras from supported layers, or serve it from a SavedModel export instead.' },
  );
}

/**
 * The error for a file that is not a readable Keras model.
 *
 * @example
 * ```ts
 * throw badFile('m.keras', 'config.json is missing');
 * ```
 */
export function badFile(file: string, problem: string): TfscaleError {
  return invalidValue(
    'path',
    file,
    `a Keras model file (.keras archive or .h5 from model.save) — ${problem}`,
    'Save the model in Keras with model.save("model.keras") (or "model.h5").',
  );
}
