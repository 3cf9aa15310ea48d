import type * as tf from '@tensorflow/tfjs';

// Duck typing, not `instanceof`: a user's model may come from another copy of tfjs (tfjs-node
// bundles its own), and this module must not load tfjs just to validate a definition.

/**
 * A function that builds the model, possibly asynchronously (e.g. after loading weights).
 * @example
 *   const model: ModelFactory = () => tf.loadLayersModel('file://models/base/model.json');
 */
export type ModelFactory = () => tf.LayersModel | Promise<tf.LayersModel>;

/**
 * In-memory training data: tensors, nested number arrays, or named maps of them.
 * @example
 *   const x: TensorData = [[0, 0], [0, 1], [1, 0], [1, 1]];
 */
export type TensorData = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap | tf.TensorLike;

/**
 * A tfjs dataset yielding `{ xs, ys }` elements, as `model.fitDataset` takes.
 * @example
 *   const train: DatasetLike = tf.data.csv('file://train.csv', { columnConfigs: { y: { isLabel: true } } });
 */
export type DatasetLike = tf.data.Dataset<tf.TensorContainer>;

/**
 * A callback given as an object or class instance with Keras-named hooks (`onEpochEnd`, …). The
 * callbacks module defines the full contract.
 * @example
 *   const logger: CallbackObject = { onEpochEnd: async (epoch: number) => console.log(epoch) };
 */
export type CallbackObject = object;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const hasMethods = (value: unknown, names: string[]): boolean =>
  isObject(value) && names.every((n) => typeof value[n] === 'function');

/**
 * True for a tfjs `LayersModel` (or `Sequential`) from any copy of tfjs.
 * @example
 *   isLayersModel(tf.sequential()); // true
 */
export function isLayersModel(value: unknown): value is tf.LayersModel {
  return hasMethods(value, ['fit', 'compile', 'predict']);
}

/**
 * True for a tfjs `data.Dataset`.
 * @example
 *   isDataset(tf.data.array([1, 2])); // true
 */
export function isDataset(value: unknown): value is DatasetLike {
  return hasMethods(value, ['iterator', 'batch', 'forEachAsync']);
}

function isTensor(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.shape) && typeof value.dtype === 'string';
}

/**
 * True for data `model.fit` takes as `x` or `y`: a tensor, a (typed) array, or a map of tensors.
 * @example
 *   isTensorData([[0, 1], [1, 0]]); // true
 *   isTensorData('train.csv'); // false
 */
export function isTensorData(value: unknown): value is TensorData {
  if (Array.isArray(value) || ArrayBuffer.isView(value) || isTensor(value)) return true;
  return isObject(value) && Object.values(value).length > 0 && Object.values(value).every(isTensor);
}

const HOOKS = [
  'onTrainBegin',
  'onTrainEnd',
  'onEpochBegin',
  'onEpochEnd',
  'onBatchBegin',
  'onBatchEnd',
  'onTrainBatchBegin',
  'onTrainBatchEnd',
  'onTestBegin',
  'onTestEnd',
  'onTestBatchBegin',
  'onTestBatchEnd',
  'onPredictBegin',
  'onPredictEnd',
  'onYield',
];

/**
 * True for a callback object: anything with at least one Keras-named hook method.
 * @example
 *   isCallbackObject({ onEpochEnd: async () => {} }); // true
 */
export function isCallbackObject(value: unknown): value is CallbackObject {
  return isObject(value) && HOOKS.some((h) => typeof value[h] === 'function');
}
