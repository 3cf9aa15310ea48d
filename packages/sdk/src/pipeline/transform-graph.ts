/**
 * The fitted transform as TensorFlow graph ops in front of the model (TF Transform's
 * transform_fn in the serving graph): the SavedModel's signature takes the RAW features, one
 * named input per feature (float for z-score, min-max and bucketize; string for vocabulary and
 * hash), and computes exactly what {@link applyTransform} computes in TypeScript:
 * - z-score / min-max: in float64 (as TypeScript does), then float32;
 * - vocabulary: `Equal` against the vocabulary constant (one-hot), out-of-vocabulary values to
 *   `StringToHashBucketFast(num_oov_buckets)` after it (TFX's num_oov_buckets);
 * - bucketize: the count of boundaries ≤ x (`GreaterEqual` in float64, `Sum`), one-hot;
 * - hash: `StringToHashBucketFast` (FarmHash Fingerprint64, as {@link hashBucket}), one-hot.
 */
import { attrValue } from '../export/graph/attrs';
import type { GraphBuilder, TensorRef } from '../export/graph/graph-builder';
import { type GraphSignatureTensor, type ServingInputFn, tfName } from '../export/graph/model-graph';
import type { FittedFeature, TransformFn } from './transform-fn';

/**
 * The dtype a feature's raw serving input has.
 * @example
 *   rawInputDType({ name: 'color', op: 'hash', hashBuckets: 8 }); // 'string'
 */
export function rawInputDType(f: FittedFeature): 'float32' | 'string' {
  return f.op === 'vocabulary' || f.op === 'hash' ? 'string' : 'float32';
}

/**
 * A serving input function (for `exporterOptions.savedmodel.servingInput`) that takes each raw
 * feature as a `[batch]` placeholder named after it and feeds the model the `[batch, outputDim]`
 * transformed vector.
 * @example
 *   await exportModel(container, model, { formats: ['savedmodel'], base, exporterOptions: { savedmodel: { servingInput: transformServingInput(fn) } } });
 */
export function transformServingInput(fn: TransformFn): ServingInputFn {
  return (g) => {
    const inputs: GraphSignatureTensor[] = fn.features.map((f) => ({
      key: f.name,
      tensor: g.placeholder(tfName(f.name), rawInputDType(f), [null]),
      shape: [null],
    }));
    const parts = g.withScope('transform', () =>
      fn.features.map((f, i) => g.withScope(tfName(f.name), () => featureGraph(g, f, inputs[i]!.tensor))),
    );
    const features =
      parts.length === 1
        ? g.op1('Identity', parts, {}, { name: 'transformed' })
        : g.op1('ConcatV2', [...parts, int32(g, 1)], {}, { name: 'transformed' });
    return { inputs, features: [features] };
  };
}

function int32(g: GraphBuilder, v: number | number[]): TensorRef {
  return Array.isArray(v) ? g.constant(v, 'int32', [v.length]) : g.constant([v], 'int32', []);
}

function float32(g: GraphBuilder, v: number): TensorRef {
  return g.constant([v], 'float32', []);
}

function cast(g: GraphBuilder, x: TensorRef, to: 'float32' | 'float64' | 'int32'): TensorRef {
  return g.op1('Cast', [x], { DstT: attrValue.type(to) });
}

/** `[batch]` → `[batch, 1]`. */
function column(g: GraphBuilder, x: TensorRef): TensorRef {
  return g.op1('ExpandDims', [x, int32(g, -1)]);
}

function oneHot(g: GraphBuilder, index: TensorRef, depth: number): TensorRef {
  return g.op1('OneHot', [index, int32(g, depth), float32(g, 1), float32(g, 0)]);
}

/** `(x - shift) / scale` in float64, then float32, as a `[batch, 1]` column. */
function affine(g: GraphBuilder, x: TensorRef, shift: number, scale: number): TensorRef {
  const d = cast(g, x, 'float64');
  const y = g.op1('RealDiv', [
    g.op1('Sub', [d, g.constant([shift], 'float64', [])]),
    g.constant([scale], 'float64', []),
  ]);
  return column(g, cast(g, y, 'float32'));
}

function featureGraph(g: GraphBuilder, f: FittedFeature, x: TensorRef): TensorRef {
  switch (f.op) {
    case 'zscore':
      return affine(g, x, f.mean, f.std || 1);
    case 'minmax':
      return affine(g, x, f.min, f.max - f.min || 1);
    case 'bucketize': {
      const ge = g.op1('GreaterEqual', [
        column(g, cast(g, x, 'float64')),
        g.constant(f.boundaries, 'float64', [f.boundaries.length]),
      ]);
      const index = g.op1('Sum', [cast(g, ge, 'int32'), int32(g, [1])]);
      return oneHot(g, index, f.boundaries.length + 1);
    }
    case 'hash':
      return oneHot(g, hashBuckets(g, x, f.hashBuckets), f.hashBuckets);
    case 'vocabulary': {
      const vocab = g.constant(f.vocabulary, 'string', [f.vocabulary.length], 'vocabulary');
      const known = cast(g, g.op1('Equal', [column(g, x), vocab]), 'float32');
      if (f.numOovBuckets === 0) return known;
      const inVocab = g.op1('Sum', [known, int32(g, [1])], { keep_dims: attrValue.b(true) });
      const oov = g.op1('Mul', [
        oneHot(g, hashBuckets(g, x, f.numOovBuckets), f.numOovBuckets),
        g.op1('Sub', [float32(g, 1), inVocab]),
      ]);
      return g.op1('ConcatV2', [known, oov, int32(g, 1)]);
    }
  }
}

function hashBuckets(g: GraphBuilder, x: TensorRef, n: number): TensorRef {
  return g.op1('StringToHashBucketFast', [x], { num_buckets: attrValue.i(n) });
}
