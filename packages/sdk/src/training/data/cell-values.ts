import { dataError, plain } from './data-errors';

const MISSING_HINT = 'Fill in or drop rows with missing values before training.';

const isMissing = (cell: unknown): boolean => cell === undefined || cell === null || cell === '';

/**
 * The number a cell holds (numbers, numeric strings, booleans as 0/1), or undefined if it holds
 * none. `"NaN"` parses to NaN, as pandas reads it; empty strings do not parse.
 *
 * @example
 * ```ts
 * parseNumber(' 3.5 '); // 3.5
 * parseNumber('setosa'); // undefined
 * ```
 */
export function parseNumber(cell: unknown): number | undefined {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell !== 'string') return undefined;
  const text = cell.trim();
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isNaN(value) && text.toLowerCase() !== 'nan' ? undefined : value;
}

/**
 * How many numbers a cell contributes: 1 for a scalar, the element count of a (nested) array.
 *
 * @example
 * ```ts
 * cellWidth([[1, 2], [3, 4]]); // 4
 * ```
 */
export function cellWidth(cell: unknown): number {
  return Array.isArray(cell) ? cell.reduce((sum: number, item) => sum + cellWidth(item), 0) : 1;
}

/**
 * Writes a cell's numbers (arrays flattened) into `out` at `offset`, checking that it holds
 * exactly `width` numbers. `where` locates the cell for the error message.
 *
 * @example
 * ```ts
 * writeCell('0.5', features, 3, 1, () => 'train.csv:2, column 4 (`x3`)');
 * ```
 */
export function writeCell(cell: unknown, out: Float32Array, offset: number, width: number, where: () => string): void {
  if (!Array.isArray(cell)) {
    const value = parseNumber(cell);
    if (value === undefined) {
      if (isMissing(cell)) throw dataError(where(), cell ?? null, 'a number (the value is missing)', MISSING_HINT);
      throw dataError(where(), cell, width === 1 ? 'a number' : `${width} numbers`, textHint(cell));
    }
    if (width !== 1) throw dataError(where(), cell, `${width} numbers, as in the first row`);
    out[offset] = value;
    return;
  }
  const actual = cellWidth(cell);
  if (actual !== width) throw dataError(where(), plain(`${actual} numbers`), `${width} numbers, as in the first row`);
  let i = offset;
  const fill = (items: unknown[]): void => {
    for (const item of items) {
      if (Array.isArray(item)) fill(item);
      else {
        const value = parseNumber(item);
        if (value === undefined) throw dataError(where(), item ?? null, 'only numbers inside the array');
        out[i++] = value;
      }
    }
  };
  fill(cell);
}

function textHint(cell: unknown): string | undefined {
  return typeof cell === 'string'
    ? 'Feature columns must be numeric: encode categories as numbers (e.g. one-hot columns) first.'
    : undefined;
}
