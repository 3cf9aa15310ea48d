import { inspect } from 'node:util';
import type { z } from 'zod';
import { closestMatch } from '../core/did-you-mean';
import type { ConfigIssue } from './config-error';
import { quote } from './expected-phrase';
import { knownKeysAt } from './schema-keys';

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

/**
 * Writes a path the way messages show it: `data.batchSize`, `callbacks[1].name`.
 * @example
 *   fieldName(['compile', 'loss', 0]); // 'compile.loss[0]'
 */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(key))) out += out === '' ? String(key) : `.${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function received(value: unknown): string {
  const text = inspect(value, {
    depth: 2,
    breakLength: Number.POSITIVE_INFINITY,
    maxArrayLength: 5,
    maxStringLength: 80,
  });
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

const toPath = (path: readonly PropertyKey[]): Path => path.map((k) => (typeof k === 'number' ? k : String(k)));

// A union branch the input could not belong to at all (wrong type, a failed instance check) is
// ruled out; of the others, the one with the fewest problems is what the user meant.
function branchScore(issues: Issue[], input: unknown): number {
  let score = 0;
  for (const issue of issues) {
    if (issue.path.length === 0) {
      if (issue.code === 'invalid_type' || issue.code === 'custom') return Number.POSITIVE_INFINITY;
      if (issue.code === 'invalid_value' && typeof issue.values[0] !== typeof input) return Number.POSITIVE_INFINITY;
      if (issue.code === 'unrecognized_keys') {
        score += issue.keys.length;
        continue;
      }
    }
    score += 1;
  }
  return score;
}

// Replaces each union failure by the issues of the branch the user most likely meant; a union
// with no clear favourite stays one issue, stated with the union's own list of forms.
function resolveUnions(issues: readonly Issue[], prefix: Path): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...toPath(issue.path)];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
      out.push({ ...issue, path });
      continue;
    }
    const scores = issue.errors.map((branch) => branchScore(branch, issue.input));
    const best = Math.min(...scores);
    const winners = scores.filter((s) => s === best).length;
    if (best < Number.POSITIVE_INFINITY && winners === 1) {
      out.push(...resolveUnions(issue.errors[scores.indexOf(best)], path));
    } else {
      out.push({ ...issue, path });
    }
  }
  return out;
}

function unknownKeyIssues(schema: z.ZodType, path: Path, keys: string[]): ConfigIssue[] {
  const known = knownKeysAt(schema, path);
  return keys.map((key) => {
    const field = fieldName([...path, key]);
    const match = closestMatch(key, known);
    const issue: ConfigIssue = { path: [...path, key], field, message: `Unknown field \`${field}\`.` };
    if (match) issue.hint = `Did you mean \`${fieldName([...path, match])}\`?`;
    else issue.message += ` Expected one of: ${known.filter((k) => !k.startsWith('$')).join(', ')}.`;
    return issue;
  });
}

function unionHint(schema: z.ZodType, issue: Issue): string | undefined {
  const keys = issue.input && typeof issue.input === 'object' ? Object.keys(issue.input) : [];
  const known = knownKeysAt(schema, issue.path);
  const guesses = keys.filter((k) => !known.includes(k)).map((k) => [k, closestMatch(k, known)]);
  const lines = guesses.filter(([, m]) => m).map(([k, m]) => `\`${m}\` instead of \`${k}\``);
  return lines.length > 0 ? `Did you mean ${lines.join(', ')}?` : undefined;
}

function toConfigIssue(schema: z.ZodType, issue: Issue): ConfigIssue[] {
  const path = toPath(issue.path);
  if (issue.code === 'unrecognized_keys') return unknownKeyIssues(schema, path, issue.keys);
  const field = fieldName(path);
  const expected = issue.message;
  let message: string;
  if (issue.input === undefined && path.length > 0) {
    message = `Missing required field \`${field}\`. Expected: ${expected}`;
  } else if (path.length === 0) {
    message = `Invalid run definition. Received: ${received(issue.input)} Expected: ${expected}`;
  } else {
    message = `Invalid value for \`${field}\`. Received: ${field}=${received(issue.input)} Expected: ${expected}`;
  }
  const result: ConfigIssue = { path, field, message };
  let hint: string | undefined;
  if (issue.code === 'custom' && typeof issue.params?.hint === 'string') hint = issue.params.hint;
  if (issue.code === 'invalid_value' && typeof issue.input === 'string') {
    const match = closestMatch(
      issue.input,
      issue.values.filter((v): v is string => typeof v === 'string'),
    );
    if (match) hint = `Did you mean ${quote(match)}?`;
  }
  if (issue.code === 'invalid_union') hint = unionHint(schema, issue);
  if (hint) result.hint = hint;
  return [result];
}

/**
 * Turns zod issues (parsed with `reportInput: true` and the {@link expectedPhrase} map) into
 * {@link ConfigIssue}s that name the field, say what was received and expected, and hint at fixes.
 * @example
 *   const result = runSchema.safeParse(value, { error: expectedPhrase, reportInput: true });
 *   if (!result.success) toConfigIssues(result.error.issues, runSchema);
 */
export function toConfigIssues(issues: readonly Issue[], schema: z.ZodType): ConfigIssue[] {
  return resolveUnions(issues, []).flatMap((issue) => toConfigIssue(schema, issue));
}
