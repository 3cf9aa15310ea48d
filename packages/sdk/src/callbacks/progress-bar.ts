/**
 * `ProgressBar`: Keras' progress output (ProgbarLogger): a live bar per epoch on a terminal, one
 * line per epoch otherwise (logs, CI).
 */
import { SingleBar } from 'cli-progress';
import { invalidValue } from '../core/errors';
import type { Callback, Logs } from './callback';
import type { CallbackContext } from './callback-context';
import { checkOptionKeys } from './callback-options';

/** cli-progress' bar with an unref'd redraw timer: a run that dies mid-epoch must not hang the process. */
class UnrefBar extends SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer?: NodeJS.Timeout }).timer?.unref();
  }
}

/**
 * Options of {@link ProgressBar}.
 *
 * @example
 * ```ts
 * const options: ProgressBarOptions = { stream: process.stderr, ttyMode: 'plain' };
 * ```
 */
export interface ProgressBarOptions {
  /** Where to write; default `process.stdout`. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** `'auto'` (default): a bar when `stream.isTTY`; `'tty'`: always a bar; `'plain'`: always lines. */
  readonly ttyMode?: 'auto' | 'tty' | 'plain';
  /** Clock in milliseconds (tests pass a fake one); default `performance.now`. */
  readonly now?: () => number;
}

/**
 * Shows training progress. On a terminal each epoch prints `Epoch 3/10`, then a bar with
 * step/steps, ETA, time per step and the running metrics, which ends as the epoch's final line
 * (with `val_*` metrics). Elsewhere, one line per epoch:
 * `Epoch 3/10 - 12ms/step - loss: 0.1234 - accuracy: 0.9500 - val_loss: 0.2000`. Numbers use
 * Keras' format (4 decimals, or exponent form at or below 1e-3). `verbose: 0` in the run's params
 * silences it, `verbose: 2` forces lines; only the primary replica prints.
 *
 * @example
 * ```ts
 * await trainer.fit(model, data, { epochs: 10, callbacks: [new ProgressBar({ ttyMode: 'plain' })] });
 * // Epoch 1/10 - 3ms/step - loss: 0.6931 - accuracy: 0.5000
 * ```
 */
export class ProgressBar implements Callback {
  readonly name = 'ProgressBar';
  readonly #stream: NonNullable<ProgressBarOptions['stream']>;
  readonly #ttyMode: 'auto' | 'tty' | 'plain';
  readonly #now: () => number;
  #ctx: CallbackContext | undefined;
  #bar: UnrefBar | undefined;
  #epochStart = 0;
  #lastBatchEnd = 0;
  #steps = 0;

  constructor(options: ProgressBarOptions = {}) {
    checkOptionKeys('ProgressBar', options, ['stream', 'ttyMode', 'now']);
    const { stream = process.stdout, ttyMode = 'auto', now = () => performance.now() } = options;
    if (typeof stream?.write !== 'function') throw invalidValue('stream', stream, 'a writable stream');
    if (!['auto', 'tty', 'plain'].includes(ttyMode)) throw invalidValue('ttyMode', ttyMode, '"auto", "tty" or "plain"');
    if (typeof now !== 'function') throw invalidValue('now', now, 'a function returning milliseconds');
    this.#stream = stream;
    this.#ttyMode = ttyMode;
    this.#now = now;
  }

  setContext(context: CallbackContext): void {
    this.#ctx = context;
  }

  onEpochBegin(epoch: number): void {
    this.#epochStart = this.#now();
    this.#lastBatchEnd = this.#epochStart;
    this.#steps = 0;
    if (!this.#live()) return;
    this.#stream.write(`${epochTitle(epoch, this.#ctx)}\n`);
    const total = this.#ctx?.params.steps;
    this.#bar = new UnrefBar({
      stream: this.#stream,
      noTTYOutput: this.#ttyMode === 'tty', // a forced bar renders even when isTTY is false
      linewrap: true,
      clearOnComplete: true,
      format: (_options, params, payload: { line: string }) => `${progress(params.value, total)}${payload.line}`,
    });
    this.#bar.start(total ?? 0, 0, { line: '' });
  }

  onTrainBatchEnd(_batch: number, logs: Logs = {}): void {
    this.#steps++;
    this.#lastBatchEnd = this.#now();
    if (!this.#bar) return;
    const total = this.#ctx?.params.steps;
    const perStep = (this.#lastBatchEnd - this.#epochStart) / this.#steps;
    const eta =
      total !== undefined && total > this.#steps ? ` ETA ${formatEta(((total - this.#steps) * perStep) / 1000)}` : '';
    this.#bar.update(this.#steps, { line: `${eta} ${formatStepTime(perStep)}${formatLogs(logs)}` });
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const perStep = this.#steps > 0 ? (this.#lastBatchEnd - this.#epochStart) / this.#steps : 0;
    if (this.#bar) {
      // The live line is cut at the terminal width; the final one is written whole, so it wraps
      // instead of losing the val_* metrics.
      this.#stopBar();
      const seconds = Math.round((this.#now() - this.#epochStart) / 1000);
      const total = this.#ctx?.params.steps;
      this.#stream.write(`${progress(this.#steps, total)} ${seconds}s ${formatStepTime(perStep)}${formatLogs(logs)}\n`);
    } else if (this.#enabled()) {
      this.#stream.write(`${epochTitle(epoch, this.#ctx)} - ${formatStepTime(perStep)}${formatLogs(logs)}\n`);
    }
  }

  onTrainEnd(): void {
    if (!this.#bar) return;
    // Training stopped mid-epoch: keep the last state on screen.
    this.#stopBar();
    this.#stream.write(`${progress(this.#steps, this.#ctx?.params.steps)}\n`);
  }

  #stopBar(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }

  #enabled(): boolean {
    return (this.#ctx?.isPrimary ?? true) && this.#ctx?.params.verbose !== 0;
  }

  #live(): boolean {
    if (!this.#enabled() || this.#ttyMode === 'plain' || this.#ctx?.params.verbose === 2) return false;
    return this.#ttyMode === 'tty' || this.#stream.isTTY === true;
  }
}

function epochTitle(epoch: number, ctx: CallbackContext | undefined): string {
  return ctx ? `Epoch ${epoch + 1}/${ctx.params.epochs}` : `Epoch ${epoch + 1}`;
}

function progress(value: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `${value}/Unknown`;
  const width = 30;
  const done = Math.min(width, Math.floor((width * value) / total));
  return `${String(value).padStart(String(total).length)}/${total} [${'='.repeat(done)}${'.'.repeat(width - done)}]`;
}

/** Keras' `Progbar` number format: `%.4f`, or `%.4e` when |v| <= 1e-3. */
function formatMetric(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Math.abs(value) > 1e-3) return value.toFixed(4);
  return value.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([name, value]) => ` - ${name}: ${formatMetric(value)}`)
    .join('');
}

/** Keras' `_format_time`: `s/step` from 1 s, `ms/step` from 1 ms, else `us/step`. */
function formatStepTime(ms: number): string {
  if (ms >= 1000 || ms === 0) return `${Math.round(ms / 1000)}s/step`;
  if (ms >= 1) return `${Math.round(ms)}ms/step`;
  return `${Math.round(ms * 1000)}us/step`;
}

function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${pad2(s % 60)}`;
  return `${s}s`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
