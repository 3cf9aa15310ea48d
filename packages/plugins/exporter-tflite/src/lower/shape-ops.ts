/**
 * Data-movement ops: Reshape, Shape, StridedSlice, ConcatV2, Pack, Transpose, ExpandDims, Cast
 * and GatherV2, each to its TFLite builtin. Shape, StridedSlice, ConcatV2 and Pack also carry
 * the values of the int32 vectors they compute, so a Reshape whose target is built at run time
 * (a Dense on a free sequence length) still gets static and symbolic output shapes.
 */
import type { FrozenNode } from '@tfscale/sdk';
import type { TensorTypeName } from '../schema';
import { type LoweringContext, type OpLowerer, unsupportedOp } from './context';
import { normalizeAxis, reshaped, sameAsFirst } from './shape-rules';
import type { ShapeRule, ValueRule } from './tensor-table';

function intTensor(ctx: LoweringContext, node: FrozenNode, i: number, what: string): number {
  const t = ctx.input(node, i);
  const info = ctx.table.info(t);
  if (info.type !== 'int32') throw unsupportedOp(node, `${what} must be int32`);
  return t;
}

/** Reshape(x, shape) -> RESHAPE(x, shape): the target's values give the output shape. */
const lowerReshape: OpLowerer = (ctx, node) => {
  const x = ctx.input(node, 0);
  const target = intTensor(ctx, node, 1, 'the target shape');
  if (!ctx.table.info(target).value) throw unsupportedOp(node, 'the target shape cannot be computed at export time');
  ctx.emitFor(node, { op: 'RESHAPE', inputs: [x, target], rule: ([d], [, v]) => reshaped(d!, v!) });
};

/** Shape(x) -> SHAPE (int32). */
const lowerShape: OpLowerer = (ctx, node) => {
  if (node.attr.type('out_type', 'int32') !== 'int32') throw unsupportedOp(node, 'out_type must be int32');
  ctx.emitFor(node, {
    op: 'SHAPE',
    inputs: [ctx.input(node, 0)],
    rule: ([d]) => [d!.length],
    valueRule: ([d]) => [...d!],
    options: { type: 'ShapeOptions', outType: 'int32' },
  });
};

/** StridedSlice with constant begin/end/strides (no ellipsis or new-axis masks). */
const lowerStridedSlice: OpLowerer = (ctx, node) => {
  const [begin, end, strides] = [1, 2, 3].map((i) => ctx.ints(node, i, 'a constant int32 vector'));
  const mask = (name: string) => node.attr.i(name, 0);
  const [beginMask, endMask, shrinkMask] = [mask('begin_mask'), mask('end_mask'), mask('shrink_axis_mask')];
  if (mask('ellipsis_mask') || mask('new_axis_mask'))
    throw unsupportedOp(node, 'ellipsis and new-axis masks are not supported');
  /** Per sliced dimension of size `size`: [start, stop, step] after masks and clamping. */
  const bounds = (size: number, d: number): [number, number, number] => {
    const step = strides[d]!;
    if (step === 0) throw unsupportedOp(node, 'a stride of 0 is invalid');
    const clamp = (v: number) =>
      Math.min(Math.max(v < 0 ? v + size : v, step > 0 ? 0 : -1), step > 0 ? size : size - 1);
    const start = beginMask & (1 << d) ? (step > 0 ? 0 : size - 1) : clamp(begin[d]!);
    const stop = endMask & (1 << d) ? (step > 0 ? size : -1) : clamp(end[d]!);
    return [start, stop, step];
  };
  const indices = (size: number, d: number): number[] => {
    const [start, stop, step] = bounds(size, d);
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  };
  const rule: ShapeRule = ([s]) =>
    s!.flatMap((size, i) => (i >= begin.length ? [size] : shrinkMask & (1 << i) ? [] : [indices(size, i).length]));
  // Values of a sliced int32 vector (the leading dimensions of a dynamic Reshape target).
  const valueRule: ValueRule = ([s], [v]) => (s!.length === 1 && v ? indices(s![0]!, 0).map((i) => v[i]!) : undefined);
  ctx.emitFor(node, {
    op: 'STRIDED_SLICE',
    inputs: [0, 1, 2, 3].map((i) => ctx.input(node, i)),
    rule,
    valueRule,
    options: {
      type: 'StridedSliceOptions',
      beginMask,
      endMask,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: shrinkMask,
    },
  });
};

/** ConcatV2(x1, …, xn, axis) -> CONCATENATION. */
const lowerConcat: OpLowerer = (ctx, node) => {
  const n = node.inputs.length - 1;
  const inputs = Array.from({ length: n }, (_, i) => ctx.input(node, i));
  const rank = ctx.dims(inputs[0]!).length;
  const [rawAxis] = ctx.ints(node, n, 'a constant axis');
  const axis = normalizeAxis(rawAxis!, rank);
  ctx.emitFor(node, {
    op: 'CONCATENATION',
    inputs,
    rule: (shapes) => shapes[0]!.map((d, i) => (i === axis ? shapes.reduce((sum, s) => sum + s[i]!, 0) : d)),
    valueRule: (_, vs) => (rank === 1 && vs.every((v) => v) ? vs.flatMap((v) => v!) : undefined),
    options: { type: 'ConcatenationOptions', axis, activation: 'NONE' },
  });
};

/** Pack(x1, …, xn) -> PACK. */
const lowerPack: OpLowerer = (ctx, node) => {
  const inputs = node.inputs.map((_, i) => ctx.input(node, i));
  const rank = ctx.dims(inputs[0]!).length;
  const axis = normalizeAxis(node.attr.i('axis', 0), rank + 1);
  ctx.emitFor(node, {
    op: 'PACK',
    inputs,
    rule: ([d]) => [...d!.slice(0, axis), inputs.length, ...d!.slice(axis)],
    valueRule: (_, vs) => (rank === 0 && vs.every((v) => v) ? vs.map((v) => v![0]!) : undefined),
    options: { type: 'PackOptions', valuesCount: inputs.length, axis },
  });
};

/** Transpose(x, perm) -> TRANSPOSE. */
const lowerTranspose: OpLowerer = (ctx, node) => {
  const perm = ctx.ints(node, 1, 'a constant permutation');
  ctx.emitFor(node, {
    op: 'TRANSPOSE',
    inputs: [ctx.input(node, 0), intTensor(ctx, node, 1, 'the permutation')],
    rule: ([d]) => perm.map((p) => d![p]!),
  });
};

/** ExpandDims(x, axis) -> EXPAND_DIMS. */
const lowerExpandDims: OpLowerer = (ctx, node) => {
  const x = ctx.input(node, 0);
  const [raw] = ctx.ints(node, 1, 'a constant axis');
  const axis = normalizeAxis(raw!, ctx.dims(x).length + 1);
  ctx.emitFor(node, {
    op: 'EXPAND_DIMS',
    inputs: [x, intTensor(ctx, node, 1, 'the axis')],
    rule: ([d]) => [...d!.slice(0, axis), 1, ...d!.slice(axis)],
  });
};

/** Cast -> CAST (float to int truncates toward zero in both); a no-op cast is an alias. */
const lowerCast: OpLowerer = (ctx, node) => {
  const x = ctx.input(node, 0);
  const inType = ctx.table.info(x).type;
  const outType: TensorTypeName = ctx.typeOf(node);
  if (inType === outType) {
    ctx.bind(node, x);
    return;
  }
  ctx.emitFor(node, { op: 'CAST', inputs: [x], rule: sameAsFirst, options: { type: 'CastOptions', inType, outType } });
};

/** GatherV2(params, indices, axis) -> GATHER (batch_dims 0). */
const lowerGather: OpLowerer = (ctx, node) => {
  if (node.attr.i('batch_dims', 0) !== 0) throw unsupportedOp(node, 'batch_dims must be 0');
  const params = ctx.input(node, 0);
  const indices = intTensor(ctx, node, 1, 'the indices');
  const [raw] = ctx.ints(node, 2, 'a constant axis');
  const axis = normalizeAxis(raw!, ctx.dims(params).length);
  ctx.emitFor(node, {
    op: 'GATHER',
    inputs: [params, indices],
    rule: ([p, i]) => [...p!.slice(0, axis), ...i!, ...p!.slice(axis + 1)],
    options: { type: 'GatherOptions', axis, batchDims: 0 },
  });
};

/**
 * Lowerers of the data-movement ops, by TensorFlow op name.
 *
 * @example
 * ```ts
 * SHAPE_LOWERERS.Reshape(ctx, node);
 * ```
 */
export const SHAPE_LOWERERS: Readonly<Record<string, OpLowerer>> = {
  Reshape: lowerReshape,
  Shape: lowerShape,
  StridedSlice: lowerStridedSlice,
  ConcatV2: lowerConcat,
  Pack: lowerPack,
  Transpose: lowerTranspose,
  ExpandDims: lowerExpandDims,
  Cast: lowerCast,
  GatherV2: lowerGather,
};
