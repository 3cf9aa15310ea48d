/**
 * tfjs-layers' losses and metrics as TensorFlow ops, op for op in tfjs' order (losses.js,
 * metrics.js of tfjs-layers 4.22) so the compiled step computes what `model.fit` computes.
 */
import { attrValue } from '../../export/graph/attrs';
import type { GraphBuilder, TensorRef } from '../../export/graph/graph-builder';

/** tfjs' `epsilon()` for float32. */
const EPSILON = 1e-7;

/** A per-sample loss or metric: (graph, yTrue, yPred) -> tensor reduced over the last axis. */
export type GraphMetric = (g: GraphBuilder, yTrue: TensorRef, yPred: TensorRef) => TensorRef;

const f32 = (g: GraphBuilder, v: number) => g.constant(Float32Array.of(v), 'float32', []);
const i32 = (g: GraphBuilder, v: number) => g.constant(Int32Array.of(v), 'int32', []);
const last = (g: GraphBuilder) => i32(g, -1);
const cast = (g: GraphBuilder, x: TensorRef, to: 'float32' | 'int32') =>
  x.dtype === to ? x : g.op1('Cast', [x], { DstT: attrValue.type(to) });

/** tfjs' clipByValue (gradient passes where min <= x <= max, as tfjs' and TF's ClipByValue). */
function clip(g: GraphBuilder, x: TensorRef, min: number, max: number): TensorRef {
  return g.op1('Maximum', [g.op1('Minimum', [x, f32(g, max)]), f32(g, min)]);
}

const meanSquaredError: GraphMetric = (g, t, p) =>
  g.op1('Mean', [g.op1('Square', [g.op1('Sub', [p, cast(g, t, 'float32')])]), last(g)]);

const meanAbsoluteError: GraphMetric = (g, t, p) =>
  g.op1('Mean', [g.op1('Abs', [g.op1('Sub', [p, cast(g, t, 'float32')])]), last(g)]);

const categoricalCrossentropy: GraphMetric = (g, t, p) => {
  const sum = g.op1('Sum', [p, last(g)], { keep_dims: attrValue.b(true) });
  const out = clip(g, g.op1('RealDiv', [p, sum]), EPSILON, 1 - EPSILON);
  return g.op1('Neg', [g.op1('Sum', [g.op1('Mul', [cast(g, t, 'float32'), g.op1('Log', [out])]), last(g)])]);
};

const sparseCategoricalCrossentropy: GraphMetric = (g, t, p) => {
  const flat = g.op1('Reshape', [t, g.constant(Int32Array.of(-1), 'int32', [1])]);
  const labels = t.dtype === 'int32' ? flat : cast(g, g.op1('Floor', [flat]), 'int32');
  const out = clip(g, p, EPSILON, 1 - EPSILON);
  const depth = g.op1('StridedSlice', [g.op1('Shape', [out]), ...sliceLast(g)], { shrink_axis_mask: attrValue.i(1) });
  const oneHot = g.op1('OneHot', [labels, depth, f32(g, 1), f32(g, 0)]);
  return categoricalCrossentropy(g, g.op1('Reshape', [oneHot, g.op1('Shape', [out])]), out);
};

function sliceLast(g: GraphBuilder): TensorRef[] {
  const c = (v: number) => g.constant(Int32Array.of(v), 'int32', [1]);
  return [c(-1), c(0), c(1)];
}

const binaryCrossentropy: GraphMetric = (g, t, p) => {
  const clipped = clip(g, p, EPSILON, 1 - EPSILON);
  const y = g.op1('Log', [g.op1('RealDiv', [clipped, g.op1('Sub', [f32(g, 1), clipped])])]);
  // sigmoidCrossEntropyWithLogits: max(x, 0) - x * z + log(1 + exp(-abs(x)))
  const relu = g.op1('Relu', [y]);
  const negAbs = g.op1('Neg', [g.op1('Abs', [y])]);
  const ce = g.op1('AddV2', [
    g.op1('Sub', [relu, g.op1('Mul', [y, cast(g, t, 'float32')])]),
    g.op1('Log1p', [g.op1('Exp', [negAbs])]),
  ]);
  return g.op1('Mean', [ce, last(g)]);
};

const binaryAccuracy: GraphMetric = (g, t, p) => {
  const above = g.op1('Greater', [p, f32(g, 0.5)]);
  const thresholded = g.op1('Cast', [above], { DstT: attrValue.type(t.dtype === 'int32' ? 'int32' : 'float32') });
  return g.op1('Mean', [cast(g, g.op1('Equal', [t, thresholded]), 'float32'), last(g)]);
};

const categoricalAccuracy: GraphMetric = (g, t, p) =>
  cast(g, g.op1('Equal', [g.op1('ArgMax', [t, last(g)]), g.op1('ArgMax', [p, last(g)])]), 'float32');

/** tfjs squeezes the label's last axis when ranks match; reshaping to argMax's shape does the same. */
const sparseCategoricalAccuracy: GraphMetric = (g, t, p) => {
  const predicted = g.op1('ArgMax', [p, last(g)]);
  const labels = g.op1('Reshape', [t, g.op1('Shape', [predicted])]);
  const asLabels = g.op1('Cast', [predicted], { DstT: attrValue.type(t.dtype === 'int32' ? 'int32' : 'float32') });
  return cast(g, g.op1('Equal', [labels, asLabels]), 'float32');
};

/** By tfjs function name (bundlers add `$N` suffixes, stripped before lookup). */
const BY_NAME: Readonly<Record<string, GraphMetric>> = {
  meanSquaredError,
  meanAbsoluteError,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  binaryCrossentropy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
};

/** The names {@link graphMetric} covers. */
export const COMPILED_LOSSES_AND_METRICS = Object.keys(BY_NAME);

/**
 * The graph form of a tfjs loss or metric function, or undefined when not covered.
 * @example
 *   const mse = graphMetric(tf.losses.meanSquaredError); // a GraphMetric
 */
export function graphMetric(fn: { name: string }): GraphMetric | undefined {
  const name = fn.name.replace(/\$\d+$/, '');
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
}

/**
 * Mean over every axis (tfjs' `tf.mean(x)`), as a scalar.
 * @example
 *   const loss = meanAll(g, perSample, 1);
 */
export function meanAll(g: GraphBuilder, x: TensorRef, rank: number): TensorRef {
  const axes = Int32Array.from({ length: rank }, (_, i) => i);
  return g.op1('Mean', [x, g.constant(axes, 'int32', [rank])]);
}
