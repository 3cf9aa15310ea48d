import * as path from 'node:path';
import { closestMatch, editDistance } from '../../core/did-you-mean';
import { invalidValue } from '../../core/errors';

/**
 * The label and feature columns of a tabular file, in the order they were asked for.
 * @example
 *   const columns: TabularColumns = { labels: ['label'], features: ['pixel_0', 'pixel_1'] };
 */
export interface TabularColumns {
  labels: string[];
  features: string[];
}

function listed(names: string[]): string {
  const shown = names.slice(0, 12).map((n) => JSON.stringify(n));
  return names.length > 12 ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}

/** closestMatch, plus one more edit for names of 4+ characters (`lable` → `label`). */
function suggest(name: string, available: string[]): string | undefined {
  const close = closestMatch(name, available);
  if (close !== undefined || name.length < 4) return close;
  const near = available.filter((candidate) => editDistance(name, candidate) <= 2);
  return near.length === 1 ? near[0] : undefined;
}

function check(option: string, name: string, available: string[], file: string, noun: string): void {
  if (available.includes(name)) return;
  const match = suggest(name, available);
  throw invalidValue(
    option,
    name,
    `a ${noun} of ${path.basename(file)}: ${listed(available)}`,
    match === undefined
      ? `Check the ${noun} names in the first ${noun === 'feature' ? 'record' : 'line'} of ${file}.`
      : `Did you mean "${match}"?`,
  );
}

/**
 * Checks `label` and `features` against the file's columns (with did-you-mean suggestions);
 * features default to every column but the labels.
 *
 * @example
 * ```ts
 * resolveColumns(['a', 'b', 'y'], 'y', undefined, 'train.csv', 'column'); // { labels: ['y'], features: ['a', 'b'] }
 * ```
 */
export function resolveColumns(
  available: string[],
  label: string | string[],
  features: string[] | undefined,
  file: string,
  noun: 'column' | 'key' | 'feature',
): TabularColumns {
  const labels = typeof label === 'string' ? [label] : label;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw invalidValue('label', label, `a ${noun} name or a non-empty list of them`);
  }
  for (const name of labels) check('label', name, available, file, noun);
  const chosen = features ?? available.filter((name) => !labels.includes(name));
  if (!Array.isArray(chosen) || !chosen.every((f) => typeof f === 'string')) {
    throw invalidValue('features', features, `a list of ${noun} names`);
  }
  for (const name of chosen) {
    check('features', name, available, file, noun);
    if (labels.includes(name)) {
      throw invalidValue(
        'features',
        name,
        `a ${noun} that is not also a label`,
        'Remove it from `features` or `label`.',
      );
    }
  }
  const duplicate = [...labels, ...chosen].find((name, i, all) => all.indexOf(name) !== i);
  if (duplicate !== undefined) throw invalidValue('features', duplicate, `each ${noun} named once`);
  if (chosen.length === 0) {
    throw invalidValue('features', chosen, `at least one feature ${noun}`, `${file} has no ${noun} besides the label.`);
  }
  return { labels, features: chosen };
}
