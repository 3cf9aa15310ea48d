/**
 * Shape rules shared by the lowerers, on concrete shapes (see ./tensor-table for how unknown
 * dimensions are found).
 */
import type { ShapeRule } from './tensor-table';

/**
 * The output of an element-wise op: the first input's shape.
 *
 * @example
 * ```ts
 * sameAsFirst([[1, 3]], []); // [1, 3]
 * ```
 */
export const sameAsFirst: ShapeRule = ([x]) => [...x!];

/**
 * NumPy broadcasting of two shapes (what TFLite's binary kernels implement).
 *
 * @example
 * ```ts
 * broadcast([[5, 4], [4]], []); // [5, 4]
 * ```
 */
export const broadcast: ShapeRule = ([a, b]) => {
  const rank = Math.max(a!.length, b!.length);
  // Dimension `k` counted from the right; missing leading dimensions are 1.
  const at = (s: number[], k: number) => (k < s.length ? s[s.length - 1 - k]! : 1);
  const out: number[] = [];
  for (let k = rank - 1; k >= 0; k--) out.push(at(a!, k) === 1 ? at(b!, k) : at(a!, k));
  return out;
};

/**
 * One spatial output size of a convolution or pooling window.
 *
 * @example
 * ```ts
 * windowOutput(12, 3, 2, 1, 'VALID'); // 5
 * ```
 */
export function windowOutput(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: 'SAME' | 'VALID',
): number {
  if (padding === 'SAME') return Math.ceil(size / stride);
  const effective = (kernel - 1) * dilation + 1;
  return Math.max(0, Math.ceil((size - effective + 1) / stride));
}

/**
 * The output shape of a Reshape of `input` to `target` (one -1 allowed).
 *
 * @example
 * ```ts
 * reshaped([2, 4, 7], [-1, 28]); // [2, 28]
 * ```
 */
export function reshaped(input: readonly number[], target: readonly number[]): number[] {
  const total = input.reduce((a, d) => a * d, 1);
  const rest = target.reduce((a, d) => (d >= 0 ? a * d : a), 1);
  return target.map((d) => (d >= 0 ? d : rest === 0 ? 0 : total / rest));
}

/**
 * An axis made non-negative for a tensor of rank `rank`.
 *
 * @example
 * ```ts
 * normalizeAxis(-1, 4); // 3
 * ```
 */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
