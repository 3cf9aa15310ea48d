/**
 * GraphShape-only layers: Flatten and Reshape (Reshape ops keeping the batch dimension), and the
 * layers that are the identity at inference (Dropout and the noise layers), which add no op.
 */
import { knownSize, reshapeKeeping } from '../shape-ops';
import { type LayerEmitter, single } from './layer-call';

/**
 * Emits a tfjs `Flatten` call: `[b, ...] -> [b, prod(...)]`; a channelsFirst layer first moves
 * the channels last, as tfjs does.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Flatten = emitFlatten;
 * ```
 */
export const emitFlatten: LayerEmitter = (call) => {
  const { g } = call;
  let x = single(call);
  let shape = call.inputShapes[0]!;
  if (shape.length < 2) throw call.unsupported('inputShape', shape, 'rank >= 2');
  const format = call.config.dataFormat ?? 'channelsLast';
  if (format === 'channelsFirst' && shape.length > 2) {
    const perm = [0, ...Array.from({ length: shape.length - 2 }, (_, i) => i + 2), 1];
    x = g.op1('Transpose', [x, g.constant(perm, 'int32', [perm.length], 'perm')]);
    shape = perm.map((i) => shape[i]!);
  } else if (format !== 'channelsLast' && format !== 'channelsFirst') {
    throw call.unsupported('dataFormat', format, "'channelsLast' or 'channelsFirst'");
  }
  return [reshapeKeeping(g, x, x, shape, 1, [knownSize(shape.slice(1)) ?? -1])];
};

/**
 * Emits a tfjs `Reshape` call: `[b, ...] -> [b, ...targetShape]` (one unknown allowed, as in
 * tfjs).
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Reshape = emitReshape;
 * ```
 */
export const emitReshape: LayerEmitter = (call) => {
  const x = single(call);
  const target = (call.config.targetShape as (number | null)[]).map((d) => (d === null || d < 0 ? -1 : d));
  if (target.filter((d) => d === -1).length > 1) {
    throw call.unsupported('targetShape', call.config.targetShape, 'at most one unknown dimension');
  }
  return [reshapeKeeping(call.g, x, x, call.inputShapes[0]!, 1, target)];
};

/**
 * Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout: tfjs `predict`
 * runs them with `training: false`, where each returns its input unchanged.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Dropout = emitIdentityAtInference;
 * ```
 */
export const emitIdentityAtInference: LayerEmitter = (call) => [single(call)];
