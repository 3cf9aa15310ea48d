/**
 * Dense and convolutional ops. TF computes convolutions and pooling in NHWC with HWIO kernels;
 * ONNX in NCHW with OIHW weights. Inputs are transposed to NCHW and results back (ONNX Runtime's
 * transpose optimizer cancels adjacent pairs), kernels are reordered once at export, and a
 * BiasAdd that only follows a convolution becomes the Conv's bias input.
 */
import type { ConstValue, FrozenNode } from '@tfscale/sdk';
import type { Lowerer, LoweringContext } from '../lowering-context';
import { type AttrInput, attr } from '../onnx-graph-builder';

function requireNhwc(ctx: LoweringContext): void {
  const format = ctx.node.attr.s('data_format', 'NHWC');
  if (format !== 'NHWC') throw ctx.unsupported('data_format', format, "'NHWC'");
}

/** The spatial part of an NHWC `[1, h, w, 1]` list attr. */
function spatial(ctx: LoweringContext, key: string): [number, number] {
  const list = ctx.node.attr.listI(key, [1, 1, 1, 1]);
  if (list.length !== 4 || list[0] !== 1 || list[3] !== 1) throw ctx.unsupported(key, list, '[1, h, w, 1]');
  return [list[1]!, list[2]!];
}

/** ONNX padding attrs for TF's `padding`: SAME pads the extra cell at the end, like SAME_UPPER. */
function padding(ctx: LoweringContext): Record<string, AttrInput> {
  const mode = ctx.node.attr.s('padding');
  if (mode === 'SAME') return { auto_pad: attr.str('SAME_UPPER') };
  if (mode === 'VALID') return { pads: attr.ints([0, 0, 0, 0]) };
  if (mode === 'EXPLICIT') {
    const p = ctx.node.attr.listI('explicit_paddings');
    if (p.length !== 8 || p[0] || p[1] || p[6] || p[7]) throw ctx.unsupported('explicit_paddings', p, 'NHWC paddings');
    return { pads: attr.ints([p[2]!, p[4]!, p[3]!, p[5]!]) };
  }
  throw ctx.unsupported('padding', mode, "'SAME', 'VALID' or 'EXPLICIT'");
}

/** Reorders a 4-D row-major tensor: `out[j...] = in[i...]` with `perm[k]` the input axis of output axis k. */
function permute(c: ConstValue, perm: readonly number[]): { dims: number[]; data: Float32Array } {
  const src = c.values as Float32Array;
  const dims = perm.map((p) => c.shape[p]!);
  const inStrides = c.shape.map((_, i) => c.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const data = new Float32Array(src.length);
  const [d0, d1, d2, d3] = dims as [number, number, number, number];
  const [s0, s1, s2, s3] = perm.map((p) => inStrides[p]!) as [number, number, number, number];
  let o = 0;
  for (let a = 0; a < d0; a++)
    for (let b = 0; b < d1; b++)
      for (let e = 0; e < d2; e++) for (let f = 0; f < d3; f++) data[o++] = src[a * s0 + b * s1 + e * s2 + f * s3]!;
  return { dims, data };
}

function requireFloatKernel(ctx: LoweringContext, c: ConstValue): void {
  if (c.dtype !== 'float32' || c.shape.length !== 4) {
    throw ctx.unsupported('filter', `${c.dtype} [${c.shape}]`, 'a float32 rank-4 constant');
  }
}

/** The BiasAdd that alone reads this node's output, with a constant bias, if any. */
function fusableBias(ctx: LoweringContext): FrozenNode | undefined {
  const users = ctx.graph.consumers(`${ctx.node.name}:0`);
  const user = users.length === 1 ? users[0]! : undefined;
  if (user?.node.op !== 'BiasAdd' || user.input !== 0 || ctx.isGraphOutput(`${ctx.node.name}:0`)) return;
  if (user.node.attr.s('data_format', 'NHWC') !== 'NHWC') return;
  const bias = user.node.inputs[1] && ctx.graph.constant(user.node.inputs[1]);
  return bias && bias.dtype === 'float32' && bias.shape.length === 1 ? user.node : undefined;
}

function convolution(ctx: LoweringContext, weight: string, kernel: readonly number[], group: number): string[] {
  requireNhwc(ctx);
  const attrs: Record<string, AttrInput> = {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(spatial(ctx, 'strides')),
    dilations: attr.ints(spatial(ctx, 'dilations')),
    group: attr.int(group),
    ...padding(ctx),
  };
  const inputs = [ctx.toNchw(ctx.input(0)), weight];
  const bias = fusableBias(ctx);
  if (bias) inputs.push(ctx.valueOfTensor(bias.inputs[1]!));
  const y = ctx.toNhwc(ctx.emit('Conv', inputs, attrs), 0);
  if (bias) ctx.bind(`${bias.name}:0`, y);
  return [y];
}

const conv2d: Lowerer = (ctx) => {
  const kernel = ctx.requireConstant(1, 'filter');
  requireFloatKernel(ctx, kernel);
  // HWIO -> OIHW.
  const weight = ctx.derived(1, 'oihw', (c) => permute(c, [3, 2, 0, 1]));
  return convolution(ctx, weight, kernel.shape.slice(0, 2), 1);
};

const depthwise: Lowerer = (ctx) => {
  const kernel = ctx.requireConstant(1, 'filter');
  requireFloatKernel(ctx, kernel);
  const [h, w, c, m] = kernel.shape as [number, number, number, number];
  // [H, W, C, M] -> [C * M, 1, H, W]: TF's output channel c * M + m is ONNX's group c, filter m.
  const weight = ctx.derived(1, 'depthwise_oihw', (k) => {
    const { data } = permute(k, [2, 3, 0, 1]);
    return { dims: [c * m, 1, h, w], data };
  });
  return convolution(ctx, weight, [h, w], c);
};

const pool =
  (opType: 'MaxPool' | 'AveragePool'): Lowerer =>
  (ctx) => {
    requireNhwc(ctx);
    const attrs: Record<string, AttrInput> = {
      kernel_shape: attr.ints(spatial(ctx, 'ksize')),
      strides: attr.ints(spatial(ctx, 'strides')),
      ...padding(ctx),
    };
    // TF averages over the cells inside the input only, at every border.
    if (opType === 'AveragePool') attrs.count_include_pad = attr.int(0);
    return [ctx.toNhwc(ctx.emit(opType, [ctx.toNchw(ctx.input(0))], attrs), 0)];
  };

const matmul: Lowerer = (ctx) => {
  const operand = (i: number, key: string) => {
    if (!ctx.node.attr.b(key, false)) return ctx.input(i);
    const c = ctx.constant(i);
    if (c?.dtype === 'float32' && c.shape.length === 2) {
      return ctx.derived(i, 'transposed', (k) => {
        const [r, s] = k.shape as [number, number];
        const src = k.values as Float32Array;
        const data = new Float32Array(src.length);
        for (let a = 0; a < s; a++) for (let b = 0; b < r; b++) data[a * r + b] = src[b * s + a]!;
        return { dims: [s, r], data };
      });
    }
    return ctx.emit('Transpose', [ctx.input(i)], { perm: attr.ints([1, 0]) });
  };
  return [ctx.emit('MatMul', [operand(0, 'transpose_a'), operand(1, 'transpose_b')], {}, 0)];
};

const biasAdd: Lowerer = (ctx) => {
  requireNhwc(ctx);
  return [ctx.emit('Add', [ctx.input(0), ctx.input(1)], {}, 0)];
};

const reduce =
  (opType: 'ReduceMean' | 'ReduceMax'): Lowerer =>
  (ctx) => {
    const axes = ctx.constInts(1, 'reduction_indices');
    if (axes.length === 0) return [ctx.input(0)];
    // Opset 17 takes ReduceMean/ReduceMax axes as an attribute (an input from opset 18 on).
    const attrs = { axes: attr.ints(axes), keepdims: attr.int(ctx.node.attr.b('keep_dims', false) ? 1 : 0) };
    return [ctx.emit(opType, [ctx.input(0)], attrs, 0)];
  };

/**
 * TF dense, convolution, pooling and reduction op -> its ONNX lowering.
 *
 * @example
 * ```ts
 * NN_LOWERERS.Conv2D; // Transpose -> Conv -> Transpose
 * ```
 */
export const NN_LOWERERS: Readonly<Record<string, Lowerer>> = {
  MatMul: matmul,
  BiasAdd: biasAdd,
  Conv2D: conv2d,
  DepthwiseConv2dNative: depthwise,
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  Mean: reduce('ReduceMean'),
  Max: reduce('ReduceMax'),
};
