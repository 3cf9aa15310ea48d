/**
 * Streaming per-feature statistics of a split (TFDV's DatasetFeatureStatistics, as JSON): counts,
 * missing, mean/std (Welford, population std as numpy's default), min/max, zeros, quantiles
 * (linear interpolation as numpy's default, exact up to {@link EXACT_LIMIT} values per feature, a
 * uniform reservoir sample past that), a 10-bucket histogram (a second pass), and top values /
 * unique counts for strings.
 */
import type { ExampleRecord } from '../formats/tf-example';
import { featureValues } from '../formats/tf-example';

/** Values kept per feature for exact quantiles; past this a reservoir sample of this size. */
export const EXACT_LIMIT = 1_000_000;

/** String values kept in `topValues` (the validator checks domains against them). */
export const TOP_VALUES = 1000;

/** Quantile points reported (deciles). */
export const QUANTILE_POINTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** A feature's statistics in one split. */
export interface FeatureStatistics {
  name: string;
  /** INT, FLOAT or STRING; several when records disagree (a type change). */
  types: Array<'INT' | 'FLOAT' | 'STRING'>;
  /** Examples carrying the feature. */
  count: number;
  /** Examples without it. */
  missing: number;
  /** Values over all examples (a feature may hold several per example). */
  numValues: number;
  numeric?: {
    mean: number;
    std: number;
    min: number;
    max: number;
    zeros: number;
    quantiles: number[];
    quantilesExact: boolean;
    histogram: Array<{ low: number; high: number; count: number }>;
  };
  string?: {
    unique: number;
    topValues: Array<{ value: string; frequency: number }>;
    avgLength: number;
  };
}

/** A split's statistics. */
export interface SplitStatistics {
  split: string;
  numExamples: number;
  features: FeatureStatistics[];
}

interface Acc {
  types: Set<'INT' | 'FLOAT' | 'STRING'>;
  count: number;
  numValues: number;
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  zeros: number;
  kept: number[];
  seen: number;
  strings: Map<string, number>;
  lengthSum: number;
}

/**
 * Accumulates statistics over a stream of examples; call {@link finish} with a second stream for
 * histograms (`undefined` to bucket the kept values, exact when none were sampled).
 * @example
 *   const acc = new StatisticsAccumulator();
 *   for await (const ex of readSplit(examples, 'train')) acc.add(ex);
 *   const stats = await acc.finish('train', readSplit(examples, 'train'));
 */
export class StatisticsAccumulator {
  readonly #acc = new Map<string, Acc>();
  /** @param exactLimit - values kept per feature for quantiles (default {@link EXACT_LIMIT}). */
  constructor(readonly exactLimit = EXACT_LIMIT) {}

  #examples = 0;
  #rng = 0x9e3779b9;

  add(example: ExampleRecord): void {
    this.#examples++;
    for (const [name, f] of Object.entries(example)) {
      let a = this.#acc.get(name);
      if (!a) {
        a = {
          types: new Set(),
          count: 0,
          numValues: 0,
          n: 0,
          mean: 0,
          m2: 0,
          min: Infinity,
          max: -Infinity,
          zeros: 0,
          kept: [],
          seen: 0,
          strings: new Map(),
          lengthSum: 0,
        };
        this.#acc.set(name, a);
      }
      a.types.add(f.kind === 'bytes' ? 'STRING' : f.kind === 'float' ? 'FLOAT' : 'INT');
      a.count++;
      for (const v of featureValues(f)) {
        a.numValues++;
        if (typeof v === 'string') {
          a.strings.set(v, (a.strings.get(v) ?? 0) + 1);
          a.lengthSum += v.length;
          continue;
        }
        a.n++;
        const d = v - a.mean;
        a.mean += d / a.n;
        a.m2 += d * (v - a.mean);
        if (v < a.min) a.min = v;
        if (v > a.max) a.max = v;
        if (v === 0) a.zeros++;
        a.seen++;
        if (a.kept.length < this.exactLimit) a.kept.push(v);
        else {
          const j = this.#random() % a.seen;
          if (j < this.exactLimit) a.kept[j] = v;
        }
      }
    }
  }

  /** The statistics; `second` re-streams the split to bucket every value when values were sampled. */
  async finish(split: string, second?: AsyncIterable<ExampleRecord>): Promise<SplitStatistics> {
    const sampled = [...this.#acc.values()].some((a) => a.seen > a.kept.length);
    const hist = new Map<string, number[]>();
    // numpy.histogram(values, bins=10): edges from linspace(min, max), the same index arithmetic.
    const edgesOf = (a: Acc) => {
      const step = (a.max - a.min) / 10;
      const e = Array.from({ length: 11 }, (_, i) => i * step + a.min);
      e[10] = a.max;
      return e;
    };
    const edgeCache = new Map<Acc, number[]>();
    const bucket = (a: Acc, v: number) => {
      if (a.max === a.min) return 5; // numpy widens a constant's range to ±0.5: the middle bin
      let e = edgeCache.get(a);
      if (!e) {
        e = edgesOf(a);
        edgeCache.set(a, e);
      }
      let i = Math.trunc((v - a.min) * (10 / (a.max - a.min)));
      if (i === 10) i = 9;
      if (v < e[i]!) i--;
      else if (i !== 9 && v >= e[i + 1]!) i++;
      return i;
    };
    if (sampled && second) {
      for await (const ex of second) {
        for (const [name, f] of Object.entries(ex)) {
          const a = this.#acc.get(name)!;
          if (!a || f.kind === 'bytes' || a.n === 0) continue;
          const h = hist.get(name) ?? new Array<number>(10).fill(0);
          for (const v of f.values as number[]) h[bucket(a, v)]!++;
          hist.set(name, h);
        }
      }
    }
    const features: FeatureStatistics[] = [];
    for (const [name, a] of [...this.#acc].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const fs: FeatureStatistics = {
        name,
        types: [...a.types].sort(),
        count: a.count,
        missing: this.#examples - a.count,
        numValues: a.numValues,
      };
      if (a.n > 0) {
        let h = hist.get(name);
        if (!h) {
          h = new Array<number>(10).fill(0);
          for (const v of a.kept) h[bucket(a, v)]!++;
        }
        const sorted = Float64Array.from(a.kept).sort();
        const edges =
          a.max === a.min
            ? [a.min - 0.5, ...Array.from({ length: 10 }, (_, i) => a.min - 0.5 + (i + 1) * 0.1)]
            : edgesOf(a);
        fs.numeric = {
          mean: a.mean,
          std: Math.sqrt(a.m2 / a.n),
          min: a.min,
          max: a.max,
          zeros: a.zeros,
          quantiles: QUANTILE_POINTS.map((q) => quantile(sorted, q)),
          quantilesExact: a.seen === a.kept.length,
          histogram: h.map((count, i) => ({ low: edges[i]!, high: edges[i + 1]!, count })),
        };
      }
      if (a.strings.size > 0) {
        const top = [...a.strings].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, TOP_VALUES);
        fs.string = {
          unique: a.strings.size,
          topValues: top.map(([value, frequency]) => ({ value, frequency })),
          avgLength: a.lengthSum / (a.numValues - a.n || 1),
        };
      }
      features.push(fs);
    }
    return { split, numExamples: this.#examples, features };
  }

  #random(): number {
    // xorshift32: a reproducible sample for a reproducible report.
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x >>> 0;
    return this.#rng;
  }
}

/** numpy.quantile's default ('linear'). */
function quantile(sorted: Float64Array, q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
