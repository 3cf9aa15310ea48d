/**
 * Shared facts of the TensorBundle format: the dtypes tfscale reads and writes, their
 * `tensorflow.DataType` codes (tensorflow/core/framework/types.proto) and the file names
 * (tensorflow/core/util/tensor_bundle/naming.cc).
 */
import { endianness } from 'node:os';
import { TfscaleError } from '../../core/errors';

/**
 * A tensor element type tfscale can put in (and take out of) a bundle.
 *
 * @example
 * ```ts
 * const dtype: BundleDtype = 'float32';
 * ```
 */
export type BundleDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'string';

/**
 * Per dtype: its `tensorflow.DataType` code and its element size in the data file (0 for
 * `string`, which is variable length).
 *
 * @example
 * ```ts
 * BUNDLE_DTYPES.int64; // { code: 9, bytes: 8 }
 * ```
 */
export const BUNDLE_DTYPES: Readonly<Record<BundleDtype, { readonly code: number; readonly bytes: number }>> = {
  float32: { code: 1, bytes: 4 },
  float64: { code: 2, bytes: 8 },
  int32: { code: 3, bytes: 4 },
  string: { code: 7, bytes: 0 },
  int64: { code: 9, bytes: 8 },
  bool: { code: 10, bytes: 1 },
};

/**
 * The array type a read tensor's `data` has, per dtype (`bool` as 0/1 bytes; `string` as raw
 * bytes, since TensorFlow strings need not be UTF-8).
 *
 * @example
 * ```ts
 * const kernel: BundleDataByDtype['float32'] = new Float32Array(12);
 * ```
 */
export interface BundleDataByDtype {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
  string: Buffer[];
}

/**
 * One tensor read from a bundle; narrowing on `dtype` types `data`.
 *
 * @example
 * ```ts
 * if (t.dtype === 'float32') console.log(t.name, t.shape, t.data[0]);
 * ```
 */
export type BundleTensor = {
  [D in BundleDtype]: {
    readonly name: string;
    readonly dtype: D;
    readonly shape: number[];
    readonly data: BundleDataByDtype[D];
  };
}[BundleDtype];

/** Every `tensorflow.DataType` by code, for messages about ones tfscale does not handle. */
const TF_NAMES = [
  'DT_INVALID DT_FLOAT DT_DOUBLE DT_INT32 DT_UINT8 DT_INT16 DT_INT8 DT_STRING DT_COMPLEX64 DT_INT64 DT_BOOL DT_QINT8',
  'DT_QUINT8 DT_QINT32 DT_BFLOAT16 DT_QINT16 DT_QUINT16 DT_UINT16 DT_COMPLEX128 DT_HALF DT_RESOURCE DT_VARIANT',
  'DT_UINT32 DT_UINT64',
]
  .join(' ')
  .split(' ');

/**
 * The tfscale dtype of a `tensorflow.DataType` code, or `undefined` when tfscale does not handle it.
 *
 * @example
 * ```ts
 * dtypeFromCode(1); // 'float32'
 * dtypeFromCode(19); // undefined (DT_HALF)
 * ```
 */
export function dtypeFromCode(code: number): BundleDtype | undefined {
  return (Object.keys(BUNDLE_DTYPES) as BundleDtype[]).find((d) => BUNDLE_DTYPES[d].code === code);
}

/**
 * TensorFlow's name of a `tensorflow.DataType` code (`DT_HALF`), or `DataType(n)` for unknown codes.
 *
 * @example
 * ```ts
 * tfDtypeName(21); // 'DT_VARIANT'
 * ```
 */
export function tfDtypeName(code: number): string {
  return TF_NAMES[code] ?? `DataType(${code})`;
}

/**
 * The index file of a bundle: `<prefix>.index` (naming.cc MetaFilename).
 *
 * @example
 * ```ts
 * bundleIndexPath('model/variables/variables'); // 'model/variables/variables.index'
 * ```
 */
export function bundleIndexPath(prefix: string): string {
  return `${prefix}.index`;
}

/**
 * A data shard of a bundle: `<prefix>.data-00000-of-00001` (naming.cc DataFilename, `%05d`).
 *
 * @example
 * ```ts
 * bundleDataPath('ckpt/c', 0, 1); // 'ckpt/c.data-00000-of-00001'
 * ```
 */
export function bundleDataPath(prefix: string, shard: number, numShards: number): string {
  const pad = (n: number) => String(n).padStart(5, '0');
  return `${prefix}.data-${pad(shard)}-of-${pad(numShards)}`;
}

/**
 * Throws `TFSCALE_E_BUNDLE_UNSUPPORTED` on a big-endian host: bundles store tensors little-endian
 * (BundleHeaderProto.endianness = LITTLE) and tfscale copies typed-array bytes as they are.
 *
 * @example
 * ```ts
 * assertLittleEndianHost(); // no-op on x86-64 and arm64
 * ```
 */
export function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') {
    throw new TfscaleError('TFSCALE_E_BUNDLE_UNSUPPORTED', 'Tensor bundles need a little-endian host.', {
      hint: 'Read or write the checkpoint on an x86-64 or arm64 machine.',
    });
  }
}
