/**
 * Merge layers: Concatenate -> ConcatV2 on the layer's axis; Add / Multiply / Maximum /
 * Minimum -> a left-to-right chain of AddV2 / Mul / Maximum / Minimum; Average -> the AddV2 chain
 * times 1/n, in tfjs' order. Inputs of equal rank broadcast the same way in tfjs and TF; tfjs
 * expands lower-rank inputs at axis 1 instead, so mixed ranks are rejected.
 */
import type { TensorRef } from '../graph-builder';
import type { LayerCall, LayerEmitter } from './layer-call';

function sameRank(call: LayerCall): void {
  const ranks = call.inputShapes.map((s) => s.length);
  if (call.inputs.length < 2) throw call.unsupported('inputs', call.inputs.length, 'at least two input tensors');
  if (new Set(ranks).size !== 1) throw call.unsupported('input ranks', ranks, 'inputs of equal rank');
}

function chain(op: string): (call: LayerCall) => TensorRef {
  return (call) => {
    sameRank(call);
    return call.inputs.slice(1).reduce((acc, x) => call.g.op1(op, [acc, x]), call.inputs[0]!);
  };
}

const add = chain('AddV2');

/**
 * Emits a tfjs `Add` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Add = emitAdd;
 * ```
 */
export const emitAdd: LayerEmitter = (call) => [add(call)];

/**
 * Emits a tfjs `Multiply` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Multiply = emitMultiply;
 * ```
 */
export const emitMultiply: LayerEmitter = (call) => [chain('Mul')(call)];

/**
 * Emits a tfjs `Maximum` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Maximum = emitMaximum;
 * ```
 */
export const emitMaximum: LayerEmitter = (call) => [chain('Maximum')(call)];

/**
 * Emits a tfjs `Minimum` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Minimum = emitMinimum;
 * ```
 */
export const emitMinimum: LayerEmitter = (call) => [chain('Minimum')(call)];

/**
 * Emits a tfjs `Average` call: `(1 / n) * (x0 + x1 + …)`.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Average = emitAverage;
 * ```
 */
export const emitAverage: LayerEmitter = (call) => {
  const sum = add(call);
  return [call.g.op1('Mul', [call.g.constant([1 / call.inputs.length], 'float32', []), sum])];
};

/**
 * Emits a tfjs `Concatenate` call (`axis`, default -1; TF's ConcatV2 takes negative axes).
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Concatenate = emitConcatenate;
 * ```
 */
export const emitConcatenate: LayerEmitter = (call) => {
  sameRank(call);
  const axis = (call.config.axis as number | undefined) ?? -1;
  const { g } = call;
  return [g.op1('ConcatV2', [...call.inputs, g.constant([axis], 'int32', [], 'axis')])];
};
