/**
 * How a callback asks training to stop (design convention 5): through an injected control, never
 * by flipping a flag on the model.
 */
import { createToken } from '../core/tokens';

/**
 * Lets callbacks request a graceful stop; the trainer checks `stopRequested` between batches and
 * epochs.
 *
 * @example
 * ```ts
 * const control = ctx.container.resolve(TrainingControlToken);
 * const earlyStop: Callback = {
 *   onEpochEnd: async (epoch, logs) => { if ((logs?.val_loss ?? 0) > 10) control.stopTraining('val_loss diverged'); },
 * };
 * ```
 */
export interface TrainingControl {
  /** Requests a stop after the current batch. The first reason given is kept. */
  stopTraining(reason?: string): void;
  readonly stopRequested: boolean;
  readonly stopReason?: string;
}

/**
 * The run's {@link TrainingControl}; `createRunContainer` registers a fresh one per run.
 *
 * @example
 * ```ts
 * run.resolve(TrainingControlToken).stopRequested; // false
 * ```
 */
export const TrainingControlToken = createToken<TrainingControl>('TrainingControl');

/**
 * The default in-process {@link TrainingControl}.
 *
 * @example
 * ```ts
 * const control = new SimpleTrainingControl();
 * control.stopTraining('patience exhausted');
 * control.stopRequested; // true
 * ```
 */
export class SimpleTrainingControl implements TrainingControl {
  #reason: string | undefined;
  #requested = false;

  stopTraining(reason = 'stop requested'): void {
    if (this.#requested) return;
    this.#requested = true;
    this.#reason = reason;
  }

  get stopRequested(): boolean {
    return this.#requested;
  }

  get stopReason(): string | undefined {
    return this.#reason;
  }
}
