/**
 * Coded errors for cluster configuration, named after the exact field that is wrong
 * (`TF_CONFIG.cluster.worker[2]`, `TFSCALE_CLUSTER.rank`, `JOB_COMPLETION_INDEX`) so a user can
 * fix the variable without reading our code.
 */
import { invalidValue, TfscaleError } from '../../core/errors';

/**
 * A `TFSCALE_E_CLUSTER_INVALID` error in the SDK's "Invalid value for `x`. Received: …
 * Expected: …" format.
 *
 * @example
 * ```ts
 * throw clusterError('TF_CONFIG.task.index', 3, 'an index below 2 (cluster.worker has 2 tasks)');
 * ```
 */
export function clusterError(name: string, received: unknown, expected: string, hint?: string): TfscaleError {
  const { summary } = invalidValue(name, received, expected);
  return new TfscaleError('TFSCALE_E_CLUSTER_INVALID', summary, hint === undefined ? {} : { hint });
}

/**
 * Parses a JSON environment variable, turning a syntax error into `TFSCALE_E_CLUSTER_NOT_JSON`
 * that names the variable and shows a valid example.
 *
 * @example
 * ```ts
 * const value = parseJsonVariable('TF_CONFIG', process.env.TF_CONFIG ?? '{}', '{"cluster": {...}, "task": {...}}');
 * ```
 */
export function parseJsonVariable(name: string, text: string, example: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new TfscaleError(
      'TFSCALE_E_CLUSTER_NOT_JSON',
      `\`${name}\` is not valid JSON (${reason}). Received: ${shown}`,
      {
        hint: `Set ${name} to one JSON object, quoted for your shell: ${name}='${example}'.`,
      },
    );
  }
}
