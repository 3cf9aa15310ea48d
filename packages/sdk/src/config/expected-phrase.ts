import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  function: 'a function',
};

/**
 * Writes a JSON-ish literal the way messages quote values: strings in single quotes, as Keras does.
 * @example
 *   quote('adam'); // "'adam'"
 *   quote(2); // '2'
 */
export function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function comparison(kind: string, op: string, bound: unknown): string {
  return `${kind} ${op} ${String(bound)}`;
}

const INTEGER_FORMATS = new Set(['safeint', 'int32', 'uint32']);

// Bounds on z.int() report origin 'number'; the owning schema's format says it is an integer.
function isInteger(issue: RawIssue): boolean {
  const format = (issue.schema?._zod.def as { format?: string } | undefined)?.format;
  return format !== undefined && INTEGER_FORMATS.has(format);
}

function sizePhrase(issue: RawIssue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const bound = small ? issue.minimum : issue.maximum;
  const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  switch (issue.origin) {
    case 'string':
      return small && Number(bound) === 1 ? 'a non-empty string' : comparison('a string with length', op, bound);
    case 'array':
    case 'set':
      return small && Number(bound) === 1 ? 'a non-empty list' : comparison('a list with length', op, bound);
    default:
      return comparison(issue.origin === 'int' || isInteger(issue) ? 'an integer' : 'a number', op, bound);
  }
}

/**
 * The zod error map used when validating run definitions: it turns each issue into the "Expected: …"
 * half of a Keras-style message. Schemas that say more (`error: 'an integer > 0'`) take precedence.
 * @example
 *   runSchema.safeParse(value, { error: expectedPhrase, reportInput: true });
 */
export function expectedPhrase(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_PHRASES[issue.expected] ?? `a value of type ${issue.expected}`;
    case 'too_small':
    case 'too_big':
      return sizePhrase(issue);
    case 'invalid_value':
      return issue.values.length === 1 ? quote(issue.values[0]) : `one of ${issue.values.map(quote).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `a string matching ${issue.pattern}`
        : `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'only known fields';
    case 'invalid_union':
      return 'one of the allowed forms';
    default:
      return 'a valid value';
  }
}
