/**
 * ServingTensor ↔ tf.Tensor for the TF.js runtime. TF.js tensors hold float32, int32, bool and
 * string only: int64 crosses as int32 when every value fits (TF.js graph models do the same), and
 * comes back widened to BigInt64Array when the signature says int64.
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import { type ServingDType, ServingError, type ServingTensor } from '../types';
import { SERVING_DTYPES } from './tf-dtypes';

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/**
 * A tf.Tensor holding `t` (caller disposes it). Throws INVALID_ARGUMENT for int64 values outside
 * the int32 range, UNIMPLEMENTED for dtypes TF.js has no tensor for.
 * @example
 *   const x = toTfTensor(tf, 'x', { dtype: 'float32', shape: [1, 1], data: Float32Array.of(3) });
 */
export function toTfTensor(tf: Tf, key: string, t: ServingTensor): Tensor {
  switch (t.dtype) {
    case 'float32':
    case 'int32':
      return tf.tensor(t.data as Float32Array | Int32Array, t.shape, t.dtype);
    case 'bool':
      return tf.tensor(t.data as Uint8Array, t.shape, 'bool');
    case 'string':
      return tf.tensor(t.data as Uint8Array[], t.shape, 'string');
    case 'int64': {
      const data = t.data as BigInt64Array;
      const bad = data.find((v) => v < INT32_MIN || v > INT32_MAX);
      if (bad !== undefined) {
        throw new ServingError(
          'INVALID_ARGUMENT',
          `Input "${key}" holds the int64 value ${bad}, outside the int32 range TF.js tensors carry; ` +
            'serve the model as a SavedModel to use the full int64 range.',
        );
      }
      return tf.tensor(Int32Array.from(data, Number), t.shape, 'int32');
    }
    default:
      throw new ServingError(
        'UNIMPLEMENTED',
        `Input "${key}" has dtype ${SERVING_DTYPES[t.dtype].dt}, which TF.js tensors cannot hold.`,
      );
  }
}

/**
 * Reads a tf.Tensor into a ServingTensor of the signature's `dtype` (int32 widened to int64 when
 * the signature says so). Does not dispose `t`.
 * @example
 *   const y = await fromTfTensor(out, 'float32');
 */
export async function fromTfTensor(t: Tensor, dtype: ServingDType): Promise<ServingTensor> {
  const shape = [...t.shape];
  if (t.dtype === 'string') return { dtype: 'string', shape, data: (await t.bytes()) as Uint8Array[] };
  const values = await t.data();
  if (dtype === 'int64') return { dtype, shape, data: BigInt64Array.from(values as Int32Array, (v) => BigInt(v)) };
  if (t.dtype === 'bool') return { dtype: 'bool', shape, data: Uint8Array.from(values as Uint8Array) };
  if (t.dtype === 'int32') return { dtype: 'int32', shape, data: values as Int32Array };
  return { dtype: 'float32', shape, data: values as Float32Array };
}
