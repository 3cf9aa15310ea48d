/**
 * `TensorBoard`: Keras' TensorBoard callback (keras/src/callbacks/tensorboard.py, Keras 3.15),
 * writing the same tags at the same steps so that runs compare side by side with Keras runs.
 */
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { invalidValue, isTfscaleError } from '../core/errors';
import { EventFileWriter } from '../formats/events-writer';
import { DataType } from '../formats/proto/tensorboard-messages';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';
import { checkOptionKeys } from './callback-options';

/**
 * Options of {@link TensorBoard} (Keras' arguments, camelCased).
 *
 * @example
 * ```ts
 * const options: TensorBoardOptions = { logDir: 'runs/mnist/logs', histogramFreq: 1, updateFreq: 100 };
 * ```
 */
export interface TensorBoardOptions {
  /** Where `train/` and `validation/` event folders go. Default `'logs'`, as Keras. */
  readonly logDir?: string;
  /** Every this many epochs (from epoch 0), write a histogram of every layer weight; 0 = never. */
  readonly histogramFreq?: number;
  /** `'epoch'` (default): epoch scalars only. `'batch'` or N: also `batch_<metric>` every N batches. */
  readonly updateFreq?: 'epoch' | 'batch' | number;
  /**
   * Write the model's Keras-format JSON config (tag `keras`, plugin `graph_keras_model`), which
   * TensorBoard's Graphs dashboard draws as the conceptual graph — what Keras' `write_graph` writes
   * first. Keras also writes the op-level graph of its train function; that GraphDef is written
   * once the SavedModel graph builder exists, and is never faked. Default `true`.
   */
  readonly writeGraph?: boolean;
}

type WriterKind = 'train' | 'validation';

/**
 * Logs to TensorBoard, with Keras 3's tags and steps:
 * - `<logDir>/train`: `epoch_<metric>` and `epoch_learning_rate` at step = epoch index; with
 *   `updateFreq` N, `batch_<metric>` (the running means of the epoch so far) at step = global
 *   batch number counted from 1, whenever it is a multiple of N; every `histogramFreq` epochs a
 *   histogram per layer weight, tagged `<weight path>/histogram` (Keras' path:
 *   `<model>/<layer>/<weight>` for Sequential models, `<layer>/<weight>` otherwise).
 * - `<logDir>/validation`: `epoch_<metric>` from the `val_*` logs (prefix removed), and, at each
 *   `onTestEnd`, `evaluation_<metric>_vs_iterations` at step = optimizer iterations.
 * The learning rate is `logs.lr` when present, otherwise the optimizer's. Only the primary
 * replica writes; writers close at the end of training.
 *
 * @example
 * ```ts
 * await trainer.fit(model, data, { epochs: 10, callbacks: [new TensorBoard({ logDir: 'logs', histogramFreq: 1 })] });
 * // tensorboard --logdir logs
 * ```
 */
export class TensorBoard implements Callback {
  readonly name = 'TensorBoard';
  readonly logDir: string;
  readonly histogramFreq: number;
  readonly updateFreq: 'epoch' | number;
  readonly writeGraph: boolean;
  #ctx: CallbackContext | undefined;
  readonly #writers = new Map<WriterKind, EventFileWriter>();
  #globalTrainBatch = 0;
  #counting = false;
  readonly #badHistograms = new Set<string>();

  constructor(options: TensorBoardOptions = {}) {
    checkOptionKeys('TensorBoard', options, ['logDir', 'histogramFreq', 'updateFreq', 'writeGraph']);
    const { logDir = 'logs', histogramFreq = 0, updateFreq = 'epoch', writeGraph = true } = options;
    if (typeof logDir !== 'string' || logDir === '') throw invalidValue('logDir', logDir, 'a non-empty directory path');
    if (!Number.isInteger(histogramFreq) || histogramFreq < 0) {
      throw invalidValue('histogramFreq', histogramFreq, 'an integer >= 0 (0 disables histograms)');
    }
    if (updateFreq !== 'epoch' && updateFreq !== 'batch' && !(Number.isInteger(updateFreq) && updateFreq > 0)) {
      throw invalidValue('updateFreq', updateFreq, '"epoch", "batch" or a positive integer number of batches');
    }
    if (typeof writeGraph !== 'boolean') throw invalidValue('writeGraph', writeGraph, 'true or false');
    this.logDir = logDir;
    this.histogramFreq = histogramFreq;
    this.updateFreq = updateFreq === 'batch' ? 1 : updateFreq;
    this.writeGraph = writeGraph;
  }

  setContext(context: CallbackContext): void {
    this.#ctx = context;
  }

  onTrainBegin(): void {
    this.#counting = false;
    if (!this.#active() || !this.writeGraph || !this.#ctx) return;
    this.#writeModelConfig(this.#ctx.model);
  }

  onTrainBatchBegin(_batch?: number): void {
    // Keras counts batches from train begin; a resumed run continues from its restored position.
    if (!this.#counting) this.#globalTrainBatch = this.#ctx?.progress.position().globalStep ?? 0;
    this.#counting = true;
    this.#globalTrainBatch++;
  }

  onTrainBatchEnd(_batch: number, logs?: Logs): void {
    if (!this.#active() || this.updateFreq === 'epoch' || !logs) return;
    if (this.#globalTrainBatch % this.updateFreq !== 0) return;
    const writer = this.#writer('train');
    for (const [name, value] of numericEntries(logs)) {
      writer.addScalar(`batch_${kerasName(name)}`, value, this.#globalTrainBatch);
    }
  }

  onTestEnd(logs?: Logs): void {
    if (!this.#active() || !logs) return;
    const iterations = this.#ctx?.progress.position().globalStep ?? this.#globalTrainBatch;
    const writer = this.#writer('validation');
    for (const [name, value] of numericEntries(logs)) {
      writer.addScalar(`evaluation_${name}_vs_iterations`, value, iterations);
    }
  }

  async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (!this.#active()) return;
    if (logs && Object.keys(logs).length > 0) this.#logEpochMetrics(epoch, logs);
    if (this.histogramFreq > 0 && epoch % this.histogramFreq === 0 && this.#ctx) this.#logWeights(epoch);
    // Flushed per epoch so that a live TensorBoard (or the VS Code view) sees every epoch promptly.
    await Promise.all([...this.#writers.values()].map((w) => w.flush()));
  }

  async onTrainEnd(): Promise<void> {
    const writers = [...this.#writers.values()];
    this.#writers.clear();
    await Promise.all(writers.map((w) => w.close()));
  }

  #active(): boolean {
    return this.#ctx?.isPrimary ?? true;
  }

  #writer(kind: WriterKind): EventFileWriter {
    let writer = this.#writers.get(kind);
    if (!writer) {
      writer = new EventFileWriter(join(this.logDir, kind));
      this.#writers.set(kind, writer);
    }
    return writer;
  }

  #logEpochMetrics(epoch: number, logs: Logs): void {
    const train: Array<[string, number]> = [];
    const validation: Array<[string, number]> = [];
    for (const [name, value] of numericEntries(logs)) {
      if (name.startsWith('val_')) validation.push([name.slice(4), value]);
      else if (name !== 'lr' && name !== 'learning_rate') train.push([name, value]);
    }
    const lr = logs.lr ?? logs.learning_rate ?? this.#optimizerLearningRate();
    if (lr !== undefined) train.push(['learning_rate', lr]);
    const write = (kind: WriterKind, entries: Array<[string, number]>) => {
      if (entries.length === 0) return;
      const writer = this.#writer(kind);
      for (const [name, value] of entries) writer.addScalar(`epoch_${name}`, value, epoch);
    };
    write('train', train);
    write('validation', validation);
  }

  #optimizerLearningRate(): number | undefined {
    try {
      return this.#ctx?.optimizer.getLearningRate();
    } catch {
      return undefined; // an optimizer without a learning rate: Keras writes none either
    }
  }

  #logWeights(epoch: number): void {
    const model = this.#ctx!.model;
    // Keras 3 weight paths include the model name for Sequential models only.
    const prefix = model.getClassName() === 'Sequential' ? `${model.name}/` : '';
    const writer = this.#writer('train');
    for (const layer of model.layers) {
      for (const weight of layer.weights) {
        const tag = `${prefix}${weight.originalName.replaceAll(':', '_')}/histogram`;
        try {
          writer.addHistogram(tag, weight.read().dataSync(), epoch);
        } catch (err) {
          if (!isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE')) throw err;
          if (!this.#badHistograms.has(tag))
            this.#ctx?.logger.warn(`TensorBoard: skipped histogram ${tag}: ${err.summary}`);
          this.#badHistograms.add(tag);
        }
      }
    }
  }

  #writeModelConfig(model: LayersModel): void {
    const className = model.getClassName();
    if (className !== 'Sequential' && className !== 'Model') return; // as Keras: Sequential/Functional only
    const json = JSON.stringify(model.toJSON(undefined, false));
    this.#writer('train').addSummaryValue(
      {
        tag: 'keras',
        metadata: { pluginData: { pluginName: 'graph_keras_model', content: Buffer.from('1') } },
        tensor: { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [Buffer.from(json, 'utf8')] },
      },
      0,
    );
  }
}

/** Log entries that are numbers (a stray non-number must not stop training over a log line). */
function numericEntries(logs: Logs): Array<[string, number]> {
  return Object.entries(logs).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
}

/** Our logs say `lr`; Keras' TensorBoard names the learning rate `learning_rate`. */
function kerasName(name: string): string {
  return name === 'lr' ? 'learning_rate' : name;
}
