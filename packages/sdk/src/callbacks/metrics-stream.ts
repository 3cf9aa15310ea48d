/**
 * `MetricsStream`: training progress as newline-delimited JSON, the live feed of the VS Code
 * metrics view (a file it tails, or the IPC channel of a process it forked).
 */

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { invalidValue } from '../core/errors';
import type { Callback, Logs } from './callback';
import type { CallbackContext, TrainingParams } from './callback-context';
import { checkOptionKeys } from './callback-options';

/**
 * Log values as they are streamed: JSON has no NaN or Infinity, so those become the strings
 * `"NaN"`, `"Infinity"` and `"-Infinity"`.
 *
 * @example
 * ```ts
 * const logs: StreamedLogs = { loss: 'NaN', accuracy: 0.5 };
 * ```
 */
export type StreamedLogs = Record<string, number | 'NaN' | 'Infinity' | '-Infinity'>;

/**
 * One event of the stream (a line of the file, or one IPC message). `time` is milliseconds since
 * the Unix epoch; `epoch` and `batch` are 0-based; `globalStep` counts the batches finished since
 * the start of training, this one included. Events, in order:
 * - `{ type: 'train_begin', time, params }` — `params` as the trainer reports them (epochs, steps, …);
 * - `{ type: 'epoch_begin', time, epoch }`;
 * - `{ type: 'batch_end', time, epoch, batch, globalStep, logs }` — running means of the epoch so far;
 * - `{ type: 'epoch_end', time, epoch, globalStep, logs }` — including `val_*` and `lr`;
 * - `{ type: 'train_end', time, logs?, stopReason? }` — `stopReason` when a callback stopped training.
 *
 * @example
 * ```ts
 * for (const line of text.split('\n').filter(Boolean)) {
 *   const event = JSON.parse(line) as MetricsEvent;
 *   if (event.type === 'epoch_end') chart.add(event.epoch, event.logs.loss);
 * }
 * ```
 */
export type MetricsEvent =
  | { type: 'train_begin'; time: number; params?: TrainingParams }
  | { type: 'epoch_begin'; time: number; epoch: number }
  | { type: 'batch_end'; time: number; epoch: number; batch: number; globalStep: number; logs: StreamedLogs }
  | { type: 'epoch_end'; time: number; epoch: number; globalStep: number; logs: StreamedLogs }
  | { type: 'train_end'; time: number; logs?: StreamedLogs; stopReason?: string };

/**
 * Options of {@link MetricsStream}; at least one destination is required.
 *
 * @example
 * ```ts
 * const options: MetricsStreamOptions = { file: 'runs/mnist/metrics.jsonl', ipc: true };
 * ```
 */
export interface MetricsStreamOptions {
  /** Appends one JSON line per event here (the folder is created when missing). */
  readonly file?: string;
  /** Also `process.send` each event when this process has an IPC channel (forked); silently off otherwise. */
  readonly ipc?: boolean;
}

/**
 * Streams {@link MetricsEvent}s to a file and/or the parent process. Each event is written before
 * the hook returns, so a reader sees batches as they finish. A broken IPC channel (parent gone)
 * is reported once as a warning and not used again; training goes on. Only the primary replica
 * streams.
 *
 * @example
 * ```ts
 * await trainer.fit(model, data, { callbacks: [new MetricsStream({ file: 'metrics.jsonl' })] });
 * ```
 */
export class MetricsStream implements Callback {
  readonly name = 'MetricsStream';
  readonly file: string | undefined;
  readonly ipc: boolean;
  #ctx: CallbackContext | undefined;
  #handle: FileHandle | undefined;
  #ipcBroken = false;
  #epoch = 0;
  #globalStep = 0;

  constructor(options: MetricsStreamOptions = {}) {
    checkOptionKeys('MetricsStream', options, ['file', 'ipc']);
    const { file, ipc = false } = options;
    if (file !== undefined && (typeof file !== 'string' || file === '')) {
      throw invalidValue('file', file, 'a file path');
    }
    if (typeof ipc !== 'boolean') throw invalidValue('ipc', ipc, 'true or false');
    if (file === undefined && !ipc) {
      throw invalidValue(
        'options',
        options,
        'a destination: `file`, `ipc: true`, or both',
        'e.g. { file: "metrics.jsonl" }',
      );
    }
    this.file = file;
    this.ipc = ipc;
  }

  setContext(context: CallbackContext): void {
    this.#ctx = context;
  }

  async onTrainBegin(): Promise<void> {
    if (!this.#active()) return;
    this.#globalStep = this.#ctx?.progress.position().globalStep ?? 0;
    if (this.file !== undefined && !this.#handle) {
      await mkdir(dirname(this.file), { recursive: true });
      this.#handle = await open(this.file, 'a');
    }
    await this.#emit({ type: 'train_begin', time: Date.now(), ...(this.#ctx ? { params: this.#ctx.params } : {}) });
  }

  async onEpochBegin(epoch: number): Promise<void> {
    this.#epoch = epoch;
    if (this.#active()) await this.#emit({ type: 'epoch_begin', time: Date.now(), epoch });
  }

  async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    this.#globalStep = this.#ctx?.progress.position().globalStep ?? this.#globalStep + 1;
    if (!this.#active()) return;
    const { time, epoch, globalStep } = { time: Date.now(), epoch: this.#epoch, globalStep: this.#globalStep };
    await this.#emit({ type: 'batch_end', time, epoch, batch, globalStep, logs: streamable(logs) });
  }

  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (!this.#active()) return;
    await this.#emit({
      type: 'epoch_end',
      time: Date.now(),
      epoch,
      globalStep: this.#globalStep,
      logs: streamable(logs),
    });
  }

  async onTrainEnd(logs?: Logs): Promise<void> {
    if (!this.#active()) return;
    const stopReason = this.#ctx?.control.stopReason;
    try {
      await this.#emit({
        type: 'train_end',
        time: Date.now(),
        ...(logs ? { logs: streamable(logs) } : {}),
        ...(stopReason ? { stopReason } : {}),
      });
    } finally {
      const handle = this.#handle;
      this.#handle = undefined;
      await handle?.close();
    }
  }

  #active(): boolean {
    return this.#ctx?.isPrimary ?? true;
  }

  async #emit(event: MetricsEvent): Promise<void> {
    if (this.#handle) await this.#handle.write(`${JSON.stringify(event)}\n`);
    if (this.ipc && !this.#ipcBroken && typeof process.send === 'function' && process.connected) {
      await new Promise<void>((resolve) => {
        process.send!(event, undefined, {}, (err: Error | null) => {
          if (err && !this.#ipcBroken) {
            this.#ipcBroken = true;
            this.#ctx?.logger.warn(`MetricsStream: IPC channel failed (${err.message}); no longer sending events.`);
          }
          resolve();
        });
      });
    }
  }
}

function streamable(logs: Logs): StreamedLogs {
  const out: StreamedLogs = {};
  for (const [key, value] of Object.entries(logs)) {
    out[key] = Number.isFinite(value) ? value : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  return out;
}
