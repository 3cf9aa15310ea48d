/**
 * Keras' `LearningRateScheduler` (keras/src/callbacks/learning_rate_scheduler.py): the learning
 * rate of each epoch comes from a function of the epoch and the current rate.
 */
import { invalidValue, TfscaleError } from '../core/errors';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';
import { checkOptionKeys, numberOption } from './callback-options';

/**
 * Returns the learning rate for `epoch` (0-based) given the current one; may be async.
 *
 * @example
 * ```ts
 * const decay: Schedule = (epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1));
 * ```
 */
export type Schedule = (epoch: number, lr: number) => number | Promise<number>;

/**
 * Options of {@link LearningRateScheduler}.
 *
 * @example
 * ```ts
 * const options: LearningRateSchedulerOptions = { schedule: (epoch) => 0.1 / (epoch + 1), verbose: 1 };
 * ```
 */
export interface LearningRateSchedulerOptions {
  schedule: Schedule;
  /** 1: log the rate set at each epoch. */
  verbose?: number;
}

/**
 * Sets the optimizer's learning rate at the start of every epoch to `schedule(epoch, lr)`, and
 * writes the rate into the epoch logs as `lr`. A schedule returning anything but a finite number
 * ≥ 0 stops training with an error naming the value. Being a function, it can only be given from
 * TypeScript, not from a JSON run file.
 *
 * @example
 * ```ts
 * const scheduler = new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)));
 * await trainer.fit(model, data, { epochs: 15, callbacks: [scheduler] });
 * ```
 */
export class LearningRateScheduler implements Callback {
  readonly name = 'LearningRateScheduler';
  readonly schedule: Schedule;
  readonly verbose: number;
  #context?: CallbackContext;

  constructor(
    schedule: Schedule | LearningRateSchedulerOptions,
    options: Omit<LearningRateSchedulerOptions, 'schedule'> = {},
  ) {
    const all = typeof schedule === 'function' ? { ...options, schedule } : schedule;
    if (!all || typeof all !== 'object') throw invalidValue('schedule', schedule, 'a function (epoch, lr) => number');
    checkOptionKeys('LearningRateScheduler', all, ['schedule', 'verbose']);
    if (typeof all.schedule !== 'function') {
      throw invalidValue(
        'schedule',
        all.schedule,
        'a function (epoch, lr) => number',
        'LearningRateScheduler takes a function, so it is configured in TypeScript: callbacks: [new LearningRateScheduler((epoch, lr) => lr)]',
      );
    }
    this.schedule = all.schedule;
    this.verbose = numberOption('verbose', all.verbose, 0, { integer: true, min: 0 });
  }

  setContext(context: CallbackContext): void {
    this.#context = context;
  }

  async onEpochBegin(epoch: number): Promise<void> {
    const { optimizer, logger } = this.#requireContext();
    const lr = await this.schedule(epoch, optimizer.getLearningRate());
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new TfscaleError(
        'TFSCALE_E_INVALID_VALUE',
        `The output of the \`schedule\` function should be a finite number >= 0. Got: ${String(lr)} at epoch ${epoch}.`,
      );
    }
    optimizer.setLearningRate(lr);
    if (this.verbose > 0) logger.info(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs) logs.lr = this.#requireContext().optimizer.getLearningRate();
  }

  #requireContext(): CallbackContext {
    if (this.#context) return this.#context;
    throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'LearningRateScheduler was used without a training context.', {
      hint: 'pass it in `callbacks` of Trainer.fit (which calls setContext before onTrainBegin)',
    });
  }
}
