/**
 * TensorBoard event files (`events.out.tfevents.*`): a TFRecord file of `tensorflow.Event`
 * protos, the first one carrying `file_version: "brain.Event:2"`.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { invalidValue, TfscaleError } from '../core/errors';
import { computeHistogram } from './histogram';
import {
  DataType,
  type EventMessage,
  encodeEvent,
  type SummaryMetadataMessage,
  type SummaryValueMessage,
} from './proto/tensorboard-messages';
import { TfRecordWriter } from './tfrecord';

/** Distinguishes writers opened by this process in the same second. */
let fileCounter = 0;

/**
 * Options for {@link EventFileWriter}.
 *
 * @example
 * ```ts
 * new EventFileWriter('logs/train', { flushMillis: 500, filenameSuffix: '.v2' });
 * ```
 */
export interface EventFileWriterOptions {
  /** Buffered events are written at least this often (ms; default 2000). */
  readonly flushMillis?: number;
  /** Appended to the file name, e.g. `.v2`. */
  readonly filenameSuffix?: string;
}

/**
 * The current time as TensorBoard wants it: seconds since the Unix epoch, as a double.
 *
 * @example
 * ```ts
 * writer.addScalar('epoch_loss', 0.3, 1, wallTimeNow());
 * ```
 */
export function wallTimeNow(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/**
 * Writes one events file in `logDir` named
 * `events.out.tfevents.<unix seconds, 10 digits>.<hostname>.<pid>.<n><suffix>`. The file is
 * created, with its `brain.Event:2` header, right away; `add*` calls buffer in memory and are
 * written on {@link flush}, {@link close} and every `flushMillis` (the timer never keeps the
 * process alive). A failed background write is reported by the next `flush`/`close`.
 *
 * @example
 * ```ts
 * const writer = new EventFileWriter('logs/train');
 * writer.addScalar('epoch_loss', 0.25, 0);
 * writer.addHistogram('dense/kernel/histogram', kernel.dataSync(), 0);
 * await writer.close();
 * ```
 */
export class EventFileWriter {
  readonly path: string;
  readonly #writer: Promise<TfRecordWriter>;
  readonly #timer: NodeJS.Timeout;
  #pending: Uint8Array[] = [];
  #error: unknown;
  #closing: Promise<void> | undefined;

  constructor(
    readonly logDir: string,
    options: EventFileWriterOptions = {},
  ) {
    const flushMillis = options.flushMillis ?? 2000;
    if (typeof flushMillis !== 'number' || !(flushMillis > 0)) {
      throw invalidValue('flushMillis', flushMillis, 'a positive number of milliseconds');
    }
    mkdirSync(logDir, { recursive: true });
    const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    const name = `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}`;
    this.path = join(logDir, `${name}${options.filenameSuffix ?? ''}`);
    this.#writer = TfRecordWriter.open(this.path);
    this.add({ fileVersion: 'brain.Event:2' });
    this.#background();
    this.#timer = setInterval(() => this.#background(), flushMillis);
    this.#timer.unref();
  }

  /** Buffers an event; `wallTime` defaults to now. */
  add(event: EventMessage): void {
    if (this.#closing) {
      throw new TfscaleError('TFSCALE_E_WRITER_CLOSED', `Cannot add an event to ${this.path}: the writer is closed.`);
    }
    this.#pending.push(encodeEvent({ wallTime: wallTimeNow(), ...event }));
  }

  /** Buffers one summary value at `step`. */
  addSummaryValue(value: SummaryValueMessage, step: number, wallTime?: number): void {
    checkStep(step);
    this.add({ step, summary: { value: [value] }, ...(wallTime === undefined ? {} : { wallTime }) });
  }

  /** A scalar (`simple_value`, stored as float32), shown by TensorBoard's Scalars dashboard. */
  addScalar(tag: string, value: number, step: number, wallTime?: number): void {
    if (typeof value !== 'number') throw invalidValue(`${tag} value`, value, 'a number');
    this.addSummaryValue({ tag, simpleValue: value }, step, wallTime);
  }

  /**
   * A histogram of `values` with TensorFlow's default buckets (see `computeHistogram`), shown by
   * the Histograms and Distributions dashboards. Throws on NaN/Infinity, like TensorFlow.
   */
  addHistogram(tag: string, values: ArrayLike<number>, step: number, wallTime?: number): void {
    this.addSummaryValue({ tag, histo: computeHistogram(values, { name: tag }) }, step, wallTime);
  }

  /** Markdown text for TensorBoard's Text dashboard (a scalar DT_STRING tensor, plugin `text`). */
  addText(tag: string, text: string, step: number, wallTime?: number): void {
    const metadata: SummaryMetadataMessage = { pluginData: { pluginName: 'text', content: new Uint8Array() } };
    const tensor = { dtype: DataType.DT_STRING, tensorShape: {}, stringVal: [Buffer.from(text, 'utf8')] };
    this.addSummaryValue({ tag, metadata, tensor }, step, wallTime);
  }

  /** Writes every buffered event to the file. */
  async flush(): Promise<void> {
    const writer = await this.#writer;
    if (this.#error !== undefined) throw this.#error;
    for (const record of this.#pending) writer.write(record);
    this.#pending = [];
    await writer.flush();
  }

  /** Flushes, stops the timer and closes the file; later calls return the same promise. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      try {
        await this.flush();
      } finally {
        await (await this.#writer.catch(() => undefined))?.close();
      }
    })();
    return this.#closing;
  }

  #background(): void {
    this.flush().catch((err: unknown) => {
      this.#error ??= err;
    });
  }
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) throw invalidValue('step', step, 'a non-negative integer');
}
