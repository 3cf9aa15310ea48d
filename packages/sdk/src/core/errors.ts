/**
 * The SDK's one coded error catalogue (design convention 9).
 *
 * Every error a user can cause is a {@link TfscaleError} with a stable `TFSCALE_E_*` code, a
 * message in Keras' style and, where a fix exists, a `HINT:` line. CLIs print {@link formatError};
 * stacks are only shown for errors that are not ours (those are bugs).
 */

/**
 * Every SDK error code with a short title, sorted alphabetically. Codes are stable API: tests,
 * docs and plugins match on them, so never rename one.
 *
 * @example
 * ```ts
 * ERROR_CATALOGUE.TFSCALE_E_REGISTRY_UNKNOWN; // 'Unknown registry name'
 * ```
 */
export const ERROR_CATALOGUE = {
  TFSCALE_E_BACKEND_UNAVAILABLE: 'Backend unavailable',
  TFSCALE_E_BUNDLE_CORRUPT: 'Tensor bundle failed a format or CRC check',
  TFSCALE_E_BUNDLE_NOT_FOUND: 'Tensor bundle index file not found',
  TFSCALE_E_BUNDLE_SHARD_MISSING: 'Tensor bundle data shard missing',
  TFSCALE_E_BUNDLE_UNSUPPORTED: 'Tensor bundle feature not supported',
  TFSCALE_E_CALLBACK_FAILED: 'Callback hook threw',
  TFSCALE_E_CALLBACK_STATE_KEY_CLASH: 'Two stateful callbacks share a stateKey',
  TFSCALE_E_CLUSTER_INVALID: 'Invalid cluster configuration (TF_CONFIG, TFSCALE_CLUSTER or Job env)',
  TFSCALE_E_CLUSTER_NOT_JSON: 'Cluster configuration is not valid JSON',
  TFSCALE_E_COLLECTIVE_CLOSED: 'Collective used after close()',
  TFSCALE_E_COLLECTIVE_LISTEN_FAILED: 'Could not listen on this rank address',
  TFSCALE_E_COLLECTIVE_MISMATCH: 'Ranks disagree on the group or on the order of collectives',
  TFSCALE_E_COLLECTIVE_PEER_LOST: 'A peer rank disconnected',
  TFSCALE_E_COLLECTIVE_PROTOCOL: 'A peer sent a malformed collective frame',
  TFSCALE_E_COLLECTIVE_TIMEOUT: 'Collective connect or operation timed out',
  TFSCALE_E_CONFIG_INVALID: 'Run definition does not match the schema',
  TFSCALE_E_CONFIG_NOT_FOUND: 'Run file not found',
  TFSCALE_E_CONFIG_SYNTAX: 'Run file is not valid JSON',
  TFSCALE_E_CONFIG_UNSUPPORTED_FILE: 'Run file type cannot be loaded',
  TFSCALE_E_DEPLOY_START_FAILED: 'Deployment did not start (the server exited or never became ready)',
  TFSCALE_E_DEPLOY_TARGET_UNREACHABLE: 'Deployment target not reachable (no container engine or cluster)',
  TFSCALE_E_EXPORT_UNSUPPORTED_LAYER: 'Layer, activation or option not supported by an export format',
  TFSCALE_E_IMPORT_UNSUPPORTED_LAYER: 'Layer, activation or option of a loaded model that tfscale cannot rebuild',
  TFSCALE_E_INVALID_VALUE: 'Invalid value',
  TFSCALE_E_NOT_IMPLEMENTED: 'Not implemented yet',
  TFSCALE_E_PLUGIN_DEPENDENCY_CYCLE: 'Plugin dependency cycle',
  TFSCALE_E_PLUGIN_DUPLICATE: 'Plugin loaded twice',
  TFSCALE_E_PLUGIN_ENTRY_MISSING: 'Plugin entry file missing',
  TFSCALE_E_PLUGIN_IMPORT_FAILED: 'Plugin entry failed to load',
  TFSCALE_E_PLUGIN_INVALID: 'Invalid plugin module or shape',
  TFSCALE_E_PLUGIN_MISSING_DEPENDENCY: 'Plugin dependency missing',
  TFSCALE_E_PLUGIN_REGISTER_FAILED: 'Plugin register() threw',
  TFSCALE_E_PLUGIN_SDK_MISMATCH: 'Plugin built for another SDK version',
  TFSCALE_E_PS_CONNECT_FAILED: 'Could not reach a parameter-server cluster task',
  TFSCALE_E_PS_COORDINATOR_LOST: 'The parameter-server coordinator (chief) was lost',
  TFSCALE_E_PS_LOST: 'A parameter server (ps task) was lost',
  TFSCALE_E_PS_MISMATCH: 'Parameter-server tasks disagree on the model or protocol',
  TFSCALE_E_PS_NO_WORKERS: 'No parameter-server worker left to run steps',
  TFSCALE_E_PS_TASK_FAILED: 'A parameter-server task failed',
  TFSCALE_E_REGISTRY_DUPLICATE: 'Duplicate registry name',
  TFSCALE_E_REGISTRY_UNKNOWN: 'Unknown registry name',
  TFSCALE_E_SCHEME_CONFLICT: 'URL scheme claimed twice',
  TFSCALE_E_SCHEME_UNSUPPORTED: 'Unsupported URL scheme',
  TFSCALE_E_TFRECORD_CORRUPT: 'TFRecord data failed its CRC check',
  TFSCALE_E_TFRECORD_TRUNCATED: 'TFRecord file ends inside a record',
  TFSCALE_E_TRAINING_NAN_LOSS: 'Loss became NaN or infinite',
  TFSCALE_E_WRITER_CLOSED: 'Write to a closed writer',
} as const;

/**
 * A code from {@link ERROR_CATALOGUE}.
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'TFSCALE_E_INVALID_VALUE';
 * ```
 */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * Extra context for a {@link TfscaleError}.
 *
 * @example
 * ```ts
 * const options: TfscaleErrorOptions = { hint: 'pass { override: true }', plugin: 'tfscale-plugin-x' };
 * ```
 */
export interface TfscaleErrorOptions {
  /** One actionable sentence; rendered on its own `HINT:` line. */
  readonly hint?: string;
  /** The plugin whose code or registration caused this. */
  readonly plugin?: string;
  /** The hook or method that threw (`onEpochEnd`, `register`, …). */
  readonly hook?: string;
  /** The underlying error, kept for `--verbose` output. */
  readonly cause?: unknown;
}

/**
 * The SDK's error type. `message` is complete and readable on its own (hint included), so a
 * plain `console.error(err.message)` is enough for user mistakes.
 *
 * @example
 * ```ts
 * throw new TfscaleError('TFSCALE_E_BACKEND_UNAVAILABLE', 'The native backend is not installed.', {
 *   hint: 'Run `npm rebuild @tensorflow/tfjs-node`.',
 * });
 * ```
 */
export class TfscaleError extends Error {
  override readonly name = 'TfscaleError';
  readonly code: ErrorCode;
  /** The message without the hint line. */
  readonly summary: string;
  readonly hint?: string;
  readonly plugin?: string;
  readonly hook?: string;

  constructor(code: ErrorCode, summary: string, options: TfscaleErrorOptions = {}) {
    super(options.hint ? `${summary}\nHINT: ${options.hint}` : summary, { cause: options.cause });
    this.code = code;
    this.summary = summary;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.plugin !== undefined) this.plugin = options.plugin;
    if (options.hook !== undefined) this.hook = options.hook;
  }

  /** The catalogue title of this error's code. */
  get title(): string {
    return ERROR_CATALOGUE[this.code];
  }
}

/**
 * True for a {@link TfscaleError}, and for any error whose `code` is `TFSCALE_E_*` (one thrown by
 * another copy of the SDK in a plugin's nested `node_modules`, which `instanceof` would miss).
 *
 * @example
 * ```ts
 * if (isTfscaleError(err, 'TFSCALE_E_REGISTRY_UNKNOWN')) console.error(err.message);
 * ```
 */
export function isTfscaleError(value: unknown, code?: ErrorCode): value is TfscaleError {
  if (!(value instanceof Error)) return false;
  const own = (value as { code?: unknown }).code;
  const coded = value instanceof TfscaleError || (typeof own === 'string' && /^TFSCALE_E_[A-Z0-9_]+$/.test(own));
  return coded && (code === undefined || own === code);
}

/**
 * A short, single-line rendering of any value for error messages (strings quoted, long values
 * cut).
 *
 * @example
 * ```ts
 * describeValue('abc'); // '"abc"'
 * describeValue([1, 2]); // '[1,2]'
 * ```
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined || typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (typeof value === 'function') text = `function ${value.name || '(anonymous)'}`;
  else if (typeof value === 'symbol') text = value.toString();
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Builds the Keras-style error for a bad argument or config value:
 * "Invalid value for `x`. Received: x=… Expected: …" with an optional `HINT:` line.
 *
 * @example
 * ```ts
 * throw invalidValue('batchSize', -1, 'a positive integer', 'Use e.g. `batchSize: 32`.');
 * // Invalid value for `batchSize`. Received: batchSize=-1. Expected: a positive integer.
 * // HINT: Use e.g. `batchSize: 32`.
 * ```
 */
export function invalidValue(name: string, received: unknown, expected: string, hint?: string): TfscaleError {
  const end = /[.!?]$/.test(expected) ? '' : '.';
  const summary = `Invalid value for \`${name}\`. Received: ${name}=${describeValue(received)}. Expected: ${expected}${end}`;
  return new TfscaleError('TFSCALE_E_INVALID_VALUE', summary, hint === undefined ? {} : { hint });
}

/**
 * Error for a feature that a later release will ship (e.g. a CLI subcommand stub).
 *
 * @example
 * ```ts
 * throw notImplemented('`pad_variable_length_inputs`', 'Send equally shaped inputs.');
 * ```
 */
export function notImplemented(feature: string, hint?: string): TfscaleError {
  return new TfscaleError('TFSCALE_E_NOT_IMPLEMENTED', `${feature} is not implemented yet.`, hint ? { hint } : {});
}

/**
 * Options for {@link formatError}.
 *
 * @example
 * ```ts
 * formatError(err, { verbose: true });
 * ```
 */
export interface FormatErrorOptions {
  /** Include stacks of our own errors and of every cause. */
  readonly verbose?: boolean;
}

/**
 * Renders an error for a terminal: `CODE: message` plus its cause chain for our errors, the full
 * stack for anything else (that is a bug, and the stack is what a bug report needs).
 *
 * @example
 * ```ts
 * try { await run(); } catch (err) { console.error(formatError(err)); process.exitCode = 1; }
 * ```
 */
export function formatError(err: unknown, options: FormatErrorOptions = {}): string {
  if (!isTfscaleError(err)) {
    return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : `Error: ${String(err)}`;
  }
  const lines = [`${err.code}: ${err.message}`];
  if (options.verbose && err.stack) lines.push(err.stack.split('\n').slice(1).join('\n'));
  let cause = err.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    const text = cause instanceof Error ? cause.message : String(cause);
    // A wrapping error usually repeats its cause's message; print it again only when verbose.
    if (options.verbose || !err.message.includes(text)) lines.push(`Caused by: ${text}`);
    if (options.verbose && cause instanceof Error && cause.stack) {
      lines.push(cause.stack.split('\n').slice(1).join('\n'));
    }
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines.join('\n');
}
