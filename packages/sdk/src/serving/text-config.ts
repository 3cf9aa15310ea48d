/**
 * Reads TF Serving's small text-format flag files (`--batching_parameters_file`,
 * `--monitoring_config_file`) with the shared text-format parser, re-hinting its errors for the
 * file at hand (the parser's own hint describes the model config file).
 */
import { TfscaleError } from '../core/errors';
import { parseTextProto, type TextMessageSchema, TextProtoSyntaxError } from './model-config-text';

/**
 * Parses `text` as `schema`; syntax errors keep line:column and get `hint`.
 * @example
 *   const o = parseTextConfig('prometheus_config { enable: true }', MONITORING_SCHEMA, 'monitoring.config', 'e.g. …');
 */
export function parseTextConfig(
  text: string,
  schema: TextMessageSchema,
  source: string,
  hint: string,
): Record<string, unknown> {
  try {
    return parseTextProto(text, schema, source);
  } catch (error) {
    if (error instanceof TextProtoSyntaxError) {
      throw new TfscaleError('TFSCALE_E_INVALID_VALUE', error.message.split('\nHINT:')[0]!, { hint });
    }
    throw error;
  }
}

/**
 * A `google.protobuf.*Value` wrapper message schema (`max_batch_size { value: 8 }`).
 * @example
 *   wrapper('Int64Value', 'int64');
 */
export function wrapper(name: string, kind: 'int64' | 'string' | 'bool'): TextMessageSchema {
  return { name: `google.protobuf.${name}`, fields: { value: { kind } } };
}
