import type { Callback, Logs } from './callback';
import type { CallbackContext, TrainingParams } from './callback-context';

/**
 * Records every epoch's logs; `fit` always adds one and returns it, as Keras does.
 * @example
 *   const history = await trainer.fit(model, data, { epochs: 3 });
 *   history.history.val_loss; // [0.41, 0.33, 0.30]
 */
export class History implements Callback {
  readonly name = 'History';
  /** Epoch indices (0-based) that finished, in order. */
  readonly epoch: number[] = [];
  /** Log name → one value per finished epoch. */
  readonly history: Record<string, number[]> = {};
  params?: TrainingParams;

  setContext(context: CallbackContext): void {
    this.params = context.params;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      this.history[key] ??= [];
      this.history[key].push(value);
    }
  }
}
