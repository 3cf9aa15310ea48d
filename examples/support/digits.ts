/**
 * Rows of the committed digits data set (`examples/data/digits`, UCI, CC BY 4.0) for predictions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The data set the examples train on. */
export const DIGITS_CSV = path.resolve(__dirname, '../../data/digits/digits.csv');

/**
 * The first `n` samples: 64 pixel values each (0..16) and their labels.
 * @example
 *   const { x, labels } = digitRows(4); // x: number[4][64]
 */
export function digitRows(n: number): { x: number[][]; labels: number[] } {
  const [header, ...lines] = fs.readFileSync(DIGITS_CSV, 'utf8').trim().split('\n');
  const labelAt = header!.split(',').indexOf('label');
  const x: number[][] = [];
  const labels: number[] = [];
  for (const line of lines.slice(0, n)) {
    const values = line.split(',').map(Number);
    labels.push(values.splice(labelAt, 1)[0]!);
    x.push(values);
  }
  return { x, labels };
}

/** Largest absolute difference between two equally shaped nested number arrays. */
export function maxAbsDiff(a: number[][], b: number[][]): number {
  let max = 0;
  a.forEach((row, i) => {
    row.forEach((v, j) => {
      max = Math.max(max, Math.abs(v - (b[i]?.[j] ?? Number.NaN)));
    });
  });
  return Number.isNaN(max) ? Number.POSITIVE_INFINITY : max;
}

/** Index of the largest value of each row (the predicted class). */
export function argmax(rows: number[][]): number[] {
  return rows.map((r) => r.indexOf(Math.max(...r)));
}
