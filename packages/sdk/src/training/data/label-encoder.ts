import { invalidValue } from '../../core/errors';
import { cellWidth, parseNumber, writeCell } from './cell-values';
import { dataError } from './data-errors';

/**
 * Locates a cell for error messages: file, line and column.
 * @example
 *   const where: Locate = (line, column) => `train.csv:${line} (\`${column}\`)`;
 */
export type Locate = (line: number, column: string) => string;

const MIXED_HINT = 'A label column holds either numbers or class names, not both.';

/**
 * Turns label cells into target rows: numbers as they are, integer class ids or class names
 * (sorted, like scikit-learn's LabelEncoder) as an index, or one-hot with `oneHot`. Two phases:
 * `observe` every row (validating, collecting classes), `finish`, then `encode` rows.
 *
 * @example
 * ```ts
 * const labels = new LabelEncoder(['species'], 'auto', where);
 * for (const row of rows) labels.observe(row.cells, row.line);
 * labels.finish(); // labels.width === 3, labels.classNames === ['setosa', 'versicolor', 'virginica']
 * ```
 */
export class LabelEncoder {
  /** Numbers per target row (after `finish`). */
  width = 0;
  /** Class count when one-hot encoding. */
  numClasses?: number;
  /** Sorted class names when the label column holds text; targets are indices into it. */
  classNames?: string[];
  private widths?: number[];
  private kind?: { type: 'numeric' | 'text'; line: number };
  private readonly classes = new Set<string>();
  private index?: Map<string, number>;
  private max?: { value: number; line: number };
  private invalidClassId?: { value: number; line: number };
  private readonly scratch: Float32Array[] = [];

  constructor(
    private readonly columns: string[],
    private readonly oneHot: number | 'auto' | undefined,
    private readonly where: Locate,
  ) {
    if (oneHot !== undefined && oneHot !== 'auto' && !(Number.isSafeInteger(oneHot) && oneHot >= 2)) {
      throw invalidValue('oneHot', oneHot, "a class count >= 2 or 'auto'");
    }
    if (oneHot !== undefined && columns.length !== 1) {
      throw invalidValue(
        'oneHot',
        oneHot,
        'a single label column',
        'One-hot encoding needs one column of class ids or names.',
      );
    }
  }

  /** Validates one row's label cells and records what `finish` needs. */
  observe(cells: unknown[], line: number): void {
    if (!this.widths) {
      this.widths = cells.map(cellWidth);
      if (this.oneHot !== undefined && this.widths[0] !== 1) {
        throw invalidValue('oneHot', this.oneHot, 'a label column of single class ids or names, not arrays');
      }
      this.scratch.push(...this.widths.map((w) => new Float32Array(w)));
    }
    cells.forEach((cell, i) => {
      const at = () => this.where(line, this.columns[i]!);
      const value = Array.isArray(cell) ? undefined : parseNumber(cell);
      const isText = typeof cell === 'string' && value === undefined && cell.trim() !== '';
      if (isText && this.columns.length === 1 && this.widths![0] === 1) {
        this.setKind('text', cell, line, at);
        this.classes.add(cell.trim());
        return;
      }
      writeCell(cell, this.scratch[i]!, 0, this.widths![i]!, at);
      this.setKind('numeric', cell, line, at);
      if (value !== undefined && (this.max === undefined || value > this.max.value)) this.max = { value, line };
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) this.invalidClassId ??= { value, line };
    });
  }

  /** Fixes the encoding once every row has been observed. */
  finish(): void {
    const column = this.columns[0]!;
    if (this.kind?.type === 'text') {
      this.classNames = [...this.classes].sort();
      this.index = new Map(this.classNames.map((name, i) => [name, i]));
      const count = this.classNames.length;
      if (typeof this.oneHot === 'number' && this.oneHot < count) {
        throw invalidValue(
          'oneHot',
          this.oneHot,
          `at least the ${count} classes in \`${column}\`: ${this.classNames.slice(0, 10).join(', ')}`,
        );
      }
      this.numClasses = this.oneHot === undefined ? undefined : this.oneHot === 'auto' ? count : this.oneHot;
      this.width = this.numClasses ?? 1;
      return;
    }
    if (this.oneHot === undefined) {
      this.width = (this.widths ?? this.columns.map(() => 1)).reduce((a, b) => a + b, 0);
      return;
    }
    const bad = this.invalidClassId;
    if (bad) throw dataError(this.where(bad.line, column), bad.value, 'an integer class id >= 0 (oneHot is set)');
    const max = this.max?.value ?? 0;
    if (typeof this.oneHot === 'number' && max >= this.oneHot) {
      throw dataError(
        this.where(this.max!.line, column),
        max,
        `a class id below oneHot=${this.oneHot}`,
        `Use \`oneHot: ${max + 1}\` or 'auto'.`,
      );
    }
    this.numClasses = this.oneHot === 'auto' ? Math.max(2, max + 1) : this.oneHot;
    this.width = this.numClasses;
  }

  /** Writes one row's target into `out` at `offset` (which must be zeros when one-hot). */
  encode(cells: unknown[], line: number, out: Float32Array, offset: number): void {
    if (this.index) {
      const id = this.index.get(String(cells[0]).trim());
      if (id === undefined)
        throw dataError(
          this.where(line, this.columns[0]!),
          cells[0],
          `one of the ${this.index.size} classes seen when loading`,
        );
      if (this.numClasses === undefined) out[offset] = id;
      else out[offset + id] = 1;
      return;
    }
    if (this.numClasses !== undefined) {
      const id = parseNumber(cells[0]);
      // Re-checked per row: a streamed file is read again every epoch and may have changed.
      if (id === undefined || !Number.isInteger(id) || id < 0 || id >= this.numClasses) {
        throw dataError(this.where(line, this.columns[0]!), cells[0], `a class id in [0, ${this.numClasses - 1}]`);
      }
      out[offset + id] = 1;
      return;
    }
    cells.forEach((cell, i) => {
      writeCell(cell, out, offset, this.widths![i]!, () => this.where(line, this.columns[i]!));
      offset += this.widths![i]!;
    });
  }

  private setKind(type: 'numeric' | 'text', cell: unknown, line: number, at: () => string): void {
    if (!this.kind) this.kind = { type, line };
    else if (this.kind.type !== type) {
      const expected = this.kind.type === 'text' ? 'a class name' : 'a number';
      throw dataError(at(), cell, `${expected}, like line ${this.kind.line}`, MIXED_HINT);
    }
  }
}
