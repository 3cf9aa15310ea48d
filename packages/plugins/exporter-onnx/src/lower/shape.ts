/**
 * Shape, indexing and type ops. ONNX wants int64 shapes, axes and slice bounds where TF uses
 * int32: constants are converted at export, computed ones cast.
 */
import type { Lowerer } from '../lowering-context';
import { onnxDType } from '../lowering-context';
import { attr } from '../onnx-graph-builder';
import { ONNX_DTYPE } from '../onnx-proto';

const reshape: Lowerer = (ctx) => {
  // ONNX's default Reshape copies the input dimension for a 0 in the target; TF would make an
  // empty dimension, so constant targets holding 0 are refused instead of changed in meaning.
  const target = ctx.constant(1);
  if (target && Array.from(target.values as Int32Array, Number).includes(0)) {
    throw ctx.unsupported('shape', Array.from(target.values as Int32Array), 'a target without 0-sized dimensions');
  }
  return [ctx.emit('Reshape', [ctx.input(0), ctx.int64(1)], {}, 0)];
};

const shape: Lowerer = (ctx) => {
  const out = ctx.node.attr.type('out_type', 'int32');
  const s = ctx.emit('Shape', [ctx.input(0)], {}, out === 'int64' ? 0 : undefined);
  return [out === 'int64' ? s : ctx.emit('Cast', [s], { to: attr.int(ONNX_DTYPE[onnxDType(out)]) }, 0)];
};

const stridedSlice: Lowerer = (ctx) => {
  for (const mask of ['ellipsis_mask', 'new_axis_mask'] as const) {
    const v = ctx.node.attr.i(mask, 0);
    if (v !== 0) throw ctx.unsupported(mask, v, '0');
  }
  const begin = ctx.constInts(1, 'begin');
  const end = ctx.constInts(2, 'end');
  const strides = ctx.constInts(3, 'strides');
  const beginMask = ctx.node.attr.i('begin_mask', 0);
  const endMask = ctx.node.attr.i('end_mask', 0);
  const shrink = ctx.node.attr.i('shrink_axis_mask', 0);
  const starts: (number | 'max' | 'min')[] = [];
  const ends: (number | 'max' | 'min')[] = [];
  const squeeze: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    const step = strides[i]!;
    if (step === 0) throw ctx.unsupported('strides', strides, 'non-zero strides');
    const bit = 1 << i;
    if (shrink & bit) {
      // TF takes the one element at `begin` (end and masks ignored).
      const b = begin[i]!;
      starts.push(b);
      ends.push(b === -1 ? 'max' : b + 1);
      squeeze.push(i);
      if (step !== 1) strides[i] = 1;
      continue;
    }
    starts.push(beginMask & bit ? (step > 0 ? 0 : 'max') : begin[i]!);
    ends.push(endMask & bit ? (step > 0 ? 'max' : 'min') : end[i]!);
  }
  const axes = begin.map((_, i) => i);
  const sliced = ctx.emit(
    'Slice',
    [ctx.input(0), ctx.int64Const(starts), ctx.int64Const(ends), ctx.int64Const(axes), ctx.int64Const(strides)],
    {},
    squeeze.length ? undefined : 0,
  );
  return [squeeze.length ? ctx.emit('Squeeze', [sliced, ctx.int64Const(squeeze)], {}, 0) : sliced];
};

const concat: Lowerer = (ctx) => {
  const n = ctx.node.inputs.length - 1;
  const [axis] = ctx.constInts(n, 'axis');
  const values = ctx.node.inputs.slice(0, n).map((_, i) => ctx.input(i));
  return [ctx.emit('Concat', values, { axis: attr.int(axis!) }, 0)];
};

const pack: Lowerer = (ctx) => {
  const axis = ctx.node.attr.i('axis', 0);
  const axes = ctx.int64Const([axis]);
  const parts = ctx.inputs().map((v) => ctx.emit('Unsqueeze', [v, axes]));
  return [ctx.emit('Concat', parts, { axis: attr.int(axis) }, 0)];
};

const transpose: Lowerer = (ctx) => [
  ctx.emit('Transpose', [ctx.input(0)], { perm: attr.ints(ctx.constInts(1, 'perm')) }, 0),
];

// TF's negative `dim` counts from the end of the output, as ONNX's Unsqueeze axes do.
const expandDims: Lowerer = (ctx) => [ctx.emit('Unsqueeze', [ctx.input(0), ctx.int64(1)], {}, 0)];

const squeeze: Lowerer = (ctx) => {
  const dims = ctx.node.attr.listI('squeeze_dims', []);
  if (dims.length === 0) return [ctx.emit('Squeeze', [ctx.input(0)], {}, 0)];
  return [ctx.emit('Squeeze', [ctx.input(0), ctx.int64Const(dims)], {}, 0)];
};

// Float -> int truncates toward zero in both (ONNX Runtime's Cast is a C++ static_cast).
const cast: Lowerer = (ctx) => {
  const to = onnxDType(ctx.node.attr.type('DstT'));
  return [ctx.emit('Cast', [ctx.input(0)], { to: attr.int(ONNX_DTYPE[to]) }, 0)];
};

const gather: Lowerer = (ctx) => {
  const batchDims = ctx.node.attr.i('batch_dims', 0);
  if (batchDims !== 0) throw ctx.unsupported('batch_dims', batchDims, '0');
  const [axis] = ctx.constInts(2, 'axis');
  return [ctx.emit('Gather', [ctx.input(0), ctx.input(1)], { axis: attr.int(axis!) }, 0)];
};

/**
 * TF shape, indexing and cast op -> its ONNX lowering.
 *
 * @example
 * ```ts
 * SHAPE_LOWERERS.Reshape; // ONNX Reshape with an int64 target
 * ```
 */
export const SHAPE_LOWERERS: Readonly<Record<string, Lowerer>> = {
  Reshape: reshape,
  Shape: shape,
  StridedSlice: stridedSlice,
  ConcatV2: concat,
  Pack: pack,
  Transpose: transpose,
  ExpandDims: expandDims,
  Squeeze: squeeze,
  Cast: cast,
  GatherV2: gather,
};
