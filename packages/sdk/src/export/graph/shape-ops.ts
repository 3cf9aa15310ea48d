/**
 * Reshapes whose target depends on dimensions only known at run time (the batch, or a free
 * sequence length): a constant target when at most one dimension is unknown (TF's -1),
 * otherwise the leading dimensions are read with GraphShape + StridedSlice.
 */
import type { GraphShape } from './attrs';
import type { GraphBuilder, TensorRef } from './graph-builder';

/**
 * Reshapes `x` to `source`'s first `keep` dimensions followed by `tail` (which may hold one -1).
 *
 * @example
 * ```ts
 * // Dense on [b, t, 8]: back from [b*t, units] to [b, t, units].
 * const y3 = reshapeKeeping(g, y2, x, [null, 5, 8], 2, [units]);
 * ```
 */
export function reshapeKeeping(
  g: GraphBuilder,
  x: TensorRef,
  source: TensorRef,
  sourceShape: GraphShape,
  keep: number,
  tail: readonly number[],
): TensorRef {
  const leading = sourceShape.slice(0, keep);
  const unknown = leading.filter((d) => d === null).length + tail.filter((d) => d < 0).length;
  if (unknown <= 1) {
    const target = [...leading.map((d) => d ?? -1), ...tail];
    return g.op1('Reshape', [x, g.constant(target, 'int32', [target.length], 'shape')]);
  }
  const shape = g.op1('Shape', [source]);
  const head = g.op1('StridedSlice', [
    shape,
    g.constant([0], 'int32', [1], 'begin'),
    g.constant([keep], 'int32', [1], 'end'),
    g.constant([1], 'int32', [1], 'strides'),
  ]);
  const target = g.op1('ConcatV2', [
    head,
    g.constant(tail, 'int32', [tail.length], 'tail'),
    g.constant([0], 'int32', [], 'axis'),
  ]);
  return g.op1('Reshape', [x, target]);
}

/**
 * The product of known dimensions, or `null` when any is unknown.
 *
 * @example
 * ```ts
 * knownSize([4, 4, 3]); // 48
 * ```
 */
export function knownSize(dims: GraphShape): number | null {
  let size = 1;
  for (const d of dims) {
    if (d === null) return null;
    size *= d;
  }
  return size;
}
