/**
 * Element-wise and activation ops. TF and ONNX broadcast binary ops the same way (NumPy rules),
 * so most map one to one; the rest are short compositions with the same formula.
 */
import type { Lowerer } from '../lowering-context';
import { attr } from '../onnx-graph-builder';

const same =
  (opType: string): Lowerer =>
  (ctx) => [ctx.emit(opType, ctx.inputs(), {}, 0)];

/**
 * TF element-wise op -> its ONNX lowering.
 *
 * @example
 * ```ts
 * ELEMENTWISE_LOWERERS.AddV2; // emits ONNX Add
 * ```
 */
export const ELEMENTWISE_LOWERERS: Readonly<Record<string, Lowerer>> = {
  Add: same('Add'),
  AddV2: same('Add'),
  Sub: same('Sub'),
  Mul: same('Mul'),
  RealDiv: same('Div'),
  Maximum: same('Max'),
  Minimum: same('Min'),
  Pow: same('Pow'),
  Neg: same('Neg'),
  Abs: same('Abs'),
  Exp: same('Exp'),
  Log: same('Log'),
  Sqrt: same('Sqrt'),
  Erf: same('Erf'),
  Relu: same('Relu'),
  Sigmoid: same('Sigmoid'),
  Tanh: same('Tanh'),
  Softplus: same('Softplus'),
  Softsign: same('Softsign'),
  Square: (ctx) => {
    const x = ctx.input(0);
    return [ctx.emit('Mul', [x, x], {}, 0)];
  },
  Rsqrt: (ctx) => [ctx.emit('Reciprocal', [ctx.emit('Sqrt', [ctx.input(0)])], {}, 0)],
  // min(max(x, 0), 6); Clip takes its bounds as inputs since opset 11.
  Relu6: (ctx) => {
    const dtype = ctx.dtype(0);
    return [ctx.emit('Clip', [ctx.input(0), ctx.scalar(0, dtype), ctx.scalar(6, dtype)], {}, 0)];
  },
  // TF's Elu has alpha 1.
  Elu: (ctx) => [ctx.emit('Elu', [ctx.input(0)], { alpha: attr.float(1) }, 0)],
  // TF's Selu constants (the same float32 values as ONNX's defaults, stated for clarity).
  Selu: (ctx) => [
    ctx.emit(
      'Selu',
      [ctx.input(0)],
      { alpha: attr.float(1.6732632423543772), gamma: attr.float(1.0507009873554805) },
      0,
    ),
  ],
  // TF normalizes the last dimension; ONNX (opset >= 13) the `axis` dimension alone.
  Softmax: (ctx) => [ctx.emit('Softmax', [ctx.input(0)], { axis: attr.int(-1) }, 0)],
  LogSoftmax: (ctx) => [ctx.emit('LogSoftmax', [ctx.input(0)], { axis: attr.int(-1) }, 0)],
};
