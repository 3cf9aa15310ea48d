import type { LayersModel } from '@tensorflow/tfjs';
import { inject, injectable } from 'tsyringe';
import { loadTf, type Tf } from '../backend/tf';
import type { Callback, Logs } from '../callbacks/callback';
import type { CallbackContext, TrainingParams, TrainingPosition } from '../callbacks/callback-context';
import { CallbackList } from '../callbacks/callback-list';
import { History } from '../callbacks/history';
import { MetricsStream } from '../callbacks/metrics-stream';
import { ProgressBar } from '../callbacks/progress-bar';
import { TensorBoard } from '../callbacks/tensorboard';
import { TerminateOnNaN } from '../callbacks/terminate-on-nan';
import { type TrainingControl, TrainingControlToken } from '../callbacks/training-control';
import { invalidValue } from '../core/errors';
import type { Logger } from '../core/logger';
import { LoggerToken } from '../core/tokens';
import { selectTrainStep } from './compiled/select-step';
import type { TrainingData } from './data/training-data';
import { type FitOptions, type ResolvedFitOptions, resolveFitOptions } from './fit-options';
import { optimizerAccess } from './optimizer-access';
import { RunningMeans } from './running-means';
import { TestStep } from './train-step';

/**
 * Runs Keras-style training loops on a compiled tfjs model. It coordinates: data comes from a
 * {@link TrainingData}, steps from {@link TrainStep}, everything else from callbacks, which see a
 * {@link CallbackContext} and never the Trainer.
 * @example
 *   const trainer = runContainer.resolve(Trainer);
 *   const history = await trainer.fit(model, fromArrays(x, y), { epochs: 5, validationSplit: 0.1 });
 */
@injectable()
export class Trainer {
  constructor(
    @inject(LoggerToken) private readonly logger: Logger,
    @inject(TrainingControlToken) private readonly control: TrainingControl,
  ) {}

  /** Trains `model`; resolves to its History once training ends or is stopped. */
  async fit(model: LayersModel, data: TrainingData, options: FitOptions = {}): Promise<History> {
    const tf = loadTf();
    const o = resolveFitOptions(options);
    const split = o.validationSplit === undefined ? undefined : data.split(o.validationSplit);
    const train = split?.train ?? data;
    const validation = split?.validation ?? o.validationData;
    // File sources load (and report bad rows) here, before any callback runs.
    await train.ready?.();
    await validation?.ready?.();
    const step = selectTrainStep(tf, model, {
      mode: o.stepMode,
      hook: o.gradientHook,
      logger: this.logger,
      threads: o.stepThreads,
    });
    // A compiled step keeps the weights natively; callbacks reading them per batch need a sync.
    const batchSync = step.mode === 'compiled' && o.callbacks.some(needsBatchWeights);
    const history = new History();
    // History goes last, as in Keras, so it records what other callbacks add to the logs.
    const callbacks = new CallbackList([...o.callbacks, history]);
    const position: TrainingPosition = { epoch: o.initialEpoch, step: 0, globalStep: 0 };
    let seed = o.seed;
    let started = false;
    let restoredStates: Readonly<Record<string, unknown>> | undefined;
    // A replica's share is not size / batchSize: shards must agree, so sources count for them.
    const steps =
      o.stepsPerEpoch ??
      train.batchCount?.(o.batchSize, o.globalBatchSize) ??
      (train.size === undefined || o.globalBatchSize !== undefined ? undefined : Math.ceil(train.size / o.batchSize));
    const params: TrainingParams = {
      epochs: o.epochs,
      initialEpoch: o.initialEpoch,
      steps,
      batchSize: o.batchSize,
      samples: train.size,
      verbose: o.verbose,
      metrics: [...step.names, ...(validation ? step.names.map((n) => `val_${n}`) : [])],
      doValidation: validation !== undefined,
    };
    const context: CallbackContext = {
      model,
      params,
      control: this.control,
      optimizer: optimizerAccess(model.optimizer),
      progress: {
        position: () => ({ ...position }),
        resumeAt: (p, restore = {}) => {
          if (started) throw invalidValue('resumeAt', p, 'a call from onTrainBegin, before the first batch');
          Object.assign(position, p);
          if (restore.seed !== undefined) seed = restore.seed;
          restoredStates = restore.callbackStates;
        },
        get seed() {
          return seed;
        },
      },
      callbackStates: { save: () => callbacks.saveStates(), load: (s) => callbacks.loadStates(s) },
      isPrimary: o.isPrimary,
      logger: this.logger,
    };
    callbacks.setContext(context);

    await callbacks.onTrainBegin();
    started = true;
    if (restoredStates) await callbacks.loadStates(restoredStates);
    let epochLogs: Logs = {};
    while (position.epoch < o.epochs && !this.control.stopRequested) {
      const epoch = position.epoch;
      await callbacks.onEpochBegin(epoch);
      const means = new RunningMeans(step.names);
      const epochOptions = {
        batchSize: o.batchSize,
        globalBatchSize: o.globalBatchSize,
        shuffle: o.shuffle,
        seed,
        skip: position.step,
      };
      let cut = false;
      for await (const batch of train.batches(epoch, epochOptions)) {
        if (steps !== undefined && position.step >= steps) {
          tf.dispose(batchTensors(batch));
          break;
        }
        await callbacks.onTrainBatchBegin(position.step);
        let values: Float32Array;
        try {
          values = await step.run(batch.xs, batch.ys, batch.size);
        } finally {
          tf.dispose(batchTensors(batch));
        }
        if (o.reduceLogs) {
          const global = await o.reduceLogs(values, batch.size);
          means.add(global.values, global.samples);
        } else means.add(values, batch.size);
        if (batchSync) await step.sync();
        const done = position.step;
        position.step++;
        position.globalStep++;
        await callbacks.onTrainBatchEnd(done, means.logs());
        // Distributed runs apply a requested stop inside reduceLogs, on every replica at once.
        const pending = this.control.pendingStop;
        if (pending && !o.reduceLogs) this.control.stopTraining(pending.reason, pending);
        if (this.control.stopRequested) {
          cut = steps === undefined || position.step < steps;
          break;
        }
      }
      epochLogs = means.logs();
      await step.sync();
      // As Keras: validation runs even when a callback stopped training during this epoch.
      if (validation && (epoch + 1) % o.validationFreq === 0) {
        const val = await this.runTest(tf, model, validation, o.validationBatchSize, callbacks);
        for (const [k, v] of Object.entries(val)) epochLogs[`val_${k}`] = v;
      }
      epochLogs.lr = context.optimizer.getLearningRate();
      // The position moves before onEpochEnd so a backup taken there resumes at the next epoch;
      // an epoch cut short by a stop stays where it was, so a resume finishes it.
      if (!cut) {
        position.epoch++;
        position.step = 0;
      }
      await callbacks.onEpochEnd(epoch, epochLogs);
    }
    await step.sync();
    await callbacks.onTrainEnd(epochLogs);
    return history;
  }

  /** Loss and metrics on `data` without training (Keras' `evaluate`). */
  async evaluate(
    model: LayersModel,
    data: TrainingData,
    options: { batchSize?: number; callbacks?: FitOptions['callbacks'] } = {},
  ): Promise<Logs> {
    const o: Pick<ResolvedFitOptions, 'batchSize'> = resolveFitOptions({ batchSize: options.batchSize });
    return this.runTest(loadTf(), model, data, o.batchSize, new CallbackList(options.callbacks ?? []));
  }

  private async runTest(
    tf: Tf,
    model: LayersModel,
    data: TrainingData,
    batchSize: number,
    callbacks: CallbackList,
  ): Promise<Logs> {
    const step = new TestStep(tf, model);
    const means = new RunningMeans(step.fns.names);
    await callbacks.onTestBegin();
    let index = 0;
    for await (const batch of data.batches(0, { batchSize, shuffle: false, seed: 0 })) {
      await callbacks.onTestBatchBegin(index);
      try {
        means.add(step.run(batch.xs, batch.ys), batch.size);
      } finally {
        tf.dispose(batchTensors(batch));
      }
      await callbacks.onTestBatchEnd(index++, means.logs());
    }
    const logs = means.logs();
    await callbacks.onTestEnd(logs);
    return logs;
  }
}

function batchTensors(batch: { xs: unknown; ys: unknown }) {
  const flat = (v: unknown) =>
    Array.isArray(v) ? v : typeof v === 'object' && v && !('dataSync' in v) ? Object.values(v) : [v];
  return [...flat(batch.xs), ...flat(batch.ys)] as import('@tensorflow/tfjs').Tensor[];
}

const LOGS_ONLY = [History, MetricsStream, ProgressBar, TensorBoard, TerminateOnNaN];

/** Callbacks with batch hooks that read only the logs, or save per epoch only. */
function needsBatchWeights(cb: Callback): boolean {
  if (!cb.onTrainBatchEnd && !cb.onTrainBatchBegin) return false;
  if (LOGS_ONLY.some((c) => cb instanceof c)) return false;
  return (cb as { saveFreq?: unknown }).saveFreq !== 'epoch';
}
