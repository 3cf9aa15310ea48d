/**
 * Keras' `ModelCheckpoint` (keras/src/callbacks/model_checkpoint.py): save the model or its
 * weights at the end of epochs or every N batches, optionally only when it is the best so far.
 */
import { invalidValue } from '../core/errors';
import { writeDirAtomic } from '../io/atomic-dir';
import { tfjsFolder } from '../io/tfjs-file-handler';
import { modelWeights, writeWeights } from '../io/weights-file';
import type { Logs } from './callback';
import { booleanOption, checkOptionKeys, numberOption, optionalNumber, stringOption } from './callback-options';
import { FilepathTemplate } from './format-filepath';
import { fromJsonNumber, MonitorCallback, type MonitorOptions, toJsonNumber } from './monitor-callback';

/**
 * Options of {@link ModelCheckpoint}: Keras' arguments in camelCase, with Keras' defaults.
 *
 * @example
 * ```ts
 * const options: ModelCheckpointOptions = { filepath: 'ckpt/{epoch:02d}-{val_loss:.4f}', saveBestOnly: true };
 * ```
 */
export interface ModelCheckpointOptions extends Omit<MonitorOptions, 'minDelta'> {
  /**
   * Folder to save into; may use `{epoch}` (1-based), `{batch}` (1-based, batch saves only) and any
   * log name, with Python format specs: `ckpt/{epoch:02d}-{val_loss:.4f}`.
   */
  filepath: string;
  /** 1: log each save and each skipped save. */
  verbose?: number;
  /** Save only when `monitor` improves on the best so far (default false). */
  saveBestOnly?: boolean;
  /** Save `weights.json` + `weights.bin` instead of the TF.js model folder (default false). */
  saveWeightsOnly?: boolean;
  /** `'epoch'` (default), or save every this many batches, counted across epochs. */
  saveFreq?: 'epoch' | number;
  /** The best value to beat before the first save when `saveBestOnly` is on. */
  initialValueThreshold?: number;
  /** Key of this callback's state in backups; default `model_checkpoint:<filepath>`. */
  stateKey?: string;
}

interface ModelCheckpointState {
  best: number | string | null;
  batchesSinceSave: number;
  lastBatchSeen: number | null;
}

const OPTIONS = [
  'filepath',
  'monitor',
  'verbose',
  'saveBestOnly',
  'saveWeightsOnly',
  'mode',
  'saveFreq',
  'initialValueThreshold',
  'stateKey',
];

/**
 * Saves checkpoints with Keras 3's rules. Each checkpoint is a folder written atomically: the
 * TF.js Layers format (`model.json` + weights, loadable with `tf.loadLayersModel(tfjsFolder(dir))`;
 * without optimizer state, which BackupAndRestore keeps), or with `saveWeightsOnly` the weights
 * files that `readWeights` + `setModelWeights` load. A filepath without fields is overwritten by
 * each save; with `saveBestOnly` only improvements are saved. Only the primary replica writes.
 *
 * @example
 * ```ts
 * const best = new ModelCheckpoint({ filepath: 'ckpt/best', monitor: 'val_accuracy', saveBestOnly: true });
 * await trainer.fit(model, data, { epochs: 10, validationSplit: 0.1, callbacks: [best] });
 * const restored = await tf.loadLayersModel(tfjsFolder('ckpt/best'));
 * ```
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly name = 'ModelCheckpoint';
  readonly stateKey: string;
  readonly filepath: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  readonly #template: FilepathTemplate;
  #epoch = 0;
  #batchesSinceSave = 0;
  #lastBatchSeen: number | undefined;

  constructor(options: ModelCheckpointOptions) {
    if (!options || typeof options !== 'object')
      throw invalidValue('options', options, 'an object with at least `filepath`');
    checkOptionKeys('ModelCheckpoint', options, OPTIONS);
    const filepath = stringOption('filepath', options.filepath, '');
    if (filepath === '') throw invalidValue('filepath', options.filepath, 'a folder path, e.g. "ckpt/{epoch:02d}"');
    if (/\.(keras|h5)$/.test(filepath)) {
      throw invalidValue(
        'filepath',
        filepath,
        'a folder path: checkpoints are TF.js Layers folders, not .keras/.h5 files',
        `drop the extension, e.g. "${filepath.replace(/(\.weights)?\.(keras|h5)$/, '')}"`,
      );
    }
    super(
      stringOption('monitor', options.monitor, 'val_loss'),
      options.mode ?? 'auto',
      0,
      optionalNumber('initialValueThreshold', options.initialValueThreshold),
    );
    this.filepath = filepath;
    this.#template = new FilepathTemplate(filepath);
    this.verbose = numberOption('verbose', options.verbose, 0, { integer: true, min: 0 });
    this.saveBestOnly = booleanOption('saveBestOnly', options.saveBestOnly, false);
    this.saveWeightsOnly = booleanOption('saveWeightsOnly', options.saveWeightsOnly, false);
    const freq = options.saveFreq ?? 'epoch';
    if (freq !== 'epoch' && !(Number.isInteger(freq) && freq >= 1)) {
      throw invalidValue('saveFreq', freq, "'epoch' or a positive integer (a number of batches)");
    }
    this.saveFreq = freq;
    this.stateKey = stringOption('stateKey', options.stateKey, `model_checkpoint:${filepath}`);
  }

  onEpochBegin(epoch: number): void {
    this.#epoch = epoch;
  }

  async onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    if (this.#dueAfterBatch(batch)) await this.#save(this.#epoch, batch, logs ?? {});
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.#save(epoch, undefined, logs ?? {});
  }

  saveState(): ModelCheckpointState {
    return {
      best: toJsonNumber(this.best),
      batchesSinceSave: this.#batchesSinceSave,
      lastBatchSeen: this.#lastBatchSeen ?? null,
    };
  }

  loadState(state: unknown): void {
    const s = state as Partial<ModelCheckpointState> | null;
    if (!s || typeof s !== 'object' || !Number.isInteger(s.batchesSinceSave)) {
      throw invalidValue(`${this.stateKey} state`, state, 'an object saved by ModelCheckpoint.saveState()');
    }
    this.best = fromJsonNumber(s.best);
    this.#batchesSinceSave = s.batchesSinceSave!;
    this.#lastBatchSeen = typeof s.lastBatchSeen === 'number' ? s.lastBatchSeen : undefined;
    this.markRestored();
  }

  /** Keras' `_should_save_on_batch`: batches are counted across epochs (indices restart at 0). */
  #dueAfterBatch(batch: number): boolean {
    if (this.saveFreq === 'epoch') return false;
    const last = this.#lastBatchSeen;
    this.#batchesSinceSave += last === undefined || batch <= last ? batch + 1 : batch - last;
    this.#lastBatchSeen = batch;
    if (this.#batchesSinceSave < this.saveFreq) return false;
    this.#batchesSinceSave = 0;
    return true;
  }

  async #save(epoch: number, batch: number | undefined, logs: Logs): Promise<void> {
    // Keras fills {epoch} and {batch} 1-based; {batch} only for batch saves.
    const values =
      batch === undefined || 'batch' in logs
        ? { ...logs, epoch: epoch + 1 }
        : { ...logs, epoch: epoch + 1, batch: batch + 1 };
    const filepath = this.#template.format(values, ['epoch', 'batch']);
    if (!this.#shouldSave(epoch, logs, filepath)) return;
    const { model, isPrimary, logger } = this.requireContext();
    if (!isPrimary) return;
    await writeDirAtomic(filepath, async (tmp) => {
      if (this.saveWeightsOnly) await writeWeights(tmp, modelWeights(model));
      else await model.save(tfjsFolder(tmp));
    });
    if (this.verbose > 0) logger.info(`Epoch ${epoch + 1}: finished saving model to ${filepath}`);
  }

  /** Keras' `_should_save_model`; also moves `best` forward. */
  #shouldSave(epoch: number, logs: Logs, filepath: string): boolean {
    const logger = this.context?.logger;
    if (!this.saveBestOnly) {
      if (this.verbose > 0) logger?.info(`Epoch ${epoch + 1}: saving model to ${filepath}`);
      return true;
    }
    const current = this.monitorValue(
      logs,
      (keys) => `Can save best model only with ${this.monitor} available. Available metrics are: ${keys}`,
    );
    if (current === undefined) return true; // as Keras: save anyway
    const bestText = this.best === undefined ? 'None' : this.best.toFixed(5);
    if (this.isImprovement(current, this.best)) {
      if (this.verbose > 0)
        logger?.info(
          `Epoch ${epoch + 1}: ${this.monitor} improved from ${bestText} to ${current.toFixed(5)}, saving model to ${filepath}`,
        );
      this.best = current;
      return true;
    }
    if (this.verbose > 0) logger?.info(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${bestText}`);
    return false;
  }
}
