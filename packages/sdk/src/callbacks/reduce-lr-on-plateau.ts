/**
 * Keras' `ReduceLROnPlateau` (keras/src/callbacks/reduce_lr_on_plateau.py): multiply the learning
 * rate by `factor` when the monitored value stops improving.
 */
import { invalidValue } from '../core/errors';
import type { Logs } from './callback';
import { checkOptionKeys, numberOption, stringOption } from './callback-options';
import { fromJsonNumber, MonitorCallback, type MonitorOptions, toJsonNumber } from './monitor-callback';

/**
 * Options of {@link ReduceLROnPlateau}: Keras' arguments in camelCase, with Keras' defaults.
 *
 * @example
 * ```ts
 * const options: ReduceLROnPlateauOptions = { monitor: 'val_loss', factor: 0.2, patience: 5, minLr: 0.001 };
 * ```
 */
export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** `newLr = lr * factor`; must be below 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** 1: log each reduction. */
  verbose?: number;
  /** Epochs after a reduction during which nothing is counted (default 0). */
  cooldown?: number;
  /** The learning rate never goes below this (default 0). */
  minLr?: number;
  /** Key of this callback's state in backups; default `reduce_lr_on_plateau:<monitor>`. */
  stateKey?: string;
}

interface ReduceLROnPlateauState {
  best: number | string | null;
  wait: number;
  cooldownCounter: number;
}

const OPTIONS = ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr', 'stateKey'];

/**
 * Reduces the learning rate when `monitor` has plateaued, with Keras 3's exact counting: during
 * cooldown the wait counter stays at 0; after `patience` epochs without an improvement larger than
 * `minDelta` (default 1e-4) the rate becomes `max(lr * factor, minLr)`, unless it already is at
 * `minLr` (compared in float32, the precision the optimizer applies it in). The current learning
 * rate is written to the epoch logs as `lr` before the check, as Keras writes `learning_rate`.
 *
 * @example
 * ```ts
 * const plateau = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, minLr: 1e-4 });
 * await trainer.fit(model, data, { epochs: 30, validationSplit: 0.2, callbacks: [plateau] });
 * ```
 */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly name = 'ReduceLROnPlateau';
  readonly stateKey: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkOptionKeys('ReduceLROnPlateau', options, OPTIONS);
    const monitor = stringOption('monitor', options.monitor, 'val_loss');
    super(monitor, options.mode ?? 'auto', numberOption('minDelta', options.minDelta, 1e-4));
    if (typeof options.factor === 'number' && options.factor >= 1) {
      throw invalidValue(
        'factor',
        options.factor,
        'a number below 1.0',
        'ReduceLROnPlateau does not support a factor >= 1.0',
      );
    }
    this.factor = numberOption('factor', options.factor, 0.1, { min: 0, below: 1 });
    this.patience = numberOption('patience', options.patience, 10, { integer: true, min: 0 });
    this.verbose = numberOption('verbose', options.verbose, 0, { integer: true, min: 0 });
    this.cooldown = numberOption('cooldown', options.cooldown, 0, { integer: true, min: 0 });
    this.minLr = numberOption('minLr', options.minLr, 0, { min: 0 });
    this.stateKey = stringOption('stateKey', options.stateKey, `reduce_lr_on_plateau:${monitor}`);
  }

  /** True while epochs are not counted after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  onTrainBegin(): void {
    this.resetUnlessRestored(() => {
      this.best = undefined;
      this.cooldownCounter = 0;
      this.wait = 0;
    });
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    void this.direction; // resolved here, as Keras does, so an unknown direction fails early
    const { optimizer } = this.requireContext();
    logs.lr = optimizer.getLearningRate();
    const current = this.monitorValue(
      logs,
      (keys) =>
        `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${keys}.`,
    );
    if (current === undefined) return;
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown) {
      this.wait++;
      if (this.wait >= this.patience && this.#reduce(epoch)) {
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }

  saveState(): ReduceLROnPlateauState {
    return { best: toJsonNumber(this.best), wait: this.wait, cooldownCounter: this.cooldownCounter };
  }

  loadState(state: unknown): void {
    const s = state as Partial<ReduceLROnPlateauState> | null;
    if (!s || typeof s !== 'object' || !Number.isInteger(s.wait) || !Number.isInteger(s.cooldownCounter)) {
      throw invalidValue(`${this.stateKey} state`, state, 'an object saved by ReduceLROnPlateau.saveState()');
    }
    this.best = fromJsonNumber(s.best);
    this.wait = s.wait!;
    this.cooldownCounter = s.cooldownCounter!;
    this.markRestored();
  }

  #reduce(epoch: number): boolean {
    const { optimizer, logger } = this.requireContext();
    const old = optimizer.getLearningRate();
    if (!(Math.fround(old) > Math.fround(this.minLr))) return false;
    const lr = Math.max(old * this.factor, this.minLr);
    optimizer.setLearningRate(lr);
    if (this.verbose > 0) logger.info(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
    return true;
  }
}
