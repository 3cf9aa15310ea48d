/**
 * Activations between tfjs names (the SDK's `SUPPORTED_ACTIVATIONS`) and Keras, one table per
 * direction. Two tfjs activations have no Keras function of the same formula, so they are written
 * as Keras ops after the layer (Keras 3 functional configs serialize `keras.ops` calls):
 * tfjs `hardSigmoid` is clip(0.2x + 0.5, 0, 1) (Keras 3's `hard_sigmoid` uses x/6), and tfjs
 * `gelu_new` is the tanh approximation (`ops.gelu(x, approximate=True)`).
 */
import { SUPPORTED_ACTIVATIONS } from '@tfscale/sdk';
import { isObject } from './keras-json';

/**
 * A Keras op applied to the previous tensor: `args` follow the tensor in the call.
 *
 * @example
 * ```ts
 * const op: KerasOpStep = { module: 'keras.src.ops.numpy', className: 'Add', config: {}, args: [0.5], suffix: 'add' };
 * ```
 */
export interface KerasOpStep {
  readonly module: string;
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly args: readonly number[];
  /** Appended to the layer name to name the op node. */
  readonly suffix: string;
}

/**
 * tfjs activation → a Keras activation name, or ops that compute it after a linear layer.
 *
 * @example
 * ```ts
 * ACTIVATIONS_TO_KERAS.logSoftmax; // 'log_softmax'
 * ```
 */
export const ACTIVATIONS_TO_KERAS: Readonly<Record<string, string | readonly KerasOpStep[]>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  logSoftmax: 'log_softmax',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'silu',
  mish: 'mish',
  gelu: 'gelu',
  gelu_new: [
    { module: 'keras.src.ops.nn', className: 'Gelu', config: { approximate: true }, args: [], suffix: 'gelu_new' },
  ],
  hardSigmoid: [
    { module: 'keras.src.ops.numpy', className: 'Multiply', config: {}, args: [0.2], suffix: 'hard_sigmoid_mul' },
    { module: 'keras.src.ops.numpy', className: 'Add', config: {}, args: [0.5], suffix: 'hard_sigmoid_add' },
    {
      module: 'keras.src.ops.numpy',
      className: 'Clip',
      config: { x_min: 0.0, x_max: 1.0 },
      args: [],
      suffix: 'hard_sigmoid',
    },
  ],
};

/**
 * Keras activation name → tfjs name. `hard_sigmoid` only for tf.keras 2 files (0.2x + 0.5).
 *
 * @example
 * ```ts
 * ACTIVATIONS_FROM_KERAS.silu; // 'swish'
 * ```
 */
export const ACTIVATIONS_FROM_KERAS: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  log_softmax: 'logSoftmax',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
  silu: 'swish',
  swish: 'swish',
  mish: 'mish',
  gelu: 'gelu',
};

/**
 * The Keras form of a tfjs activation, or `undefined` when the SDK does not support it.
 *
 * @example
 * ```ts
 * activationToKeras('logSoftmax'); // 'log_softmax'
 * ```
 */
export function activationToKeras(name: string | null | undefined): string | readonly KerasOpStep[] | undefined {
  const tfjs = name ?? 'linear';
  if (!SUPPORTED_ACTIVATIONS.includes(tfjs) || !Object.hasOwn(ACTIVATIONS_TO_KERAS, tfjs)) return undefined;
  return ACTIVATIONS_TO_KERAS[tfjs];
}

/**
 * The tfjs name of a Keras activation (a name, or a serialized function object), or
 * `undefined` when tfjs has no activation with the same formula.
 *
 * @example
 * ```ts
 * activationFromKeras('silu', 3); // 'swish'
 * ```
 */
export function activationFromKeras(value: unknown, kerasMajor: number): string | undefined {
  let name: unknown = value ?? 'linear';
  if (isObject(name)) name = typeof name.config === 'string' ? name.config : name.class_name;
  if (typeof name !== 'string') return undefined;
  // tf.keras 2's hard_sigmoid is clip(0.2x + 0.5, 0, 1), tfjs' formula; Keras 3 changed it.
  if (name === 'hard_sigmoid' && kerasMajor < 3) return 'hardSigmoid';
  const tfjs = Object.hasOwn(ACTIVATIONS_FROM_KERAS, name) ? ACTIVATIONS_FROM_KERAS[name] : undefined;
  return tfjs !== undefined && SUPPORTED_ACTIVATIONS.includes(tfjs) ? tfjs : undefined;
}

/**
 * The Keras activation names {@link activationFromKeras} accepts, for error messages.
 *
 * @example
 * ```ts
 * importableActivations(); // 'linear, relu, …'
 * ```
 */
export function importableActivations(): string {
  return Object.keys(ACTIVATIONS_FROM_KERAS)
    .filter((k) => SUPPORTED_ACTIVATIONS.includes(ACTIVATIONS_FROM_KERAS[k]!))
    .join(', ');
}
