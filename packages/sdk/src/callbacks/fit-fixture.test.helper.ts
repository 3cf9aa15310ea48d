/**
 * Drives callbacks through the real Trainer on the canonical tiny model and data (sdk/src/testing),
 * plus callbacks that script the logs so monitor logic sees a known sequence (the values Keras was
 * run with to get the expected outcomes in the tests).
 */
import 'reflect-metadata';
import type { LayersModel } from '@tensorflow/tfjs';
import { createRootContainer, createRunContainer } from '../core/container';
import type { Logger } from '../core/logger';
import { canonicalData, canonicalModel } from '../testing/canonical';
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

/** What {@link fitTiny} returns. */
export interface FitResult {
  history: History;
  model: LayersModel;
  logger: LinesLogger;
  control: TrainingControl;
}

/**
 * Trains `model` (default: the canonical model, Adam(0.01)) on 192 canonical samples in batches
 * of 32 (6 batches per epoch), validating on 64 others, without shuffling.
 */
export async function fitTiny(
  callbacks: Callback[],
  options: { epochs: number; model?: LayersModel; isPrimary?: boolean },
): Promise<FitResult> {
  const logger = new LinesLogger();
  const run = createRunContainer(createRootContainer({ logger }));
  const model = options.model ?? canonicalModel();
  const { x, y } = canonicalData(256);
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
export function atEpochEnd<T>(
  read: (ctx: CallbackContext, epoch: number, logs: Logs) => T,
): Callback & { values: T[] } {
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
