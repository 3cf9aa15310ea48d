/**
 * The JSON that Keras writes in `config.json` (and, for legacy `.h5`, in the `model_config`
 * attribute): serialized objects, layer entries with their inbound nodes, and small helpers.
 */

/**
 * A JSON object as parsed (values are checked where they are used).
 *
 * @example
 * ```ts
 * const config: Json = { units: 3 };
 * ```
 */
export type Json = Record<string, unknown>;

/**
 * A serialized Keras object: `{ module, class_name, config, registered_name }` (Keras 3), or
 * `{ class_name, config }` (tf.keras 2 and Keras 3's legacy `.h5`).
 *
 * @example
 * ```ts
 * const relu: KerasObject = { module: 'keras.layers', class_name: 'ReLU', config: {}, registered_name: null };
 * ```
 */
export interface KerasObject {
  module?: string;
  class_name: string;
  config: Json;
  registered_name?: string | null;
  [key: string]: unknown;
}

/**
 * The Keras version whose `.keras` layout this plugin writes (checked by the interop test).
 *
 * @example
 * ```ts
 * JSON.stringify({ keras_version: KERAS_VERSION });
 * ```
 */
export const KERAS_VERSION = '3.15.1';

/**
 * Keras' `to_snake_case` (keras/src/utils/naming.py), which names the groups of
 * `model.weights.h5` after each layer's class.
 *
 * @example
 * ```ts
 * toSnakeCase('GlobalAveragePooling2D'); // 'global_average_pooling2d'
 * ```
 */
export function toSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * camelCase to snake_case for config keys and enum values (`kernelSize` → `kernel_size`,
 * `channelsLast` → `channels_last`), as tfjs converts them for its Keras JSON.
 *
 * @example
 * ```ts
 * snake('dilationRate'); // 'dilation_rate'
 * ```
 */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * snake_case to camelCase (`use_bias` → `useBias`).
 *
 * @example
 * ```ts
 * camel('moving_mean_initializer'); // 'movingMeanInitializer'
 * ```
 */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Keras 3's float32 dtype policy object, as layers serialize it.
 *
 * @example
 * ```ts
 * const config = { name: 'dense', dtype: float32Policy() };
 * ```
 */
export function float32Policy(): KerasObject {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
}

/**
 * The dtype policy name of a layer config's `dtype` (a policy object, a string, or absent).
 *
 * @example
 * ```ts
 * policyName({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } }); // 'float32'
 * ```
 */
export function policyName(dtype: unknown): string {
  if (dtype === undefined || dtype === null) return 'float32';
  if (typeof dtype === 'string') return dtype;
  const config = isObject(dtype) && isObject(dtype.config) ? dtype.config : undefined;
  return typeof config?.name === 'string' ? config.name : JSON.stringify(dtype);
}

/**
 * True for a plain (non-array) object.
 *
 * @example
 * ```ts
 * isObject({}); // true
 * ```
 */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value as `[a, b]` (Keras and tfjs accept a number or a pair for sizes and strides).
 *
 * @example
 * ```ts
 * pairOf(3); // [3, 3]
 * ```
 */
export function pairOf(value: unknown): [number, number] | undefined {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number'))
    return [value[0] as number, value[1] as number];
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') return [value[0], value[0]];
  return undefined;
}
