/**
 * Keras' `EarlyStopping` (keras/src/callbacks/early_stopping.py): stop when the monitored value
 * stops improving, optionally restoring the best weights.
 */
import type { DataType } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import { invalidValue } from '../core/errors';
import { setModelWeights } from '../io/weights-file';
import type { Logs } from './callback';
import { booleanOption, checkOptionKeys, numberOption, optionalNumber, stringOption } from './callback-options';
import { fromJsonNumber, MonitorCallback, type MonitorOptions, toJsonNumber } from './monitor-callback';

/**
 * Options of {@link EarlyStopping}: Keras' arguments in camelCase, with Keras' defaults.
 *
 * @example
 * ```ts
 * const options: EarlyStoppingOptions = { monitor: 'val_loss', patience: 3, restoreBestWeights: true };
 * ```
 */
export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement after which training stops (default 0). */
  patience?: number;
  /** 1: log when stopping and restoring. */
  verbose?: number;
  /** Training also stops unless the value beats this within `patience` epochs. */
  baseline?: number;
  /** At the end of training, set the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** Epochs of warm-up during which nothing is monitored (default 0). */
  startFromEpoch?: number;
  /** Key of this callback's state in backups; default `early_stopping:<monitor>`. */
  stateKey?: string;
}

interface WeightCopy {
  name: string;
  shape: number[];
  dtype: DataType;
  data: Float32Array | Int32Array | Uint8Array;
}

/** The JSON state: counters, best value, and the best weights as base64 little-endian bytes. */
interface EarlyStoppingState {
  wait: number;
  stoppedEpoch: number;
  best: number | string | null;
  bestEpoch: number;
  bestWeights: Array<Omit<WeightCopy, 'data'> & { data: string }> | null;
}

const OPTIONS = [
  'monitor',
  'minDelta',
  'patience',
  'verbose',
  'mode',
  'baseline',
  'restoreBestWeights',
  'startFromEpoch',
  'stateKey',
];

/**
 * Stops training when `monitor` has not improved for `patience` epochs, with Keras 3's exact
 * rules: the wait counter restarts only when the value beats both the best so far and `baseline`;
 * no stop at the first epoch; with `restoreBestWeights` the best epoch's weights are set when
 * training ends, whether it stopped early or not.
 *
 * Its state (for BackupAndRestore) includes the best weights when `restoreBestWeights` is on, as
 * base64 in the JSON, so a resumed run restores the same epoch's weights.
 *
 * @example
 * ```ts
 * const early = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
 * await trainer.fit(model, data, { epochs: 50, validationSplit: 0.2, callbacks: [early] });
 * early.stoppedEpoch; // e.g. 7 (0-based), or 0 when it never stopped
 * ```
 */
export class EarlyStopping extends MonitorCallback {
  readonly name = 'EarlyStopping';
  readonly stateKey: string;
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  wait = 0;
  /** Epoch (0-based) at which training was stopped; 0 when it was not. */
  stoppedEpoch = 0;
  bestEpoch = 0;
  #bestWeights: WeightCopy[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptionKeys('EarlyStopping', options, OPTIONS);
    const monitor = stringOption('monitor', options.monitor, 'val_loss');
    // Keras keeps `baseline` apart from the best value, which starts empty.
    super(monitor, options.mode ?? 'auto', numberOption('minDelta', options.minDelta, 0));
    this.patience = numberOption('patience', options.patience, 0, { integer: true, min: 0 });
    this.verbose = numberOption('verbose', options.verbose, 0, { integer: true, min: 0 });
    this.baseline = optionalNumber('baseline', options.baseline);
    this.restoreBestWeights = booleanOption('restoreBestWeights', options.restoreBestWeights, false);
    this.startFromEpoch = numberOption('startFromEpoch', options.startFromEpoch, 0, { integer: true, min: 0 });
    this.stateKey = stringOption('stateKey', options.stateKey, `early_stopping:${monitor}`);
  }

  onTrainBegin(): void {
    // Instances may be reused across fit calls, as in Keras.
    this.resetUnlessRestored(() => {
      this.wait = 0;
      this.stoppedEpoch = 0;
      this.best = undefined;
      this.bestEpoch = 0;
      this.#bestWeights = undefined;
    });
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    void this.direction; // resolved here, as Keras does, so an unknown direction fails early
    const current = this.monitorValue(
      logs,
      (keys) =>
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${keys}`,
    );
    if (current === undefined || epoch < this.startFromEpoch) return;
    // Until something improves, the current weights are the best ones.
    if (this.restoreBestWeights && !this.#bestWeights) await this.#keepWeights(epoch);
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) await this.#keepWeights(epoch);
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.requireContext().control.stopTraining(
        `EarlyStopping: ${this.monitor} did not improve for ${this.wait} epochs (patience ${this.patience}); best ${this.best} at epoch ${this.bestEpoch + 1}`,
      );
    }
  }

  onTrainEnd(): void {
    const logger = this.context?.logger;
    if (this.stoppedEpoch > 0 && this.verbose > 0) logger?.info(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (!this.restoreBestWeights || !this.#bestWeights) return;
    if (this.verbose > 0)
      logger?.info(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
    const tf = loadTf();
    const tensors = this.#bestWeights.map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape, w.dtype) }));
    try {
      setModelWeights(this.requireContext().model, tensors);
    } finally {
      tf.dispose(tensors.map((t) => t.tensor));
    }
  }

  saveState(): EarlyStoppingState {
    return {
      wait: this.wait,
      stoppedEpoch: this.stoppedEpoch,
      best: toJsonNumber(this.best),
      bestEpoch: this.bestEpoch,
      bestWeights:
        this.#bestWeights?.map((w) => ({
          ...w,
          data: Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString('base64'),
        })) ?? null,
    };
  }

  loadState(state: unknown): void {
    const s = state as Partial<EarlyStoppingState> | null;
    if (!s || typeof s !== 'object' || !Number.isInteger(s.wait) || !Number.isInteger(s.bestEpoch)) {
      throw invalidValue(`${this.stateKey} state`, state, 'an object saved by EarlyStopping.saveState()');
    }
    this.wait = s.wait!;
    this.stoppedEpoch = s.stoppedEpoch ?? 0;
    this.best = fromJsonNumber(s.best);
    this.bestEpoch = s.bestEpoch!;
    this.#bestWeights = s.bestWeights?.map((w) => ({ ...w, data: decode(w.data, w.dtype) }));
    this.markRestored();
  }

  async #keepWeights(epoch: number): Promise<void> {
    const weights = this.requireContext().model.weights;
    this.#bestWeights = await Promise.all(
      weights.map(async (w) => {
        const t = w.read();
        // A copy: the backend may reuse the variable's buffer on the next update.
        const data = (await t.data()).slice() as WeightCopy['data'];
        return { name: w.name, shape: [...t.shape], dtype: t.dtype, data };
      }),
    );
    this.bestEpoch = epoch;
  }
}

function decode(base64: string, dtype: DataType): WeightCopy['data'] {
  const bytes = Uint8Array.from(Buffer.from(base64, 'base64'));
  if (dtype === 'float32') return new Float32Array(bytes.buffer);
  if (dtype === 'int32') return new Int32Array(bytes.buffer);
  if (dtype === 'bool') return bytes;
  throw invalidValue('bestWeights dtype', dtype, "'float32', 'int32' or 'bool'");
}
