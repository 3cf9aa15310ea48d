/**
 * Conv2D -> Conv2D, DepthwiseConv2D -> DepthwiseConv2dNative, each + BiasAdd + activation.
 * Like tfjs, computation is NHWC: a channelsFirst layer transposes its input to NHWC and its
 * output back (TF's CPU kernels only implement NHWC anyway).
 */
import { attrValue } from '../attrs';
import type { TensorRef } from '../graph-builder';
import { activate, type LayerCall, type LayerEmitter, pair, single } from './layer-call';

/**
 * TF's `padding` attr for a tfjs padding mode ('causal' is Conv1D-only and unsupported).
 *
 * @example
 * ```ts
 * const padding = paddingAttr(call); // attrValue.s('SAME')
 * ```
 */
export function paddingAttr(call: LayerCall) {
  const padding = call.config.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') throw call.unsupported('padding', padding, "'same' or 'valid'");
  return attrValue.s(padding === 'same' ? 'SAME' : 'VALID');
}

/**
 * Runs `body` on `x` in NHWC: transposes in and out when the layer is channelsFirst.
 *
 * @example
 * ```ts
 * const y = inNhwc(call, x, (nhwc) => g.op1('MaxPool', [nhwc], attrs));
 * ```
 */
export function inNhwc(call: LayerCall, x: TensorRef, body: (nhwc: TensorRef) => TensorRef): TensorRef {
  const format = call.config.dataFormat ?? 'channelsLast';
  if (format === 'channelsLast') return body(x);
  if (format !== 'channelsFirst') throw call.unsupported('dataFormat', format, "'channelsLast' or 'channelsFirst'");
  const { g } = call;
  const nhwc = g.op1('Transpose', [x, g.constant([0, 2, 3, 1], 'int32', [4], 'perm')], {}, { name: 'to_nhwc' });
  const y = body(nhwc);
  return g.op1('Transpose', [y, g.constant([0, 3, 1, 2], 'int32', [4], 'perm')], {}, { name: 'to_nchw' });
}

function requireRank4(call: LayerCall): void {
  const shape = call.inputShapes[0]!;
  if (shape.length !== 4) throw call.unsupported('inputShape', shape, 'a rank-4 input');
}

/**
 * Emits a tfjs `Conv2D` call (strides, dilationRate, padding, dataFormat, useBias, activation).
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.Conv2D = emitConv2D;
 * ```
 */
export const emitConv2D: LayerEmitter = (call) => {
  const { g, config } = call;
  requireRank4(call);
  const [sh, sw] = pair(config.strides);
  const [dh, dw] = pair(config.dilationRate);
  const attrs = {
    strides: attrValue.listI([1, sh, sw, 1]),
    dilations: attrValue.listI([1, dh, dw, 1]),
    padding: paddingAttr(call),
  };
  const y = inNhwc(call, single(call), (x) => {
    const conv = g.op1('Conv2D', [x, call.weight('kernel')], attrs);
    return config.useBias === false ? conv : g.op1('BiasAdd', [conv, call.weight('bias')]);
  });
  return [activate(call, y)];
};

/**
 * Emits a tfjs `DepthwiseConv2D` call. tfjs ignores `dilationRate` for this layer, so a
 * dilation other than 1 is rejected rather than exported as something tfjs does not compute.
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.DepthwiseConv2D = emitDepthwiseConv2D;
 * ```
 */
export const emitDepthwiseConv2D: LayerEmitter = (call) => {
  const { g, config } = call;
  requireRank4(call);
  const [dh, dw] = pair(config.dilationRate);
  if (dh !== 1 || dw !== 1) {
    throw call.unsupported('dilationRate', config.dilationRate, '1 (tfjs DepthwiseConv2D ignores dilation)');
  }
  const [sh, sw] = pair(config.strides);
  const attrs = { strides: attrValue.listI([1, sh, sw, 1]), padding: paddingAttr(call) };
  const y = inNhwc(call, single(call), (x) => {
    const conv = g.op1('DepthwiseConv2dNative', [x, call.weight('depthwise_kernel')], attrs);
    return config.useBias === false ? conv : g.op1('BiasAdd', [conv, call.weight('bias')]);
  });
  return [activate(call, y)];
};
