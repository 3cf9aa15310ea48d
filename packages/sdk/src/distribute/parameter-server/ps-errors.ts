/**
 * The parameter-server errors. TF's rule (PSS tutorial, "Handling task failure"): a lost worker is
 * tolerated, a lost ps or coordinator fails the whole cluster. These errors name the task at
 * fault and travel over the wire, so every process reports the root cause.
 */
import { ERROR_CATALOGUE, type ErrorCode, isTfscaleError, TfscaleError } from '../../core/errors';
import type { ClusterTask } from '../cluster/cluster-spec';

const RESTART_HINT =
  'Restart the cluster (every task); the chief resumes from its last backup (BackupAndRestore) when one exists.';

/**
 * How messages name a task: `ps:0 (10.0.0.4:2222)`, `chief (10.0.0.1:2222)`.
 *
 * @example
 * ```ts
 * describeTask({ type: 'worker', index: 1, address: 'w1:2222' }); // 'worker:1 (w1:2222)'
 * ```
 */
export function describeTask(task: Pick<ClusterTask, 'type' | 'index' | 'address'>): string {
  return `${task.type === 'chief' ? 'chief' : `${task.type}:${task.index}`} (${task.address})`;
}

/**
 * A ps task's connection failed: the run cannot go on without its variables.
 *
 * @example
 * ```ts
 * throw psLost({ type: 'ps', index: 0, address: 'ps0:2222' }, 'ECONNRESET', 'worker:1');
 * ```
 */
export function psLost(ps: ClusterTask, reason: string, seenBy: string): TfscaleError {
  return new TfscaleError(
    'TFSCALE_E_PS_LOST',
    `Parameter server ${describeTask(ps)} was lost: ${reason} (seen by ${seenBy}).`,
    { hint: RESTART_HINT },
  );
}

/**
 * The coordinator went away before telling this task to stop.
 *
 * @example
 * ```ts
 * throw coordinatorLost(chief, 'the connection was closed', 'ps:0');
 * ```
 */
export function coordinatorLost(chief: ClusterTask, reason: string, seenBy: string): TfscaleError {
  return new TfscaleError(
    'TFSCALE_E_PS_COORDINATOR_LOST',
    `The coordinator ${describeTask(chief)} was lost: ${reason} (seen by ${seenBy}).`,
    { hint: RESTART_HINT },
  );
}

/**
 * Two tasks built different models, or speak different protocol versions.
 *
 * @example
 * ```ts
 * throw psMismatch('worker:0 has 4 trainable variables, the chief 6.');
 * ```
 */
export function psMismatch(summary: string): TfscaleError {
  return new TfscaleError('TFSCALE_E_PS_MISMATCH', summary, {
    hint: 'Every task must run the same tfscale version with the same run file (same model and compile options).',
  });
}

/**
 * The wire form of an error: code, summary and hint.
 *
 * @example
 * ```ts
 * channel.notify({ t: 'abort', error: errorToWire(err) });
 * ```
 */
export function errorToWire(err: unknown): { code: string; summary: string; hint?: string } {
  if (isTfscaleError(err)) return { code: err.code, summary: err.summary, ...(err.hint ? { hint: err.hint } : {}) };
  const text = err instanceof Error ? err.message : String(err);
  return { code: 'TFSCALE_E_PS_TASK_FAILED', summary: `A task failed: ${text.replace(/\.$/, '')}.` };
}

/**
 * Rebuilds an error sent by `from`; anything unreadable becomes a coded error naming `from`.
 *
 * @example
 * ```ts
 * throw errorFromWire(message.head.error, 'the chief');
 * ```
 */
export function errorFromWire(wire: unknown, from: string): TfscaleError {
  const w = (typeof wire === 'object' && wire !== null ? wire : {}) as Record<string, unknown>;
  const known = typeof w.code === 'string' && Object.hasOwn(ERROR_CATALOGUE, w.code);
  if (!known || typeof w.summary !== 'string') {
    return psMismatch(`${from} reported an error this process cannot read: ${JSON.stringify(wire)}.`);
  }
  const hint = typeof w.hint === 'string' ? w.hint : undefined;
  return new TfscaleError(w.code as ErrorCode, `${w.summary} (reported by ${from})`, hint ? { hint } : {});
}
