/**
 * The SDK's own callbacks, registered by their Keras names in snake_case, so that run files can
 * say `"callbacks": ["tensorboard", { "name": "csv_logger", "options": { "filename": "log.csv" } }]`.
 */
import type { Registry, RegistryEntry } from '../core/registry';
import { BackupAndRestore, type BackupAndRestoreOptions } from './backup-and-restore';
import type { CallbackFactory } from './callback';
import { CSVLogger, type CSVLoggerOptions } from './csv-logger';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping';
import { LearningRateScheduler, type LearningRateSchedulerOptions } from './learning-rate-scheduler';
import { MetricsStream, type MetricsStreamOptions } from './metrics-stream';
import { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint';
import { ProgressBar, type ProgressBarOptions } from './progress-bar';
import { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';
import { TensorBoard, type TensorBoardOptions } from './tensorboard';
import { TerminateOnNaN, type TerminateOnNaNOptions } from './terminate-on-nan';

/** Run-file options arrive as untyped JSON; each constructor validates its own. */
type Options = Readonly<Record<string, unknown>>;

/**
 * Name → factory and description of every built-in callback. Add a callback with one entry.
 *
 * @example
 * ```ts
 * BUILTIN_CALLBACKS.tensorboard.factory({ logDir: 'logs' }, ctx);
 * ```
 */
export const BUILTIN_CALLBACKS: Readonly<Record<string, { factory: CallbackFactory; description: string }>> = {
  tensorboard: {
    factory: (options: Options) => new TensorBoard(options as TensorBoardOptions),
    description:
      'Keras TensorBoard: epoch/batch scalars, weight histograms, model graph (logDir, histogramFreq, updateFreq)',
  },
  csv_logger: {
    factory: (options: Options) => new CSVLogger(options as unknown as CSVLoggerOptions),
    description: 'Keras CSVLogger: one CSV row per epoch (filename, separator, append)',
  },
  metrics_stream: {
    factory: (options: Options) => new MetricsStream(options as MetricsStreamOptions),
    description: 'Newline-delimited JSON training events to a file and/or the parent process (file, ipc)',
  },
  progress_bar: {
    factory: (options: Options) => new ProgressBar(options as ProgressBarOptions),
    description: 'Keras-style progress bar on a terminal, one line per epoch elsewhere (ttyMode)',
  },
  terminate_on_nan: {
    factory: (options: Options) => new TerminateOnNaN(options as TerminateOnNaNOptions),
    description: 'Keras TerminateOnNaN: stop training when the batch loss is NaN or infinite (raiseError)',
  },
  model_checkpoint: {
    factory: (options: Options) => new ModelCheckpoint(options as unknown as ModelCheckpointOptions),
    description:
      'Keras ModelCheckpoint: save the model or its weights each epoch or every N batches, optionally only the best (filepath, monitor, saveBestOnly, saveWeightsOnly, saveFreq)',
  },
  early_stopping: {
    factory: (options: Options) => new EarlyStopping(options as EarlyStoppingOptions),
    description:
      'Keras EarlyStopping: stop when a monitored value stops improving (monitor, patience, minDelta, baseline, restoreBestWeights)',
  },
  reduce_lr_on_plateau: {
    factory: (options: Options) => new ReduceLROnPlateau(options as ReduceLROnPlateauOptions),
    description:
      'Keras ReduceLROnPlateau: multiply the learning rate by factor when a monitored value plateaus (monitor, factor, patience, cooldown, minLr)',
  },
  learning_rate_scheduler: {
    // A schedule is a function, so this works from TypeScript only; JSON options get a clear error.
    factory: (options: Options) => new LearningRateScheduler(options as unknown as LearningRateSchedulerOptions),
    description:
      'Keras LearningRateScheduler: lr = schedule(epoch, lr) at each epoch begin (TypeScript only: schedule is a function)',
  },
  backup_and_restore: {
    factory: (options: Options) => new BackupAndRestore(options as unknown as BackupAndRestoreOptions),
    description:
      'Keras BackupAndRestore, exact: resume a crashed run at the batch of its last backup (backupDir, saveFreq, deleteCheckpoint, doubleCheckpoint)',
  },
};

/**
 * Registers every built-in callback in `registry` (the root container's `CallbackRegistryToken`).
 *
 * @example
 * ```ts
 * registerBuiltinCallbacks(container.resolve(CallbackRegistryToken));
 * const make = container.resolve(CallbackRegistryToken).get('csv_logger');
 * ```
 */
export function registerBuiltinCallbacks(
  registry: Pick<Registry<CallbackFactory>, 'register'>,
): RegistryEntry<CallbackFactory>[] {
  return Object.entries(BUILTIN_CALLBACKS).map(([name, { factory, description }]) =>
    registry.register(name, factory, { description }),
  );
}
