/**
 * Option checks shared by the built-in callbacks: each option is validated in the constructor, so
 * a run file with a typo fails before training starts, with Keras' "Invalid value" wording.
 */
import { closestMatch } from '../core/did-you-mean';
import { invalidValue, TfscaleError } from '../core/errors';

/**
 * Refuses option keys a callback does not know (a run file's `save_best_only`, a typo), naming
 * the closest known key.
 *
 * @example
 * ```ts
 * checkOptionKeys('EarlyStopping', { patiance: 3 }, ['monitor', 'patience']);
 * // throws: Unknown option `patiance` for EarlyStopping. … HINT: did you mean `patience`?
 * ```
 */
export function checkOptionKeys(callback: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const guess = known.includes(camel) ? camel : closestMatch(key, known);
    throw new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `Unknown option \`${key}\` for ${callback}. Expected one of: ${known.join(', ')}.`,
      { hint: guess ? `did you mean \`${guess}\`? Options are Keras' argument names in camelCase.` : undefined },
    );
  }
}

/**
 * A number option: finite, within bounds, optionally an integer; `fallback` when undefined.
 *
 * @example
 * ```ts
 * const patience = numberOption('patience', options.patience, 0, { integer: true, min: 0 });
 * ```
 */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  limits: { integer?: boolean; min?: number; below?: number } = {},
): number {
  if (value === undefined) return fallback;
  const { integer = false, min, below } = limits;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (below === undefined || value < below);
  if (ok) return value;
  const kind = integer ? 'an integer' : 'a finite number';
  const bounds = [min === undefined ? '' : `>= ${min}`, below === undefined ? '' : `< ${below}`].filter(Boolean);
  throw invalidValue(name, value, bounds.length ? `${kind} ${bounds.join(' and ')}` : kind);
}

/**
 * An optional finite number (Keras' `None`-able floats such as `baseline`).
 *
 * @example
 * ```ts
 * const baseline = optionalNumber('baseline', options.baseline); // number | undefined
 * ```
 */
export function optionalNumber(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && !Number.isNaN(value)) return value;
  throw invalidValue(name, value, 'a number, or undefined for none');
}

/**
 * A boolean option; `fallback` when undefined.
 *
 * @example
 * ```ts
 * const saveBestOnly = booleanOption('saveBestOnly', options.saveBestOnly, false);
 * ```
 */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw invalidValue(name, value, 'true or false');
}

/**
 * A non-empty string option; `fallback` when undefined.
 *
 * @example
 * ```ts
 * const monitor = stringOption('monitor', options.monitor, 'val_loss');
 * ```
 */
export function stringOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value !== '') return value;
  throw invalidValue(name, value, 'a non-empty string');
}
