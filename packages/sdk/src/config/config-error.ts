import { TfscaleError } from '../core/errors';

/**
 * The error codes a run definition can fail with.
 * @example
 *   if (err instanceof ConfigError && err.code === CONFIG_ERROR_CODES.invalid) showIssues(err.issues);
 */
export const CONFIG_ERROR_CODES = {
  /** The definition does not match the schema; `issues` says where. */
  invalid: 'TFSCALE_E_CONFIG_INVALID',
  /** A JSON run file is not valid JSON; the issue has the line and column. */
  syntax: 'TFSCALE_E_CONFIG_SYNTAX',
  /** The run file does not exist. */
  notFound: 'TFSCALE_E_CONFIG_NOT_FOUND',
  /** The run file's extension cannot be loaded (e.g. `.ts` without compiling). */
  unsupportedFile: 'TFSCALE_E_CONFIG_UNSUPPORTED_FILE',
} as const;

/**
 * One of {@link CONFIG_ERROR_CODES}.
 * @example
 *   const code: ConfigErrorCode = 'TFSCALE_E_CONFIG_SYNTAX';
 */
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[keyof typeof CONFIG_ERROR_CODES];

/**
 * One problem in a run definition, pointing at the field that has it.
 * @example
 *   const issue: ConfigIssue = { path: ['epoch'], field: 'epoch', message: 'Unknown field `epoch`.', hint: 'Did you mean `epochs`?' };
 */
export interface ConfigIssue {
  /** Keys from the root to the field, e.g. `['data', 'batchSize']`; empty for the whole definition. */
  path: (string | number)[];
  /** The same path as written in messages, e.g. `data.batchSize` or `callbacks[1].name`. */
  field: string;
  /** "Invalid value for `data.batchSize`. Received: data.batchSize=-3 Expected: an integer > 0" */
  message: string;
  /** How to fix it, when there is an obvious fix (e.g. "Did you mean `epochs`?"). */
  hint?: string;
  /** 1-based position in the run file, when known (JSON syntax errors). */
  line?: number;
  column?: number;
}

/**
 * Options of the {@link ConfigError} constructor.
 * @example
 *   new ConfigError(CONFIG_ERROR_CODES.invalid, 'Invalid run definition in tfscale.json (1 problem):', { issues, file: 'tfscale.json' });
 */
export interface ConfigErrorOptions {
  issues?: ConfigIssue[];
  /** The run file the definition came from. */
  file?: string;
  hint?: string;
  cause?: unknown;
}

/**
 * Renders one issue as a line: the message, then `HINT:` when there is one.
 * @example
 *   formatIssue({ path: ['epoch'], field: 'epoch', message: 'Unknown field `epoch`.', hint: 'Did you mean `epochs`?' });
 *   // 'Unknown field `epoch`. HINT: Did you mean `epochs`?'
 */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
  return `${issue.message}${where}${issue.hint ? ` HINT: ${issue.hint}` : ''}`;
}

/**
 * A mistake in a run definition (from `defineRun` or a run file). The message lists every issue, one
 * per line, each naming the field; `issues` holds them for tools such as the language server.
 * @example
 *   try {
 *     defineRun({ ...run, data: { ...run.data, batchSize: -3 } });
 *   } catch (err) {
 *     if (err instanceof ConfigError) console.error(err.message);
 *     // Invalid run definition:
 *     //   - Invalid value for `data.batchSize`. Received: data.batchSize=-3 Expected: an integer > 0
 *   }
 */
export class ConfigError extends TfscaleError {
  declare readonly code: ConfigErrorCode;
  readonly issues: ConfigIssue[];
  readonly file?: string;

  constructor(code: ConfigErrorCode, summary: string, options: ConfigErrorOptions = {}) {
    const issues = options.issues ?? [];
    const lines = issues.map((i) => `  - ${formatIssue(i)}`);
    super(code, [summary, ...lines].join('\n'), { hint: options.hint, cause: options.cause });
    this.issues = issues;
    if (options.file !== undefined) this.file = options.file;
  }
}
