import type { MetricsEvent, StreamedLogs } from './messages';

/**
 * One chart's data: x values and one y array per series (`null` for gaps, as uPlot wants).
 * @example
 *   const data: ChartData = series.epochChart('loss');
 */
export interface ChartData {
  /** The metric, e.g. `loss` (its `val_loss` is a second series). */
  metric: string;
  x: number[];
  series: { label: string; values: (number | null)[] }[];
}

/**
 * Per-epoch (train vs val) and per-batch series built from MetricsStream events, incrementally.
 * @example
 *   const s = new MetricsSeries();
 *   s.add(events);
 *   s.epochChart('loss'); // { x: [1, 2], series: [{ label: 'loss', ... }, { label: 'val_loss', ... }] }
 */
export class MetricsSeries {
  readonly #epochs = new Map<number, StreamedLogs>();
  readonly #batches: { step: number; logs: StreamedLogs }[] = [];
  #ended = false;
  #stopReason: string | undefined;

  /** Adds events in stream order. A resumed run repeats an epoch: the later values win. */
  add(events: readonly MetricsEvent[]): void {
    for (const e of events) {
      if (e.type === 'epoch_end') this.#epochs.set(e.epoch, e.logs);
      else if (e.type === 'batch_end') this.#batches.push({ step: e.globalStep, logs: e.logs });
      else if (e.type === 'train_end') {
        this.#ended = true;
        this.#stopReason = e.stopReason;
      } else if (e.type === 'train_begin') this.#ended = false;
    }
  }

  get ended(): boolean {
    return this.#ended;
  }

  get stopReason(): string | undefined {
    return this.#stopReason;
  }

  /** Base metric names (no `val_` prefix, no `lr`), in first-seen order. */
  metrics(): string[] {
    const names = new Set<string>();
    const visit = (logs: StreamedLogs) => {
      for (const k of Object.keys(logs)) if (k !== 'lr') names.add(k.startsWith('val_') ? k.slice(4) : k);
    };
    for (const b of this.#batches) visit(b.logs);
    for (const logs of this.#epochs.values()) visit(logs);
    return [...names];
  }

  /** Train and validation values per epoch (x is 1-based, as Keras prints epochs). */
  epochChart(metric: string): ChartData {
    const epochs = [...this.#epochs.keys()].sort((a, b) => a - b);
    const pick = (key: string) => epochs.map((e) => toNumber(this.#epochs.get(e)?.[key]));
    const series = [{ label: metric, values: pick(metric) }];
    if (epochs.some((e) => this.#epochs.get(e)?.[`val_${metric}`] !== undefined)) {
      series.push({ label: `val_${metric}`, values: pick(`val_${metric}`) });
    }
    return { metric, x: epochs.map((e) => e + 1), series };
  }

  /** Running mean within each epoch, per batch, against the global step. */
  batchChart(metric: string): ChartData {
    const rows = this.#batches.filter((b) => b.logs[metric] !== undefined);
    return {
      metric,
      x: rows.map((b) => b.step),
      series: [{ label: metric, values: rows.map((b) => toNumber(b.logs[metric])) }],
    };
  }
}

function toNumber(v: StreamedLogs[string] | undefined): number | null {
  if (v === undefined) return null;
  if (typeof v === 'number') return v;
  return null; // NaN / infinities are gaps in a chart
}

/**
 * Splits appended file text into complete JSON-line events; returns the unfinished tail to keep.
 * Lines that are not JSON (a torn write) are skipped.
 * @example
 *   const { events, rest } = parseMetricsLines(buffered + chunk);
 */
export function parseMetricsLines(text: string): { events: MetricsEvent[]; rest: string } {
  const end = text.lastIndexOf('\n');
  const complete = end < 0 ? '' : text.slice(0, end);
  const rest = end < 0 ? text : text.slice(end + 1);
  const events: MetricsEvent[] = [];
  for (const line of complete.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as MetricsEvent);
    } catch {
      // skipped: not a whole event
    }
  }
  return { events, rest };
}
