/**
 * tfjs activations as TensorFlow ops, each with tfjs' exact formula
 * (node_modules/@tensorflow/tfjs-layers/dist/activations.js). Constants are float32, as tfjs
 * computes with float32 tensors.
 */
import type { GraphBuilder, TensorRef } from './graph-builder';

type Emit = (g: GraphBuilder, x: TensorRef) => TensorRef;

const scalar = (g: GraphBuilder, value: number, name = 'Const') => g.constant([value], 'float32', [], name);
const unary =
  (op: string): Emit =>
  (g, x) =>
    g.op1(op, [x]);

const EMITTERS: Readonly<Record<string, Emit>> = {
  linear: (_g, x) => x,
  relu: unary('Relu'),
  // tfjs: minimum(6, relu(x)), which is Relu6.
  relu6: unary('Relu6'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  // tfjs: softmax over the last axis; TF's Softmax normalizes the last dimension of any rank.
  softmax: unary('Softmax'),
  logSoftmax: unary('LogSoftmax'),
  // tfjs supports only alpha = 1, which is TF's Elu.
  elu: unary('Elu'),
  // Same constants (scale 1.0507…, alpha 1.6732…) in tfjs' selu and TF's Selu.
  selu: unary('Selu'),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  // tfjs: clipByValue(0.5 + 0.2 * x, 0, 1).
  hardSigmoid: (g, x) => {
    const y = g.op1('AddV2', [scalar(g, 0.5), g.op1('Mul', [scalar(g, 0.2), x])]);
    return g.op1('Maximum', [g.op1('Minimum', [y, scalar(g, 1)]), scalar(g, 0)]);
  },
  // tfjs: sigmoid(alpha * x) * x with alpha = 1 (silu).
  swish: (g, x) => g.op1('Mul', [g.op1('Sigmoid', [x]), x]),
  // tfjs: x * tanh(softplus(x)).
  mish: (g, x) => g.op1('Mul', [x, g.op1('Tanh', [g.op1('Softplus', [x])])]),
  // tfjs 'gelu' is the exact form: x * 0.5 * (1 + erf(x / sqrt(2))).
  gelu: (g, x) => {
    const erf = g.op1('Erf', [g.op1('RealDiv', [x, scalar(g, Math.SQRT2)])]);
    return g.op1('Mul', [x, g.op1('Mul', [scalar(g, 0.5), g.op1('AddV2', [scalar(g, 1), erf])])]);
  },
  // tfjs 'gelu_new' is the tanh approximation:
  // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
  gelu_new: (g, x) => {
    const cube = g.op1('Mul', [scalar(g, 0.044715), g.op1('Pow', [x, scalar(g, 3)])]);
    const k = Math.fround(Math.sqrt(Math.fround(2 / Math.fround(Math.PI))));
    const inner = g.op1('Mul', [scalar(g, k), g.op1('AddV2', [x, cube])]);
    const t = g.op1('AddV2', [scalar(g, 1), g.op1('Tanh', [inner])]);
    return g.op1('Mul', [scalar(g, 0.5), g.op1('Mul', [x, t])]);
  },
};

/**
 * Activation names (as tfjs serializes them) that {@link applyActivation} supports.
 *
 * @example
 * ```ts
 * SUPPORTED_ACTIVATIONS.includes('gelu'); // true
 * ```
 */
export const SUPPORTED_ACTIVATIONS: readonly string[] = Object.keys(EMITTERS);

/**
 * Applies the activation tfjs serializes as `name` (`layer.getConfig().activation`) to `x`
 * under the scope `name`; returns `undefined` for a name it does not know, so the caller can
 * raise its coded error. `linear` (and no activation) adds no op.
 *
 * @example
 * ```ts
 * const y = applyActivation(g, logits, 'softmax') ?? fail();
 * ```
 */
export function applyActivation(g: GraphBuilder, x: TensorRef, name: string | null | undefined): TensorRef | undefined {
  if (name === null || name === undefined || name === 'linear') return x;
  const emit = Object.hasOwn(EMITTERS, name) ? EMITTERS[name] : undefined;
  if (!emit) return undefined;
  return g.withScope(name, () => emit(g, x));
}
