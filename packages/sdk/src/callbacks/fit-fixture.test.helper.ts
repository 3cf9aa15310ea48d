/**
 * Drives callbacks through the real Trainer on a tiny real model: Dense(3 → 1, sigmoid) on a few
 * hundred generated samples, plus callbacks that script the logs so monitor logic sees a known
 * sequence (the values Keras was run with to get the expected outcomes in the tests).
 */
import 'reflect-metadata';
import type { LayersModel } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import { createRootContainer, createRunContainer } from '../core/container';
import type { Logger } from '../core/logger';
import { fromArrays } from '../training/data';
import { Trainer } from '../training/trainer';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';
import type { History } from './history';
import { type TrainingControl, TrainingControlToken } from './training-control';

/** A logger that keeps its lines (`warn: …`) for assertions. */
export class LinesLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}

/** Deterministic samples: x in [0, 1)³ from a linear congruential generator, y = [x·w > 0.5]. */
export function tinyData(samples: number, seed = 7): { x: number[][]; y: number[][] } {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const x = Array.from({ length: samples }, () => [next(), next(), next()]);
  const y = x.map(([a, b, c]) => [0.5 * a! + 0.3 * b! - 0.4 * c! > 0.1 ? 1 : 0]);
  return { x, y };
}

/** Dense(1, sigmoid) on 3 inputs, seeded, compiled with SGD(lr), binary cross-entropy, accuracy. */
export function tinyModel(learningRate = 0.5): LayersModel {
  const tf = loadTf();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [3], activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })],
  });
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** What {@link fitTiny} returns. */
export interface FitResult {
  history: History;
  model: LayersModel;
  logger: LinesLogger;
  control: TrainingControl;
}

/**
 * Trains {@link tinyModel} (or `model`) on 192 samples in batches of 32 (6 batches per epoch),
 * validating on 64 others, without shuffling.
 */
export async function fitTiny(callbacks: Callback[], options: { epochs: number; model?: LayersModel; isPrimary?: boolean }): Promise<FitResult> {
  const logger = new LinesLogger();
  const run = createRunContainer(createRootContainer({ logger }));
  const model = options.model ?? tinyModel();
  const { x, y } = tinyData(256);
  const train = fromArrays(x.slice(0, 192), y.slice(0, 192));
  const validation = fromArrays(x.slice(192), y.slice(192));
  try {
    const history = await run.resolve(Trainer).fit(model, train, {
      epochs: options.epochs,
      batchSize: 32,
      validationData: validation,
      shuffle: false,
      seed: 1,
      callbacks,
      isPrimary: options.isPrimary ?? true,
    });
    return { history, model, logger, control: run.resolve(TrainingControlToken) };
  } finally {
    train.dispose?.();
    validation.dispose?.();
  }
}

/** Overwrites epoch logs with `values[key][epoch]` (place it before the callback under test). */
export function scriptEpochLogs(values: Record<string, readonly number[]>): Callback {
  return {
    name: 'scriptEpochLogs',
    onEpochEnd: (epoch: number, logs?: Logs) => {
      for (const [key, seq] of Object.entries(values)) logs![key] = seq[epoch]!;
    },
  };
}

/** Overwrites batch logs with `values[key][globalBatch % length]`. */
export function scriptBatchLogs(values: Record<string, readonly number[]>): Callback {
  let global = 0;
  return {
    name: 'scriptBatchLogs',
    onTrainBatchEnd: (_batch: number, logs?: Logs) => {
      for (const [key, seq] of Object.entries(values)) logs![key] = seq[global % seq.length]!;
      global++;
    },
  };
}

/** Copies of the model's weight values, in `model.weights` order. */
export function weightValues(model: LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}

/** Records something at every epoch end (place it after the callback under test). */
export function atEpochEnd<T>(read: (ctx: CallbackContext, epoch: number, logs: Logs) => T): Callback & { values: T[] } {
  let ctx: CallbackContext | undefined;
  const values: T[] = [];
  return {
    name: 'atEpochEnd',
    values,
    setContext: (c: CallbackContext) => {
      ctx = c;
    },
    onEpochEnd: (epoch: number, logs?: Logs) => {
      values.push(read(ctx!, epoch, logs ?? {}));
    },
  };
}
