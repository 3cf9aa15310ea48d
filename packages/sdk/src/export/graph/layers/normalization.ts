/**
 * Normalization at inference, with tfjs' formula `(x - mean) * rsqrt(var + eps) * gamma + beta`
 * (tfjs-core batchNorm):
 * - BatchNormalization uses the moving mean and variance (what `predict` uses);
 * - LayerNormalization uses the mean and variance of `x` over `axis`, as tfjs' `moments`:
 *   `mean(x)`, `mean(square(x - mean))`, both with kept dims.
 * Parameters broadcast along `axis`; for any other axis than the last they are reshaped to
 * 1s elsewhere, as tfjs does.
 */
import type { GraphShape } from '../attrs';
import type { TensorRef } from '../graph-builder';
import type { LayerCall, LayerEmitter } from './layer-call';
import { single } from './layer-call';

function normalizedAxes(call: LayerCall, rank: number): number[] {
  const raw = call.config.axis ?? -1;
  const axes = (Array.isArray(raw) ? raw : [raw]) as number[];
  const resolved = axes.map((a) => (a < 0 ? a + rank : a));
  if (resolved.some((a) => !Number.isInteger(a) || a < 1 || a >= rank)) {
    throw call.unsupported('axis', raw, `non-batch axes of a rank-${rank} input`);
  }
  return resolved;
}

/** Reshapes a parameter to broadcast along `axes` of `shape`, unless it already does. */
function broadcastParam(call: LayerCall, value: TensorRef, shape: GraphShape, axes: number[]): TensorRef {
  const rank = shape.length;
  if (axes.length === 1 && axes[0] === rank - 1) return value;
  const target = shape.map((d, i) => (axes.includes(i) ? (d ?? -1) : 1));
  return call.g.op1('Reshape', [value, call.g.constant(target, 'int32', [rank], 'shape')]);
}

function normalize(
  call: LayerCall,
  x: TensorRef,
  mean: TensorRef,
  variance: TensorRef,
  param: (name: string) => TensorRef,
): TensorRef {
  const { g, config } = call;
  const epsilon = (config.epsilon as number | undefined) ?? 1e-3;
  let inv = g.op1('Rsqrt', [g.op1('AddV2', [variance, g.constant([epsilon], 'float32', [], 'epsilon')])]);
  if (config.scale !== false) inv = g.op1('Mul', [inv, param('gamma')]);
  const y = g.op1('Mul', [g.op1('Sub', [x, mean]), inv]);
  return config.center !== false ? g.op1('AddV2', [y, param('beta')]) : y;
}

/**
 * Emits a tfjs `BatchNormalization` call at inference (axis, epsilon, center, scale).
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.BatchNormalization = emitBatchNormalization;
 * ```
 */
export const emitBatchNormalization: LayerEmitter = (call) => {
  const shape = call.inputShapes[0]!;
  // tfjs' batchNorm kernels exist for ranks 2 to 4 only.
  if (shape.length < 2 || shape.length > 4) throw call.unsupported('inputShape', shape, 'rank 2, 3 or 4');
  const axes = normalizedAxes(call, shape.length);
  const param = (name: string) => broadcastParam(call, call.weight(name), shape, axes);
  return [normalize(call, single(call), param('moving_mean'), param('moving_variance'), param)];
};

/**
 * Emits a tfjs `LayerNormalization` call (axis as number or list, epsilon, center, scale).
 *
 * @example
 * ```ts
 * LAYER_EMITTERS.LayerNormalization = emitLayerNormalization;
 * ```
 */
export const emitLayerNormalization: LayerEmitter = (call) => {
  const { g } = call;
  const x = single(call);
  const shape = call.inputShapes[0]!;
  const axes = normalizedAxes(call, shape.length);
  const keep = { keep_dims: { b: true } };
  const axesConst = g.constant(axes, 'int32', [axes.length], 'axes');
  const mean = g.op1('Mean', [x, axesConst], keep, { name: 'mean' });
  const variance = g.op1('Mean', [g.op1('Square', [g.op1('Sub', [x, mean])]), axesConst], keep, { name: 'variance' });
  const param = (name: string) => broadcastParam(call, call.weight(name), shape, axes);
  return [normalize(call, x, mean, variance, param)];
};
