/**
 * Dense: MatMul + BiasAdd + activation. On rank > 2 inputs tfjs (K.dot) reshapes to
 * `[-1, inDim]`, multiplies and reshapes back to `[...leading, units]`; so do we.
 */
import { reshapeKeeping } from '../shape-ops';
import { activate, type LayerEmitter, single } from './layer-call';

/**
 * Emits a tfjs `Dense` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Dense = emitDense;
 * ```
 */
export const emitDense: LayerEmitter = (call) => {
  const { g, config } = call;
  const x = single(call);
  const shape = call.inputShapes[0]!;
  const inDim = shape.at(-1);
  if (shape.length < 2 || inDim === null || inDim === undefined) {
    throw call.unsupported('inputShape', shape, 'rank >= 2 with a known last dimension');
  }
  const units = config.units as number;
  const kernel = call.weight('kernel');
  let y: typeof x;
  if (shape.length === 2) {
    y = g.op1('MatMul', [x, kernel]);
  } else {
    const flat = g.op1('Reshape', [x, g.constant([-1, inDim], 'int32', [2], 'shape')]);
    y = reshapeKeeping(g, g.op1('MatMul', [flat, kernel]), x, shape, shape.length - 1, [units]);
  }
  if (config.useBias !== false) y = g.op1('BiasAdd', [y, call.weight('bias')]);
  return [activate(call, y)];
};
