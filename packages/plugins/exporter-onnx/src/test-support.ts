/**
 * Helpers shared by this package's tests (left out of the published files).
 */
import * as assert from 'node:assert/strict';
import type { Tf } from '@tfscale/sdk';
import type * as ort from 'onnxruntime-node';

type Tensor = ReturnType<Tf['tensor']>;

/**
 * Asserts ONNX Runtime's `got` equals TensorFlow's `want`: same shape and
 * |got - want| <= 1e-5 + 1e-5 * |want| per element.
 *
 * @example
 * ```ts
 * assertClose(result.y as ort.Tensor, model.predict(x) as Tensor, 'y');
 * ```
 */
export function assertClose(got: ort.Tensor, want: Tensor, what: string): void {
  assert.deepEqual([...got.dims], want.shape, `${what}: shape`);
  const w = want.dataSync();
  const g = got.data as Float32Array;
  for (let i = 0; i < w.length; i++) {
    const ok =
      g[i] === w[i] ||
      Math.abs(g[i]! - w[i]!) <= 1e-5 + 1e-5 * Math.abs(w[i]!) ||
      (Number.isNaN(g[i]) && Number.isNaN(w[i]));
    assert.ok(ok, `${what}[${i}]: ${g[i]} vs ${w[i]}`);
  }
}
