/**
 * 2-D pooling: MaxPooling2D -> MaxPool, AveragePooling2D -> AvgPool (both count only real
 * cells at 'same' borders, in tfjs and in TF), global pooling -> Mean / Max over H and W.
 */
import { attrValue } from '../attrs';
import { inNhwc, paddingAttr } from './conv';
import type { LayerCall, LayerEmitter } from './layer-call';
import { pair, single } from './layer-call';

function pool(op: 'MaxPool' | 'AvgPool'): LayerEmitter {
  return (call) => {
    const shape = call.inputShapes[0]!;
    if (shape.length !== 4) throw call.unsupported('inputShape', shape, 'a rank-4 input');
    // tfjs: strides default to the pool size.
    const [ph, pw] = pair(call.config.poolSize, 2);
    const [sh, sw] = call.config.strides == null ? [ph, pw] : pair(call.config.strides);
    const attrs = {
      ksize: attrValue.listI([1, ph, pw, 1]),
      strides: attrValue.listI([1, sh, sw, 1]),
      padding: paddingAttr(call),
    };
    return [inNhwc(call, single(call), (x) => call.g.op1(op, [x], attrs))];
  };
}

function globalPool(op: 'Mean' | 'Max'): LayerEmitter {
  return (call: LayerCall) => {
    const shape = call.inputShapes[0]!;
    if (shape.length !== 4) throw call.unsupported('inputShape', shape, 'a rank-4 input');
    const format = call.config.dataFormat ?? 'channelsLast';
    if (format !== 'channelsLast' && format !== 'channelsFirst') {
      throw call.unsupported('dataFormat', format, "'channelsLast' or 'channelsFirst'");
    }
    const axes = format === 'channelsLast' ? [1, 2] : [2, 3];
    const { g } = call;
    return [g.op1(op, [single(call), g.constant(axes, 'int32', [2], 'reduction_indices')])];
  };
}

/**
 * Emits a tfjs `MaxPooling2D` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.MaxPooling2D = emitMaxPooling2D;
 * ```
 */
export const emitMaxPooling2D: LayerEmitter = pool('MaxPool');

/**
 * Emits a tfjs `AveragePooling2D` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.AveragePooling2D = emitAveragePooling2D;
 * ```
 */
export const emitAveragePooling2D: LayerEmitter = pool('AvgPool');

/**
 * Emits a tfjs `GlobalAveragePooling2D` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.GlobalAveragePooling2D = emitGlobalAveragePooling2D;
 * ```
 */
export const emitGlobalAveragePooling2D: LayerEmitter = globalPool('Mean');

/**
 * Emits a tfjs `GlobalMaxPooling2D` call.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.GlobalMaxPooling2D = emitGlobalMaxPooling2D;
 * ```
 */
export const emitGlobalMaxPooling2D: LayerEmitter = globalPool('Max');
