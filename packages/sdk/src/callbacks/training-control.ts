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
  /**
   * Requests a stop after the current batch. The first reason given is kept. `interrupted`
   * marks a stop the user did not mean as the end (Ctrl-C): backups are kept for a resume.
   */
  stopTraining(reason?: string, options?: { interrupted?: boolean }): void;
  readonly stopRequested: boolean;
  readonly stopReason?: string;
  readonly interrupted?: boolean;
  /**
   * Asks for a stop from outside the loop (a signal handler). The Trainer turns it into
   * {@link stopTraining} at a batch boundary; in distributed runs every replica does so after the
   * same batch, because the request travels with that batch's all-reduce.
   */
  requestStop?(reason: string, options?: { interrupted?: boolean }): void;
  /** A requested stop not yet applied. */
  readonly pendingStop?: { reason: string; interrupted: boolean };
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
  #interrupted = false;

  stopTraining(reason = 'stop requested', options: { interrupted?: boolean } = {}): void {
    if (options.interrupted) this.#interrupted = true;
    if (this.#requested) return;
    this.#requested = true;
    this.#reason = reason;
  }

  get interrupted(): boolean {
    return this.#interrupted;
  }

  #pending: { reason: string; interrupted: boolean } | undefined;

  requestStop(reason: string, options: { interrupted?: boolean } = {}): void {
    this.#pending ??= { reason, interrupted: options.interrupted ?? false };
  }

  get pendingStop(): { reason: string; interrupted: boolean } | undefined {
    return this.#pending;
  }

  get stopRequested(): boolean {
    return this.#requested;
  }

  get stopReason(): string | undefined {
    return this.#reason;
  }
}
