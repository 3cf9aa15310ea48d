/**
 * `CSVLogger`: Keras' CSVLogger (keras/src/callbacks/csv_logger.py), byte for byte: the same
 * columns, the same quirks, numbers formatted as Python prints floats.
 */

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { invalidValue } from '../core/errors';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';
import { checkOptionKeys } from './callback-options';

/**
 * Options of {@link CSVLogger} (Keras' arguments, camelCased).
 *
 * @example
 * ```ts
 * const options: CSVLoggerOptions = { filename: 'runs/mnist/training.csv', append: true };
 * ```
 */
export interface CSVLoggerOptions {
  /** The CSV file; its folder is created when missing. */
  readonly filename: string;
  /** Field separator, default `','`. */
  readonly separator?: string;
  /** Continue an existing file (no second header) instead of overwriting it. */
  readonly append?: boolean;
}

/**
 * Streams epoch results to a CSV file, as Keras does: the header is `epoch` then the first
 * epoch's log names sorted; when those hold no `val_*` name, a `val_<name>` column is added for
 * each (filled with `NA` while there is no validation); a missing value is `NA`. Each row is
 * flushed to the file when written. With `append`, an existing non-empty file keeps its header.
 * Only the primary replica writes.
 *
 * @example
 * ```ts
 * await trainer.fit(model, data, { epochs: 3, callbacks: [new CSVLogger({ filename: 'log.csv' })] });
 * // epoch,accuracy,loss,lr,val_accuracy,val_loss,val_lr
 * // 0,0.5,0.6931471805599453,0.01,NA,NA,NA
 * ```
 */
export class CSVLogger implements Callback {
  readonly name = 'CSVLogger';
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  #ctx: CallbackContext | undefined;
  #file: FileHandle | undefined;
  #keys: string[] | undefined;
  #headerWritten = false;
  #appendHeader = true;

  constructor(options: CSVLoggerOptions) {
    checkOptionKeys('CSVLogger', options ?? {}, ['filename', 'separator', 'append']);
    const { filename, separator = ',', append = false } = options ?? ({} as CSVLoggerOptions);
    if (typeof filename !== 'string' || filename === '') throw invalidValue('filename', filename, 'a file path');
    if (typeof separator !== 'string' || separator.length !== 1 || /["\r\n]/.test(separator)) {
      throw invalidValue('separator', separator, 'one character other than a quote or a line break');
    }
    if (typeof append !== 'boolean') throw invalidValue('append', append, 'true or false');
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  setContext(context: CallbackContext): void {
    this.#ctx = context;
  }

  async onTrainBegin(): Promise<void> {
    if (!(this.#ctx?.isPrimary ?? true)) return;
    await this.#file?.close();
    this.#appendHeader = true;
    if (this.append) {
      // Keras reads the first line: only a missing or empty file gets a header.
      this.#appendHeader = ((await stat(this.filename).catch(() => undefined))?.size ?? 0) === 0;
    }
    await mkdir(dirname(this.filename), { recursive: true });
    this.#file = await open(this.filename, this.append ? 'a' : 'w');
    this.#keys = undefined;
    this.#headerWritten = false;
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (!this.#file) return;
    if (!this.#keys) {
      const keys = Object.keys(logs).sort();
      // Keras' quirk: without validation logs the header still reserves their columns.
      if (keys.length > 0 && !keys.some((k) => k.startsWith('val_'))) keys.push(...keys.map((k) => `val_${k}`));
      this.#keys = keys;
    }
    let text = '';
    if (!this.#headerWritten) {
      if (this.#appendHeader) text += this.#row(['epoch', ...this.#keys]);
      this.#headerWritten = true;
    }
    const cells = this.#keys.map((k) => (Object.hasOwn(logs, k) ? formatPythonFloat(logs[k]!) : 'NA'));
    text += this.#row([String(epoch), ...cells]);
    await this.#file.write(text);
  }

  async onTrainEnd(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  #row(cells: string[]): string {
    return `${cells.map((c) => quote(c, this.separator)).join(this.separator)}\n`;
  }
}

/** Python csv's QUOTE_MINIMAL: quote a cell holding the separator, a quote or a line break. */
function quote(cell: string, separator: string): string {
  return cell.includes(separator) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * A number as Python's `str(float)` writes it: shortest round-trip digits, `1.0` for integral
 * values, exponent form below 1e-4 and from 1e16 (`1e-05`, `1e+16`), `nan`, `inf`, `-inf`.
 */
function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = value.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, '').length - exponent));
  return text.includes('.') ? text : `${text}.0`;
}
