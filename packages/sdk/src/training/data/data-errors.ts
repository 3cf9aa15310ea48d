import { describeValue, TfscaleError } from '../../core/errors';

/**
 * The Keras-style error for a bad value inside a data file, located so an editor can jump to it:
 * "Invalid value at train.csv:12, column 4 (`pixel_3`). Received: "abc". Expected: a number."
 *
 * @example
 * ```ts
 * throw dataError('train.csv:12, column 4 (`pixel_3`)', 'abc', 'a number');
 * ```
 */
export function dataError(where: string, received: unknown, expected: string, hint?: string): TfscaleError {
  const end = /[.!?]$/.test(expected) ? '' : '.';
  const text = received instanceof Plain ? received.text : describeValue(received);
  const summary = `Invalid value at ${where}. Received: ${text}. Expected: ${expected}${end}`;
  return new TfscaleError('TFSCALE_E_INVALID_VALUE', summary, hint === undefined ? {} : { hint });
}

/**
 * A received value that is a description, not data: shown without quotes ("3 fields").
 * @example
 *   throw dataError('a.csv:3', plain('2 fields'), '3 fields, as in the header');
 */
export class Plain {
  constructor(readonly text: string) {}
}

/**
 * Wraps a description for {@link dataError}.
 * @example
 *   plain('2 fields');
 */
export const plain = (text: string): Plain => new Plain(text);

/**
 * Error for a data file that cannot be read at all (missing, unreadable, malformed).
 *
 * @example
 * ```ts
 * throw fileError('data/train.csv', 'the file does not exist', err);
 * ```
 */
export function fileError(file: string, problem: string, cause?: unknown, hint?: string): TfscaleError {
  return new TfscaleError('TFSCALE_E_INVALID_VALUE', `Cannot read training data from ${file}: ${problem}.`, {
    ...(hint === undefined ? {} : { hint }),
    ...(cause === undefined ? {} : { cause }),
  });
}
