/**
 * Every TensorFlow op the ONNX exporter lowers, by op name.
 * @packageDocumentation
 */
import type { Lowerer } from '../lowering-context';
import { ELEMENTWISE_LOWERERS } from './elementwise';
import { NN_LOWERERS } from './nn';
import { SHAPE_LOWERERS } from './shape';

/**
 * TF op -> ONNX lowering.
 *
 * @example
 * ```ts
 * Object.hasOwn(LOWERERS, 'Conv2D'); // true
 * ```
 */
export const LOWERERS: Readonly<Record<string, Lowerer>> = {
  ...ELEMENTWISE_LOWERERS,
  ...NN_LOWERERS,
  ...SHAPE_LOWERERS,
};
