/**
 * Which variables a layer has, in the order Keras 3 stores them (`vars/0`, `vars/1`, … in
 * `model.weights.h5`: trainable variables then non-trainable, each in creation order), named
 * with tfjs' short weight names. Read by both directions; layers not listed have no variables.
 */
import type { Json } from './keras-json';

const withBias = (first: string) => (c: Json) => (c.useBias === false ? [first] : [first, 'bias']);

/**
 * tfjs class → its variables' tfjs short names in Keras order, from the tfjs config.
 *
 * @example
 * ```ts
 * LAYER_VARIABLES.Dense!({ useBias: true }); // ['kernel', 'bias']
 * ```
 */
export const LAYER_VARIABLES: Readonly<Record<string, (tfjsConfig: Json) => string[]>> = {
  Dense: withBias('kernel'),
  Conv2D: withBias('kernel'),
  DepthwiseConv2D: withBias('depthwise_kernel'),
  Embedding: () => ['embeddings'],
  BatchNormalization: (c) => [
    ...(c.scale === false ? [] : ['gamma']),
    ...(c.center === false ? [] : ['beta']),
    'moving_mean',
    'moving_variance',
  ],
  LayerNormalization: (c) => [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta'])],
};

/**
 * Keras short variable names (legacy `.h5` `weight_names`) that tfjs spells differently.
 *
 * @example
 * ```ts
 * KERAS_VARIABLE_ALIASES.DepthwiseConv2D!.kernel; // 'depthwise_kernel'
 * ```
 */
export const KERAS_VARIABLE_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Keras 3 names the depthwise kernel `kernel`; tf.keras 2 and tfjs `depthwise_kernel`.
  DepthwiseConv2D: { kernel: 'depthwise_kernel' },
};

/**
 * The tfjs short name of a weight (`dense_1/kernel` → `kernel`).
 *
 * @example
 * ```ts
 * shortName('conv/depthwise_kernel'); // 'depthwise_kernel'
 * ```
 */
export function shortName(weightName: string): string {
  return weightName.split('/').at(-1)!.replace(/:\d+$/, '');
}

/**
 * The variable names of a layer in Keras order.
 *
 * @example
 * ```ts
 * variableOrder('BatchNormalization', { center: false }); // ['gamma', 'moving_mean', 'moving_variance']
 * ```
 */
export function variableOrder(className: string, tfjsConfig: Json): string[] {
  const order = Object.hasOwn(LAYER_VARIABLES, className) ? LAYER_VARIABLES[className] : undefined;
  return order ? order(tfjsConfig) : [];
}
