/**
 * `TerminateOnNaN`: Keras' TerminateOnNaN (keras/src/callbacks/terminate_on_nan.py).
 */
import { invalidValue, TfscaleError } from '../core/errors';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';
import { checkOptionKeys } from './callback-options';

/**
 * Options of {@link TerminateOnNaN} (Keras' arguments, camelCased).
 *
 * @example
 * ```ts
 * const options: TerminateOnNaNOptions = { raiseError: true };
 * ```
 */
export interface TerminateOnNaNOptions {
  /**
   * `false` (default): stop gracefully through `TrainingControl`, so every callback's
   * `onTrainEnd` still runs. `true`: throw `TFSCALE_E_TRAINING_NAN_LOSS` at once.
   */
  readonly raiseError?: boolean;
}

/**
 * Stops training when a training batch's `loss` is NaN or infinite: logs
 * `Batch N: Invalid loss, terminating training` and calls
 * `ctx.control.stopTraining('NaN loss at batch N')`, or throws when `raiseError` is set.
 *
 * @example
 * ```ts
 * await trainer.fit(model, data, { callbacks: [new TerminateOnNaN()] });
 * ```
 */
export class TerminateOnNaN implements Callback {
  readonly name = 'TerminateOnNaN';
  readonly raiseError: boolean;
  #ctx: CallbackContext | undefined;

  constructor(options: TerminateOnNaNOptions = {}) {
    checkOptionKeys('TerminateOnNaN', options ?? {}, ['raiseError']);
    const { raiseError = false } = options ?? {};
    if (typeof raiseError !== 'boolean') throw invalidValue('raiseError', raiseError, 'true or false');
    this.raiseError = raiseError;
  }

  setContext(context: CallbackContext): void {
    this.#ctx = context;
  }

  onTrainBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new TfscaleError(
        'TFSCALE_E_TRAINING_NAN_LOSS',
        `NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`,
        { hint: 'Lower the learning rate, clip gradients, or check the data for NaN/Inf inputs and labels.' },
      );
    }
    this.#ctx?.logger.warn(`Batch ${batch}: Invalid loss, terminating training`);
    if (!this.#ctx)
      throw new TfscaleError(
        'TFSCALE_E_TRAINING_NAN_LOSS',
        `NaN loss at batch ${batch}, and no training context to stop through.`,
      );
    this.#ctx.control.stopTraining(`NaN loss at batch ${batch}`);
  }
}
