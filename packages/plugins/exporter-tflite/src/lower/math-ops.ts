/**
 * Element-wise ops and reductions. Most map one to one; Selu, Softplus and Softsign have no
 * TFLite builtin and become small compositions of builtins with the same formula:
 * - selu(x) = scale * relu(x) + scale * alpha * min(elu(x), 0)   (TF's Selu constants)
 * - softplus(x) = relu(x) + log(1 + exp(-|x|))                    (no overflow for large |x|)
 * - softsign(x) = x / (1 + |x|)
 */
import type { FrozenNode } from '@tfscale/sdk';
import type { BuiltinOp } from '../schema';
import type { TfliteOptions } from '../tflite-ir';
import { type LoweringContext, type OpLowerer, unsupportedOp } from './context';
import { broadcast, normalizeAxis, sameAsFirst } from './shape-rules';

const BINARY: Readonly<Record<string, { op: BuiltinOp; options?: TfliteOptions }>> = {
  AddV2: { op: 'ADD', options: { type: 'AddOptions', activation: 'NONE' } },
  Sub: { op: 'SUB', options: { type: 'SubOptions', activation: 'NONE' } },
  Mul: { op: 'MUL', options: { type: 'MulOptions', activation: 'NONE' } },
  RealDiv: { op: 'DIV', options: { type: 'DivOptions', activation: 'NONE' } },
  Maximum: { op: 'MAXIMUM' },
  Minimum: { op: 'MINIMUM' },
  Pow: { op: 'POW' },
};

const UNARY: Readonly<Record<string, { op: BuiltinOp; options?: TfliteOptions }>> = {
  Relu: { op: 'RELU' },
  Relu6: { op: 'RELU6' },
  Elu: { op: 'ELU' },
  Sigmoid: { op: 'LOGISTIC' },
  Tanh: { op: 'TANH' },
  Softmax: { op: 'SOFTMAX', options: { type: 'SoftmaxOptions', beta: 1 } },
  LogSoftmax: { op: 'LOG_SOFTMAX' },
  Square: { op: 'SQUARE' },
  Sqrt: { op: 'SQRT' },
  Rsqrt: { op: 'RSQRT' },
};

/** One lowerer per binary op name (NumPy broadcasting, as in TensorFlow). */
const BINARY_LOWERERS: Readonly<Record<string, OpLowerer>> = Object.fromEntries(
  Object.entries(BINARY).map(([tf, { op, options }]) => [
    tf,
    ((ctx, node) => {
      ctx.emitFor(node, {
        op,
        inputs: [ctx.input(node, 0), ctx.input(node, 1)],
        rule: broadcast,
        ...(options ? { options } : {}),
      });
    }) satisfies OpLowerer,
  ]),
);

/** One lowerer per unary op name with a TFLite builtin. */
const UNARY_LOWERERS: Readonly<Record<string, OpLowerer>> = Object.fromEntries(
  Object.entries(UNARY).map(([tf, { op, options }]) => [
    tf,
    ((ctx, node) => {
      ctx.emitFor(node, { op, inputs: [ctx.input(node, 0)], rule: sameAsFirst, ...(options ? { options } : {}) });
    }) satisfies OpLowerer,
  ]),
);

/** Options of the arithmetic ops used in compositions (no fused activation). */
function arithmetic(op: BuiltinOp): TfliteOptions | undefined {
  const type = ({ ADD: 'AddOptions', MUL: 'MulOptions', DIV: 'DivOptions' } as const)[op as 'ADD' | 'MUL' | 'DIV'];
  return type ? { type, activation: 'NONE' } : undefined;
}

/** An intermediate float op of a composition, shaped like broadcasting its inputs. */
function part(ctx: LoweringContext, node: FrozenNode, name: string, op: BuiltinOp, inputs: number[]): number {
  const options = arithmetic(op);
  const rule = inputs.length === 2 ? broadcast : sameAsFirst;
  return ctx.emitPart(node, name, { op, inputs, type: 'float32', rule, ...(options ? { options } : {}) });
}

/** The last op of a composition: its output is the node's. */
function finish(ctx: LoweringContext, node: FrozenNode, op: BuiltinOp, inputs: number[]): void {
  const options = arithmetic(op);
  ctx.emitFor(node, { op, inputs, rule: broadcast, ...(options ? { options } : {}) });
}

// TensorFlow's Selu constants (tensorflow/core/kernels/relu_op_functor.h).
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

/** Selu -> RELU, ELU, MINIMUM, MUL, MUL, ADD. */
const lowerSelu: OpLowerer = (ctx, node) => {
  const x = ctx.input(node, 0);
  const positive = part(ctx, node, 'scaled_relu', 'MUL', [
    part(ctx, node, 'relu', 'RELU', [x]),
    ctx.scalar(SELU_SCALE),
  ]);
  const elu = part(ctx, node, 'elu', 'ELU', [x]);
  const negative = part(ctx, node, 'scaled_elu', 'MUL', [
    part(ctx, node, 'negative_elu', 'MINIMUM', [elu, ctx.scalar(0)]),
    ctx.scalar(SELU_SCALE_ALPHA),
  ]);
  finish(ctx, node, 'ADD', [positive, negative]);
};

/** Softplus -> relu(x) + log(1 + exp(-|x|)). */
const lowerSoftplus: OpLowerer = (ctx, node) => {
  const x = ctx.input(node, 0);
  const negAbs = part(ctx, node, 'neg_abs', 'NEG', [part(ctx, node, 'abs', 'ABS', [x])]);
  const log = part(ctx, node, 'log1p_exp', 'LOG', [
    part(ctx, node, 'one_plus_exp', 'ADD', [part(ctx, node, 'exp', 'EXP', [negAbs]), ctx.scalar(1)]),
  ]);
  finish(ctx, node, 'ADD', [part(ctx, node, 'relu', 'RELU', [x]), log]);
};

/** Softsign -> x / (1 + |x|). */
const lowerSoftsign: OpLowerer = (ctx, node) => {
  const x = ctx.input(node, 0);
  const denominator = part(ctx, node, 'one_plus_abs', 'ADD', [part(ctx, node, 'abs', 'ABS', [x]), ctx.scalar(1)]);
  finish(ctx, node, 'DIV', [x, denominator]);
};

function reduction(op: 'MEAN' | 'REDUCE_MAX'): OpLowerer {
  return (ctx, node) => {
    const x = ctx.input(node, 0);
    const rank = ctx.dims(x).length;
    const axes = ctx.ints(node, 1, 'constant reduction axes').map((a) => normalizeAxis(a, rank));
    const keepDims = node.attr.b('keep_dims', false);
    const axesTensor = ctx.derived(`${node.name}/axes`, () => ({
      type: 'int32',
      shape: [axes.length],
      data: Int32Array.from(axes),
    }));
    ctx.emitFor(node, {
      op,
      inputs: [x, axesTensor],
      rule: ([d]) => (keepDims ? d!.map((v, i) => (axes.includes(i) ? 1 : v)) : d!.filter((_, i) => !axes.includes(i))),
      options: { type: 'ReducerOptions', keepDims },
    });
  };
}

/** Mean -> MEAN. */
const lowerMean: OpLowerer = reduction('MEAN');
/** Max -> REDUCE_MAX. */
const lowerMax: OpLowerer = reduction('REDUCE_MAX');

/** Erf alone has no TFLite builtin; inside the exact GELU pattern it never reaches here. */
const lowerErf: OpLowerer = (_ctx, node) => {
  throw unsupportedOp(
    node,
    'TensorFlow op Erf has no TFLite builtin (only the exact GELU pattern x * 0.5 * (1 + erf(x / sqrt(2))) is lowered, to GELU)',
  );
};

/**
 * Lowerers of the element-wise ops and reductions, by TensorFlow op name.
 *
 * @example
 * ```ts
 * MATH_LOWERERS.Selu(ctx, node);
 * ```
 */
export const MATH_LOWERERS: Readonly<Record<string, OpLowerer>> = {
  ...BINARY_LOWERERS,
  ...UNARY_LOWERERS,
  Selu: lowerSelu,
  Softplus: lowerSoftplus,
  Softsign: lowerSoftsign,
  Mean: lowerMean,
  Max: lowerMax,
  Erf: lowerErf,
};
