/**
 * The callback plugin point (design convention 5): an async, all-optional hook map with Keras
 * names. A callback is a class instance or a plain object; `CallbackList` runs many as one.
 */
import type { FactoryContext } from '../core/factory-context';
import { createToken } from '../core/tokens';
import type { CallbackContext } from './callback-context';

/**
 * Metric values at a hook, e.g. `{ loss: 0.31, acc: 0.9 }` (Keras `logs`).
 *
 * @example
 * ```ts
 * const logs: Logs = { loss: 0.31, val_loss: 0.4 };
 * ```
 */
export type Logs = Record<string, number>;

/**
 * Every hook, all optional; each may return a promise, which is awaited before the next callback
 * runs. Argument order follows Keras/tfjs: `(epoch, logs)`, `(batch, logs)`.
 *
 * @example
 * ```ts
 * const hooks: CallbackHooks = { onEpochEnd: async (epoch, logs) => console.log(epoch, logs?.loss) };
 * ```
 */
export interface CallbackHooks {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onTrainBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onTrainBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  onTestBegin?(logs?: Logs): void | Promise<void>;
  onTestEnd?(logs?: Logs): void | Promise<void>;
  onTestBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onTestBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  onPredictBegin?(logs?: Logs): void | Promise<void>;
  onPredictEnd?(logs?: Logs): void | Promise<void>;
  onPredictBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onPredictBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/**
 * The name of a hook in {@link CallbackHooks}.
 *
 * @example
 * ```ts
 * const hook: CallbackHookName = 'onEpochEnd';
 * ```
 */
export type CallbackHookName = keyof CallbackHooks;

/**
 * Every hook name, in lifecycle order (dispatchers and conformance suites iterate this).
 *
 * @example
 * ```ts
 * CALLBACK_HOOKS.filter((hook) => typeof callback[hook] === 'function');
 * ```
 */
export const CALLBACK_HOOKS = [
  'onTrainBegin',
  'onEpochBegin',
  'onTrainBatchBegin',
  'onTrainBatchEnd',
  'onTestBegin',
  'onTestBatchBegin',
  'onTestBatchEnd',
  'onTestEnd',
  'onEpochEnd',
  'onTrainEnd',
  'onPredictBegin',
  'onPredictBatchBegin',
  'onPredictBatchEnd',
  'onPredictEnd',
] as const satisfies readonly CallbackHookName[];

/**
 * A training callback. Stateful callbacks (early stopping's patience counter, …) declare a
 * unique `stateKey` and both `saveState`/`loadState`, so BackupAndRestore can resume them; the
 * state must survive `JSON.stringify`.
 *
 * @example
 * ```ts
 * class EpochCounter implements Callback {
 *   readonly name = 'EpochCounter';
 *   readonly stateKey = 'epoch_counter';
 *   epochs = 0;
 *   async onEpochEnd() { this.epochs++; }
 *   saveState() { return { epochs: this.epochs }; }
 *   loadState(state: unknown) { this.epochs = (state as { epochs: number }).epochs; }
 * }
 * ```
 */
export interface Callback extends CallbackHooks {
  /** Used in error messages; defaults to the class name. */
  readonly name?: string;
  /** Called once before `onTrainBegin` with what the callback may use (model, optimizer, …). */
  setContext?(context: CallbackContext): void;
  /** Unique among a run's callbacks; required for `saveState`/`loadState` to be used. */
  readonly stateKey?: string;
  saveState?(): unknown | Promise<unknown>;
  loadState?(state: unknown): void | Promise<void>;
}

/**
 * What the callback registry holds: builds a callback from user options.
 *
 * @example
 * ```ts
 * const hello: CallbackFactory = (options) => ({ name: 'hello', onTrainBegin: async () => console.log(options.greeting) });
 * ```
 */
export type CallbackFactory = (
  options: Readonly<Record<string, unknown>>,
  ctx: FactoryContext,
) => Callback | Promise<Callback>;

/**
 * Token for user-supplied callbacks of a run (register several and resolve with `resolveAll`).
 *
 * @example
 * ```ts
 * run.register(CallbackToken, { useValue: { onTrainEnd: async () => notify() } });
 * const callbacks = run.resolveAll(CallbackToken);
 * ```
 */
export const CallbackToken = createToken<Callback>('Callback');
