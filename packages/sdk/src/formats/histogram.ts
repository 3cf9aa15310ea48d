/**
 * TensorFlow's legacy histogram (tsl/lib/histogram/histogram.cc), the `histo` field of a summary
 * value that TensorBoard's EventAccumulator returns from `Histograms()`.
 */
import { invalidValue } from '../core/errors';
import type { HistogramMessage } from './proto/tensorboard-messages';

let defaultLimits: readonly number[] | undefined;

/**
 * TensorFlow's default bucket limits (`InitDefaultBucketsInner`): ±1e-12 growing by ×1.1 up to
 * 1e20 on both sides, then ±DBL_MAX, with 0 in the middle — 1551 limits, ascending.
 *
 * @example
 * ```ts
 * defaultBucketLimits().length; // 1551
 * ```
 */
export function defaultBucketLimits(): readonly number[] {
  if (defaultLimits) return defaultLimits;
  const positive: number[] = [];
  // Same double arithmetic as the C++ loop, so every limit is bit-identical to TensorFlow's.
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(Number.MAX_VALUE);
  const negative = positive.map((v) => -v).reverse();
  defaultLimits = Object.freeze([...negative, 0, ...positive]);
  return defaultLimits;
}

/** First index whose limit is greater than `value` (`std::upper_bound`). */
function upperBound(limits: readonly number[], value: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Options for {@link computeHistogram}.
 *
 * @example
 * ```ts
 * computeHistogram(values, { preserveZeroBuckets: true });
 * ```
 */
export interface HistogramOptions {
  /** Keep every empty bucket; by default runs of empty buckets collapse into one, as TF's summary op does. */
  readonly preserveZeroBuckets?: boolean;
  /** Name used in the error for a non-finite value. */
  readonly name?: string;
}

/**
 * Builds the HistogramProto TensorFlow's `HistogramSummary` op would write for `values`
 * (`Histogram::Add` then `EncodeToProto(preserve_zero_buckets=false)`): same bucket limits,
 * same summation order, so the result is bit-identical. Non-finite values are refused, as TF
 * refuses them ("Nan in summary histogram").
 *
 * @example
 * ```ts
 * const h = computeHistogram(new Float32Array([0.5, -1, 2]));
 * h.num; // 3
 * ```
 */
export function computeHistogram(values: ArrayLike<number>, options: HistogramOptions = {}): HistogramMessage {
  const limits = defaultBucketLimits();
  const counts = new Float64Array(limits.length);
  let min = limits[limits.length - 1]!;
  let max = -Number.MAX_VALUE;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      const name = options.name ?? 'values';
      throw invalidValue(
        `${name}[${i}]`,
        value,
        'a finite number (TensorBoard histograms cannot hold NaN or Infinity)',
      );
    }
    counts[Math.min(upperBound(limits, value), limits.length - 1)]! += 1;
    if (min > value) min = value;
    if (max < value) max = value;
    sum += value;
    sumSquares += value * value;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i]!;
    let count = counts[i]!;
    i++;
    if (!options.preserveZeroBuckets && count <= 0) {
      while (i < counts.length && counts[i]! <= 0) {
        end = limits[i]!;
        count = counts[i]!;
        i++;
      }
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}
