/**
 * Embedding -> GatherV2(embeddings, indices, axis 0), which yields `indices.shape + [outputDim]`
 * exactly like tfjs' gather-then-reshape. Non-int32 indices are cast to int32 first (TF's Cast
 * truncates toward zero, as tfjs' cast does). The mask (`maskZero`) does not change the
 * layer's output; it only matters to mask-consuming layers, none of which export.
 */
import { attrValue } from '../attrs';
import { type LayerEmitter, single } from './layer-call';

/**
 * Emits a tfjs `Embedding` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Embedding = emitEmbedding;
 * ```
 */
export const emitEmbedding: LayerEmitter = (call) => {
  const { g } = call;
  let indices = single(call);
  if (indices.dtype !== 'int32') indices = g.op1('Cast', [indices], { DstT: attrValue.type('int32') });
  return [g.op1('GatherV2', [call.weight('embeddings'), indices, g.constant([0], 'int32', [], 'axis')])];
};
