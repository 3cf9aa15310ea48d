/**
 * The `Rescaling` preprocessing layer: `x * scale + offset`, as tfjs computes it (in float32).
 */
import type { LayerEmitter } from './layer-call';
import { single } from './layer-call';

/**
 * Emits a tfjs `Rescaling` call (float inputs, as tfjs requires) as Mul → AddV2.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Rescaling = emitRescaling;
 * ```
 */
export const emitRescaling: LayerEmitter = (call) => {
  const { g, config } = call;
  const scale = Number(config.scale);
  const offset = Number(config.offset ?? 0);
  if (!Number.isFinite(scale)) throw call.unsupported('scale', config.scale, 'a finite number');
  if (!Number.isFinite(offset)) throw call.unsupported('offset', config.offset, 'a finite number');
  const scaled = g.op1('Mul', [single(call), g.constant([scale], 'float32', [], 'scale')]);
  return [g.op1('AddV2', [scaled, g.constant([offset], 'float32', [], 'offset')])];
};
