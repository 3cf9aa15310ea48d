/**
 * Layers with weights and windows: MatMul -> FULLY_CONNECTED, Conv2D -> CONV_2D,
 * DepthwiseConv2dNative -> DEPTHWISE_CONV_2D, MaxPool / AvgPool -> MAX_POOL_2D /
 * AVERAGE_POOL_2D. A following BiasAdd (constant bias) and then Relu or Relu6 are fused into
 * the operator, as TensorFlow's converter does; kernels are rewritten in TFLite's layouts.
 */
import type { ConstValue, FrozenNode } from '@tfscale/sdk';
import type { FusedActivation } from '../schema';
import { type LoweringContext, type OpLowerer, unsupportedOp } from './context';
import { windowOutput } from './shape-rules';

const FUSABLE: Readonly<Record<string, FusedActivation>> = { Relu: 'RELU', Relu6: 'RELU6' };

interface Fused {
  /** The last node absorbed: its output is the operator's output. */
  readonly last: FrozenNode;
  readonly bias?: ConstValue;
  readonly activation: FusedActivation;
}

/** Absorbs `BiasAdd(node, constant)` and then `Relu`/`Relu6` when `node` is their only input. */
function fuseFollowers(ctx: LoweringContext, node: FrozenNode, channels: number): Fused {
  let last = node;
  let bias: ConstValue | undefined;
  const next = ctx.soleConsumer(node);
  if (next?.op === 'BiasAdd' && next.inputs[0]?.name === `${node.name}:0`) {
    const value = ctx.constValue(next, 1);
    const nhwc = next.attr.s('data_format', 'NHWC') === 'NHWC';
    if (value && nhwc && value.dtype === 'float32' && value.shape.length === 1 && value.shape[0] === channels) {
      bias = value;
      last = next;
      ctx.fused.add(next.name);
    }
  }
  let activation: FusedActivation = 'NONE';
  const after = ctx.soleConsumer(last);
  if (after && Object.hasOwn(FUSABLE, after.op)) {
    activation = FUSABLE[after.op]!;
    last = after;
    ctx.fused.add(after.name);
  }
  return bias ? { last, bias, activation } : { last, activation };
}

function biasTensor(ctx: LoweringContext, node: FrozenNode, fused: Fused, channels: number, always: boolean): number {
  const bias = fused.bias;
  if (!bias && !always) return -1;
  const key = bias ? `${node.name}/bias` : `${node.name}/zero_bias`;
  return ctx.derived(key, () => ({
    type: 'float32',
    shape: [channels],
    data: bias ? (bias.values as Float32Array) : new Float32Array(channels),
  }));
}

function floatKernel(ctx: LoweringContext, node: FrozenNode, rank: number): ConstValue {
  const k = ctx.requireConst(node, 1, 'a constant float32 kernel');
  if (k.dtype !== 'float32' || k.shape.length !== rank)
    throw unsupportedOp(node, `kernel must be a rank-${rank} float32 constant`);
  return k;
}

/** Permutes a row-major array of `shape` by `perm` (output dim i = input dim perm[i]). */
function permute(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += index[d]! * inStrides[perm[d]!]!;
    out[o] = values[src]!;
    for (let d = perm.length - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function requireNhwc(node: FrozenNode): void {
  if (node.attr.s('data_format', 'NHWC') !== 'NHWC') throw unsupportedOp(node, 'only NHWC data_format is supported');
}

function padding(node: FrozenNode): 'SAME' | 'VALID' {
  const p = node.attr.s('padding');
  if (p !== 'SAME' && p !== 'VALID') throw unsupportedOp(node, `padding ${p} is not supported (SAME or VALID)`);
  return p;
}

function spatial(node: FrozenNode, attr: string, fallback?: number[]): [number, number] {
  const v = node.attr.listI(attr, fallback);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1)
    throw unsupportedOp(node, `${attr} ${JSON.stringify(v)} must be [1, h, w, 1]`);
  return [v[1]!, v[2]!];
}

/** MatMul(x, kernel[in, units]) -> FULLY_CONNECTED(x, kernel^T, bias?). */
const lowerMatMul: OpLowerer = (ctx, node) => {
  if (node.attr.b('transpose_a', false)) throw unsupportedOp(node, 'transpose_a is not supported');
  const x = ctx.input(node, 0);
  if (ctx.dims(x).length !== 2) throw unsupportedOp(node, 'the input must be rank 2');
  const k = floatKernel(ctx, node, 2);
  const transposed = node.attr.b('transpose_b', false);
  const [inDim, units] = transposed ? [k.shape[1]!, k.shape[0]!] : [k.shape[0]!, k.shape[1]!];
  const weights = ctx.derived(`${ctx.graph.resolve(node.inputs[1]!).node}/fc_weights`, () => ({
    type: 'float32',
    shape: [units, inDim],
    data: transposed ? (k.values as Float32Array) : permute(k.values as Float32Array, k.shape, [1, 0]),
  }));
  const fused = fuseFollowers(ctx, node, units);
  ctx.emitFor(fused.last, {
    op: 'FULLY_CONNECTED',
    inputs: [x, weights, biasTensor(ctx, node, fused, units, false)],
    type: 'float32',
    rule: ([d]) => [d![0]!, units],
    options: {
      type: 'FullyConnectedOptions',
      activation: fused.activation,
      keepNumDims: false,
      asymmetricQuantizeInputs: false,
    },
  });
};

/** Conv2D(x, kernel[kh, kw, in, out]) -> CONV_2D(x, kernel[out, kh, kw, in], bias). */
const lowerConv2D: OpLowerer = (ctx, node) => {
  requireNhwc(node);
  const x = ctx.input(node, 0);
  const k = floatKernel(ctx, node, 4);
  const [kh, kw, , out] = k.shape as [number, number, number, number];
  const [sh, sw] = spatial(node, 'strides');
  const [dh, dw] = spatial(node, 'dilations', [1, 1, 1, 1]);
  const pad = padding(node);
  const kernel = ctx.derived(`${ctx.graph.resolve(node.inputs[1]!).node}/conv_filter`, () => ({
    type: 'float32',
    shape: [out, kh, kw, k.shape[2]!],
    data: permute(k.values as Float32Array, k.shape, [3, 0, 1, 2]),
  }));
  const fused = fuseFollowers(ctx, node, out);
  ctx.emitFor(fused.last, {
    op: 'CONV_2D',
    inputs: [x, kernel, biasTensor(ctx, node, fused, out, true)],
    type: 'float32',
    rule: ([d]) => [d![0]!, windowOutput(d![1]!, kh, sh, dh, pad), windowOutput(d![2]!, kw, sw, dw, pad), out],
    options: {
      type: 'Conv2DOptions',
      padding: pad,
      strideW: sw,
      strideH: sh,
      activation: fused.activation,
      dilationW: dw,
      dilationH: dh,
    },
  });
};

/** DepthwiseConv2dNative(x, kernel[kh, kw, in, m]) -> DEPTHWISE_CONV_2D(x, kernel[1, kh, kw, in*m], bias). */
const lowerDepthwiseConv2D: OpLowerer = (ctx, node) => {
  requireNhwc(node);
  const x = ctx.input(node, 0);
  const k = floatKernel(ctx, node, 4);
  const [kh, kw, cin, multiplier] = k.shape as [number, number, number, number];
  const [sh, sw] = spatial(node, 'strides');
  const [dh, dw] = spatial(node, 'dilations', [1, 1, 1, 1]);
  const pad = padding(node);
  const channels = cin * multiplier;
  // Output channel c * m + j is input channel c times multiplier j, in TF and in TFLite: the
  // kernel's bytes are already in order.
  const kernel = ctx.derived(`${ctx.graph.resolve(node.inputs[1]!).node}/depthwise_filter`, () => ({
    type: 'float32',
    shape: [1, kh, kw, channels],
    data: k.values as Float32Array,
  }));
  const fused = fuseFollowers(ctx, node, channels);
  ctx.emitFor(fused.last, {
    op: 'DEPTHWISE_CONV_2D',
    inputs: [x, kernel, biasTensor(ctx, node, fused, channels, true)],
    type: 'float32',
    rule: ([d]) => [d![0]!, windowOutput(d![1]!, kh, sh, dh, pad), windowOutput(d![2]!, kw, sw, dw, pad), channels],
    options: {
      type: 'DepthwiseConv2DOptions',
      padding: pad,
      strideW: sw,
      strideH: sh,
      depthMultiplier: multiplier,
      activation: fused.activation,
      dilationW: dw,
      dilationH: dh,
    },
  });
};

function pool(op: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'): OpLowerer {
  return (ctx, node) => {
    requireNhwc(node);
    const [kh, kw] = spatial(node, 'ksize');
    const [sh, sw] = spatial(node, 'strides');
    const pad = padding(node);
    ctx.emitFor(node, {
      op,
      inputs: [ctx.input(node, 0)],
      rule: ([d]) => [d![0]!, windowOutput(d![1]!, kh, sh, 1, pad), windowOutput(d![2]!, kw, sw, 1, pad), d![3]!],
      options: {
        type: 'Pool2DOptions',
        padding: pad,
        strideW: sw,
        strideH: sh,
        filterW: kw,
        filterH: kh,
        activation: 'NONE',
      },
    });
  };
}

/** MaxPool -> MAX_POOL_2D. */
const lowerMaxPool: OpLowerer = pool('MAX_POOL_2D');
/** AvgPool -> AVERAGE_POOL_2D (both count only the cells inside the input at SAME borders). */
const lowerAvgPool: OpLowerer = pool('AVERAGE_POOL_2D');

/** A BiasAdd not fused into its producer -> ADD (the bias broadcasts over the last axis). */
const lowerBiasAdd: OpLowerer = (ctx, node) => {
  requireNhwc(node);
  ctx.emitFor(node, {
    op: 'ADD',
    inputs: [ctx.input(node, 0), ctx.input(node, 1)],
    rule: ([d]) => [...d!],
    options: { type: 'AddOptions', activation: 'NONE' },
  });
};

/**
 * Lowerers of the ops with weights or windows, by TensorFlow op name.
 *
 * @example
 * ```ts
 * NN_LOWERERS.MatMul(ctx, node);
 * ```
 */
export const NN_LOWERERS: Readonly<Record<string, OpLowerer>> = {
  MatMul: lowerMatMul,
  BiasAdd: lowerBiasAdd,
  Conv2D: lowerConv2D,
  DepthwiseConv2dNative: lowerDepthwiseConv2D,
  MaxPool: lowerMaxPool,
  AvgPool: lowerAvgPool,
};
