/**
 * The fitted transform (TFX's transform_fn, as JSON): per input feature a z-score, min-max,
 * vocabulary (one-hot, with out-of-vocabulary buckets), bucketize (one-hot over quantile or given
 * boundaries) or hash (one-hot over hash buckets) mapping to a dense float vector, plus the label's
 * vocabulary. One function applies it in the Trainer and the Evaluator; the exported SavedModel
 * runs the same transform as graph ops (./transform-graph), hashing with the same FarmHash.
 */

import type { ExampleRecord } from '../formats/tf-example';
import { featureValues } from '../formats/tf-example';
import { hashBucket } from './farmhash';

/**
 * How to transform one feature (what a pipeline asks for). z-score, min-max and bucketize take
 * numeric features, vocabulary and hash string ones (the served graph takes them as strings).
 * A missing value becomes 0 here; the served signature needs every feature in every instance.
 * @example
 *   const spec: TransformSpec = { op: 'bucketize', numBuckets: 4 };
 */
export type TransformSpec =
  | { op: 'zscore' }
  | { op: 'minmax' }
  | { op: 'vocabulary'; topK?: number; numOovBuckets?: number }
  | { op: 'bucketize'; numBuckets?: number; boundaries?: number[] }
  | { op: 'hash'; hashBuckets: number };

/**
 * A fitted feature transform.
 * @example
 *   const f: FittedFeature = { name: 'x', op: 'zscore', mean: 5.8, std: 0.83 };
 */
export type FittedFeature =
  | { name: string; op: 'zscore'; mean: number; std: number }
  | { name: string; op: 'minmax'; min: number; max: number }
  | { name: string; op: 'vocabulary'; vocabulary: string[]; numOovBuckets: number }
  | { name: string; op: 'bucketize'; boundaries: number[] }
  | { name: string; op: 'hash'; hashBuckets: number };

/**
 * The fitted transform saved as `transform.json` in a TransformGraph artifact.
 * @example
 *   const t: TransformFn = JSON.parse(fs.readFileSync('transform.json', 'utf8'));
 */
export interface TransformFn {
  features: FittedFeature[];
  label?: { name: string; vocabulary?: string[] };
  /** Length of the vector {@link applyTransform} makes. */
  outputDim: number;
}

/** Width of a fitted feature's output. */
export function featureWidth(f: FittedFeature): number {
  if (f.op === 'zscore' || f.op === 'minmax') return 1;
  if (f.op === 'vocabulary') return f.vocabulary.length + f.numOovBuckets;
  if (f.op === 'bucketize') return f.boundaries.length + 1;
  return f.hashBuckets;
}

/**
 * The model input vector for one example (missing numeric values become the mean / min, i.e. 0).
 * @example
 *   applyTransform(fn, { sepal_length: { kind: 'float', values: [5.1] } }); // [-0.9]
 */
export function applyTransform(fn: TransformFn, example: ExampleRecord): number[] {
  const out: number[] = [];
  for (const f of fn.features) {
    const raw = example[f.name] ? featureValues(example[f.name]!)[0] : undefined;
    if (f.op === 'zscore') out.push(raw === undefined ? 0 : (Number(raw) - f.mean) / (f.std || 1));
    else if (f.op === 'minmax') out.push(raw === undefined ? 0 : (Number(raw) - f.min) / (f.max - f.min || 1));
    else {
      const width = featureWidth(f);
      const onehot = new Array<number>(width).fill(0);
      let index = -1;
      if (raw !== undefined) {
        if (f.op === 'vocabulary') {
          index = f.vocabulary.indexOf(String(raw));
          if (index < 0 && f.numOovBuckets > 0) index = f.vocabulary.length + hashBucket(String(raw), f.numOovBuckets);
        } else if (f.op === 'bucketize') {
          index = f.boundaries.filter((b) => Number(raw) >= b).length;
        } else index = hashBucket(String(raw), f.hashBuckets);
      }
      if (index >= 0) onehot[index] = 1;
      out.push(...onehot);
    }
  }
  return out;
}

/**
 * The label as a number: its index in the label vocabulary, or the numeric value itself.
 * @example
 *   transformLabel(fn, example); // 2 for 'virginica'
 */
export function transformLabel(fn: TransformFn, example: ExampleRecord): number | undefined {
  if (!fn.label) return undefined;
  const f = example[fn.label.name];
  const v = f ? featureValues(f)[0] : undefined;
  if (v === undefined) return undefined;
  if (fn.label.vocabulary) {
    const i = fn.label.vocabulary.indexOf(String(v));
    return i < 0 ? undefined : i;
  }
  return Number(v);
}
