/**
 * The SDK's own callbacks, registered by their Keras names in snake_case, so that run files can
 * say `"callbacks": ["tensorboard", { "name": "csv_logger", "options": { "filename": "log.csv" } }]`.
 */
import type { Registry, RegistryEntry } from '../core/registry';
import type { CallbackFactory } from './callback';
import { CSVLogger, type CSVLoggerOptions } from './csv-logger';
import { MetricsStream, type MetricsStreamOptions } from './metrics-stream';
import { ProgressBar, type ProgressBarOptions } from './progress-bar';
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
