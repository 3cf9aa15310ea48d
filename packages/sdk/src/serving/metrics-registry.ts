/**
 * TensorFlow-monitoring-style metrics (counters, gauges, histograms with fixed bucket limits)
 * rendered in Prometheus text format exactly as TF Serving's `PrometheusExporter` does: names are
 * the TF names with every character outside `[a-zA-Z0-9_]` turned into `:`, one `# TYPE` line per
 * metric, metrics sorted by TF name, cells by label values, a histogram bucket counting values
 * strictly below its limit, the last bucket `+Inf`, doubles printed with six significant digits.
 * Hand-written rather than prom-client: that one cannot produce TF's names, `{}` on unlabelled
 * samples or TF's bucket rule, and this is ~150 lines with no dependency.
 */

type Kind = 'counter' | 'gauge' | 'histogram';

interface Cell {
  labels: string[];
  value: number;
  /** Histogram only: per-bucket counts (not cumulative) and the sum of observations. */
  counts?: number[];
  sum?: number;
}

interface Metric {
  tfName: string;
  kind: Kind;
  labelNames: readonly string[];
  limits?: readonly number[];
  cells: Map<string, Cell>;
  /** The same cells by one label value per level (no joined key to build and hash per update). */
  index: Map<string, unknown>;
}

/**
 * A counter or gauge bound to its registry.
 * @example
 *   registry.counter('/tensorflow/serving/request_count', ['model_name', 'status']).inc(['m', 'OK']);
 */
export interface ScalarMetric {
  /** Adds `by` (default 1) to the cell of `labels` (values in label-name order). */
  inc(labels: readonly string[], by?: number): void;
  /** Sets the cell of `labels` (gauges). */
  set(labels: readonly string[], value: number): void;
}

/**
 * A histogram bound to its registry.
 * @example
 *   registry.histogram('/x/latency', ['model'], [10, 100]).observe(['m'], 42);
 */
export interface HistogramMetric {
  observe(labels: readonly string[], value: number): void;
}

/**
 * TF's `Buckets::Exponential(scale, growth, count)`: `count` limits from `scale` by `growth`;
 * the registry appends the +Inf bucket.
 * @example
 *   exponentialBuckets(10, 1.8, 3); // [10, 18, 32.4]
 */
export function exponentialBuckets(scale: number, growth: number, count: number): number[] {
  const out: number[] = [];
  let bound = scale;
  for (let i = 0; i < count; i++, bound *= growth) out.push(bound);
  return out;
}

/**
 * TF's metric name → Prometheus name (`/tensorflow/serving/request_count` → `:tensorflow:serving:request_count`).
 * @example
 *   prometheusName('/tensorflow/serving/request_count');
 */
export function prometheusName(tfName: string): string {
  const name = tfName.replace(/[^a-zA-Z0-9_]/g, ':');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/**
 * A double as absl's `StrCat` prints it (C's `%.6g`): `32.4`, `1.5e+06`, `0.0001`.
 * @example
 *   formatDouble(1889568); // '1.88957e+06'
 */
export function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const [mantissa, exponent] = v.toExponential(5).split('e') as [string, string];
  const exp = Number(exponent);
  const strip = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 6) {
    return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(v.toFixed(5 - exp));
}

/**
 * A set of metrics that renders as one Prometheus page.
 * @example
 *   const r = new MetricsRegistry();
 *   r.counter('/tensorflow/serving/request_count', ['model_name', 'status']).inc(['m', 'OK']);
 *   r.render(); // '# TYPE :tensorflow:serving:request_count counter\n:tensorflow:serving:request_count{model_name="m",status="OK"} 1\n'
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Array<() => void> = [];

  counter(tfName: string, labelNames: readonly string[]): ScalarMetric {
    return this.scalar(this.define(tfName, 'counter', labelNames));
  }

  gauge(tfName: string, labelNames: readonly string[]): ScalarMetric {
    return this.scalar(this.define(tfName, 'gauge', labelNames));
  }

  /** `limits` ascending; a final +Inf bucket is implied. */
  histogram(tfName: string, labelNames: readonly string[], limits: readonly number[]): HistogramMetric {
    const metric = this.define(tfName, 'histogram', labelNames, limits);
    return {
      observe: (labels, value) => {
        const cell = this.cell(metric, labels);
        // TF puts a value in the first bucket whose limit is greater (upper_bound).
        let i = 0;
        while (i < limits.length && limits[i]! <= value) i++;
        cell.counts![i]!++;
        cell.sum! += value;
        cell.value++;
      },
    };
  }

  /** Runs `collect` before every render (for gauges read from live state, e.g. version states). */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** The Prometheus text page. */
  render(): string {
    for (const collect of this.collectors) collect();
    const lines: string[] = [];
    const sorted = [...this.metrics.values()].sort((a, b) => (a.tfName < b.tfName ? -1 : a.tfName > b.tfName ? 1 : 0));
    for (const metric of sorted) {
      const name = prometheusName(metric.tfName);
      lines.push(`# TYPE ${name} ${metric.kind}`);
      const cells = [...metric.cells.values()].sort((a, b) => compareLabels(a.labels, b.labels));
      for (const cell of cells) {
        const labels = metric.labelNames.map((n, i) => `${sanitizeLabelName(n)}="${escapeValue(cell.labels[i]!)}"`);
        if (metric.kind !== 'histogram') {
          lines.push(`${name}{${labels.join(',')}} ${Math.trunc(cell.value)}`);
          continue;
        }
        const prefix = `${name}_bucket{${labels.join(',')}${labels.length > 0 ? ',' : ''}`;
        let cumulative = 0;
        cell.counts!.forEach((count, i) => {
          cumulative += count;
          const le = i < metric.limits!.length ? formatDouble(metric.limits![i]!) : '+Inf';
          lines.push(`${prefix}le="${le}"} ${cumulative}`);
        });
        lines.push(`${name}_sum{${labels.join(',')}} ${formatDouble(cell.sum!)}`);
        lines.push(`${name}_count{${labels.join(',')}} ${cumulative}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private define(tfName: string, kind: Kind, labelNames: readonly string[], limits?: readonly number[]): Metric {
    const existing = this.metrics.get(tfName);
    if (existing) return existing;
    const metric: Metric = {
      tfName,
      kind,
      labelNames,
      cells: new Map(),
      index: new Map(),
      ...(limits ? { limits } : {}),
    };
    this.metrics.set(tfName, metric);
    return metric;
  }

  private scalar(metric: Metric): ScalarMetric {
    return {
      inc: (labels, by = 1) => {
        this.cell(metric, labels).value += by;
      },
      set: (labels, value) => {
        this.cell(metric, labels).value = value;
      },
    };
  }

  private cell(metric: Metric, labels: readonly string[]): Cell {
    // Every request updates a few cells: walk one map per label instead of joining a key.
    let level = metric.index;
    const last = labels.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(labels[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(labels[i]!, next);
      }
      level = next;
    }
    const leaf = last < 0 ? '' : labels[last]!;
    let cell = level.get(leaf) as Cell | undefined;
    if (!cell) {
      cell = { labels: [...labels], value: 0 };
      if (metric.kind === 'histogram') {
        cell.counts = new Array<number>(metric.limits!.length + 1).fill(0);
        cell.sum = 0;
      }
      metric.cells.set(labels.join('\u0000'), cell);
      level.set(leaf, cell);
    }
    return cell;
  }
}

function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function sanitizeLabelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
