/**
 * Keras' `MonitorCallback` (keras/src/callbacks/monitor_callback.py): the monitored log, whether
 * lower or higher is better, and what counts as an improvement. ModelCheckpoint, EarlyStopping and
 * ReduceLROnPlateau build on it.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { invalidValue, TfscaleError } from '../core/errors';
import { ModelFunctions } from '../training/model-functions';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';

/**
 * `'min'`: lower is better; `'max'`: higher is better; `'auto'`: inferred as Keras 3 does.
 *
 * @example
 * ```ts
 * const mode: MonitorMode = 'max';
 * ```
 */
export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * The options every monitoring callback shares (Keras' `MonitorCallback` arguments).
 *
 * @example
 * ```ts
 * const options: MonitorOptions = { monitor: 'val_accuracy', mode: 'max', minDelta: 0.001 };
 * ```
 */
export interface MonitorOptions {
  /** Log name to watch, e.g. `'val_loss'`. */
  monitor?: string;
  mode?: MonitorMode;
  /** Changes smaller than this (in absolute value) are no improvement. */
  minDelta?: number;
}

// Directions of tfjs' metric functions, taken from the Keras metric class that computes the same
// quantity (its `_direction`). tfjs' `cosine` is cosineProximity = -similarity, so lower is better.
const HIGHER_IS_BETTER = new Set([
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseCategoricalAccuracy',
  'topKCategoricalAccuracy',
  'sparseTopKCategoricalAccuracy',
  'precision',
  'recall',
  'r2Score',
]);
/**
 * tfjs' loss functions (what `model.compile({ loss })` accepts); as metrics, lower is better.
 * @example
 *   TFJS_LOSSES.includes('meanSquaredError'); // true
 */
export const TFJS_LOSSES: readonly string[] = [
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'squaredHinge',
  'hinge',
  'categoricalHinge',
  'logcosh',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'kullbackLeiblerDivergence',
  'poisson',
  'cosineProximity',
];
const LOWER_IS_BETTER = new Set(TFJS_LOSSES);

type MetricFn = ((...args: never[]) => unknown) & { direction?: unknown };

function metricDirection(fn: MetricFn): 'min' | 'max' | undefined {
  // A custom metric may declare Keras' direction itself: `myMetric.direction = 'up'`.
  if (fn.direction === 'up' || fn.direction === 'down') return fn.direction === 'up' ? 'max' : 'min';
  const name = fn.name.replace(/\$\d+$/, ''); // the tfjs bundle renames some functions `foo$1`
  return HIGHER_IS_BETTER.has(name) ? 'max' : LOWER_IS_BETTER.has(name) ? 'min' : undefined;
}

/**
 * Keras 3's direction rule (`MonitorCallback._set_monitor_op`): explicit `min`/`max` win; in
 * `auto`, the name without `val_` is the loss (lower is better) or a metric compiled into the
 * model, whose direction decides; otherwise it is unknown (no name guessing since Keras 3).
 *
 * @example
 * ```ts
 * monitorDirection('val_accuracy', 'auto', model); // 'max' for metrics: ['accuracy']
 * monitorDirection('val_auc', 'auto', model); // undefined: pass mode 'max'
 * ```
 */
export function monitorDirection(monitor: string, mode: MonitorMode, model?: LayersModel): 'min' | 'max' | undefined {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  let direction: 'min' | 'max' | undefined = name === 'loss' ? 'min' : undefined;
  const fns = (model as { metricsTensors?: Array<[MetricFn, number]> } | undefined)?.metricsTensors;
  if (model && fns) {
    // Log names as the Trainer reports them ('acc' → 'accuracy'); tfjs lists per-output losses here too.
    const names = new ModelFunctions(model).names.slice(1);
    fns.forEach(([fn], i) => {
      if (names[i] === name) direction = metricDirection(fn) ?? direction;
    });
  }
  return direction;
}

/**
 * Base class of callbacks that watch one log value. Subclasses call {@link monitorValue} and
 * {@link isImprovement}; the direction is resolved on first use, once the model is known.
 *
 * @example
 * ```ts
 * class BestTracker extends MonitorCallback {
 *   readonly name = 'BestTracker';
 *   onEpochEnd(_epoch: number, logs?: Logs) {
 *     const value = this.monitorValue(logs, (keys) => `No ${this.monitor} in logs (${keys}).`);
 *     if (value !== undefined && this.isImprovement(value, this.best)) this.best = value;
 *   }
 * }
 * ```
 */
export abstract class MonitorCallback implements Callback {
  abstract readonly name: string;
  readonly monitor: string;
  readonly mode: MonitorMode;
  /** Always ≥ 0 (Keras takes `abs(min_delta)`). */
  readonly minDelta: number;
  /** Best value so far; undefined until the first one (Keras' `None`). */
  best: number | undefined;
  protected context?: CallbackContext;
  #direction?: 'min' | 'max';
  #warned = false;
  #restored = false;

  constructor(monitor: string, mode: unknown, minDelta: number, baseline?: number) {
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max')
      throw invalidValue('mode', mode, "one of 'auto', 'min', 'max'");
    this.monitor = monitor;
    this.mode = mode;
    this.minDelta = Math.abs(minDelta);
    this.best = baseline;
  }

  setContext(context: CallbackContext): void {
    this.context = context;
  }

  /** `'min'` or `'max'`; throws, as Keras does, when `auto` cannot tell. */
  get direction(): 'min' | 'max' {
    this.#direction ??= monitorDirection(this.monitor, this.mode, this.context?.model);
    if (this.#direction) return this.#direction;
    throw invalidValue(
      'mode',
      'auto',
      `'min' or 'max' for monitor="${this.monitor}": ${this.name} cannot tell whether it should be minimized or maximized (it is neither the loss nor a metric compiled into the model)`,
      "pass mode: 'max' to keep the highest value, or mode: 'min' for the lowest",
    );
  }

  /**
   * Keras' `_is_improvement`: better than `reference` by more than `minDelta`; true when there is
   * no reference. Compared in float32, as Keras' `ops.less`/`ops.greater` convert Python floats.
   */
  isImprovement(current: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    return this.direction === 'max'
      ? Math.fround(current - this.minDelta) > Math.fround(reference)
      : Math.fround(current + this.minDelta) < Math.fround(reference);
  }

  /** The monitored value, or undefined after warning (once) with the keys that are there. */
  protected monitorValue(logs: Logs | undefined, warning: (available: string) => string): number | undefined {
    const value = logs?.[this.monitor];
    if (value === undefined && !this.#warned) {
      this.#warned = true;
      this.context?.logger.warn(warning(Object.keys(logs ?? {}).join(',')));
    }
    return value;
  }

  protected requireContext(): CallbackContext {
    if (this.context) return this.context;
    throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `${this.name} was used without a training context.`, {
      hint: 'pass it in `callbacks` of Trainer.fit (which calls setContext before onTrainBegin)',
    });
  }

  /** Call from `loadState`: the next `onTrainBegin` must keep the restored state. */
  protected markRestored(): void {
    this.#restored = true;
  }

  /** Keras resets per-fit state in `on_train_begin`; a state just restored is kept instead. */
  protected resetUnlessRestored(reset: () => void): void {
    if (this.#restored) this.#restored = false;
    else reset();
  }
}

/**
 * A number for JSON state: NaN and ±Infinity become strings, undefined becomes null.
 *
 * @example
 * ```ts
 * JSON.stringify({ best: toJsonNumber(Number.POSITIVE_INFINITY) }); // '{"best":"Infinity"}'
 * ```
 */
export function toJsonNumber(value: number | undefined): number | string | null {
  if (value === undefined) return null;
  return Number.isFinite(value) ? value : String(value);
}

/**
 * Reverses {@link toJsonNumber}.
 *
 * @example
 * ```ts
 * fromJsonNumber('Infinity'); // Infinity
 * fromJsonNumber(null); // undefined
 * ```
 */
export function fromJsonNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && (Number.isFinite(n) || ['NaN', 'Infinity', '-Infinity'].includes(String(value))))
    return n;
  throw invalidValue('state number', value, 'a number, "NaN", "Infinity", "-Infinity" or null');
}
