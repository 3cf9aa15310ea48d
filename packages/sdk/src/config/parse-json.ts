import { CONFIG_ERROR_CODES, ConfigError } from './config-error';
import { jsonErrorOffset } from './json-error-offset';

/**
 * The 1-based line and column of a character offset in `text`.
 * @example
 *   lineColumn('{\n  "a": }', 9); // { line: 2, column: 8 }
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].replace(/\r$/, '').length + 1 };
}

function safeOffset(text: string): number {
  try {
    return jsonErrorOffset(text) ?? text.length;
  } catch {
    return text.length; // nested too deep for the scanner's recursion
  }
}

/**
 * `JSON.parse` that reports syntax errors as a {@link ConfigError} with the file, line and column.
 * @example
 *   parseJson('{ "epochs": 3, }', 'tfscale.json');
 *   // ConfigError: Invalid JSON in tfscale.json:1:16\n  - Expected double-quoted property name (line 1, column 16)
 */
export function parseJson(text: string, file: string): unknown {
  // A UTF-8 byte order mark is legal in files but not in JSON.parse.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const { line, column } = lineColumn(body, safeOffset(body));
    // Keep V8's words, not its offset or its echo of the input: the position is said once, below.
    const detail = reason.replace(/\s*in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, '');
    throw new ConfigError(CONFIG_ERROR_CODES.syntax, `Invalid JSON in ${file}:${line}:${column}`, {
      issues: [{ path: [], field: '', message: detail, line, column }],
      file,
      cause: err,
    });
  }
}
