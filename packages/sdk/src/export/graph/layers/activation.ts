/**
 * The `Activation` layer: its activation alone, with the same mapping as the fused ones.
 */
import { activate, type LayerEmitter, single } from './layer-call';

/**
 * Emits a tfjs `Activation` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Activation = emitActivation;
 * ```
 */
export const emitActivation: LayerEmitter = (call) => [activate(call, single(call))];
