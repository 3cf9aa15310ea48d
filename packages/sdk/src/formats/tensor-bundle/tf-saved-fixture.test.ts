/**
 * A bundle TensorFlow 2.21 wrote, shared by the writer and reader tests (no tests in this file;
 * the `.test` name keeps it out of the published package).
 */
import type { BundleTensorInput } from './bundle-writer';

/**
 * `tf.raw_ops.SaveV2` (TensorFlow 2.21) output for the tensors of {@link SAVED}, in that order:
 * the data file in save order, the index sorted by name. Made with:
 *
 *   tf.raw_ops.SaveV2(prefix=p, tensor_names=['z', 'a', 'b', 'e', 's', 'es'], shape_and_slices=[''] * 6,
 *     tensors=[tf.constant(True), tf.constant([1., 2., 3.]), tf.constant(7, tf.int64), tf.zeros((0, 3)),
 *              tf.constant(['hi', '', 'world']), tf.constant([], tf.string)])
 */
export const TF_SAVED = {
  index: Buffer.from(
    '00000608011a0208010001116108011204120208032001280c35735b897100010d6208091200200d280835bbd79f1100011165080112' +
      '06120012020803201535d8ea82a201010f730807120212002023280435f6c10c640001117308071204120208032015280e350969ba4f' +
      '00010b7a080a1200280135052b2843000000000100000000ea02c0e7000000000100000000c0f2a1b00001037b008301000000000100' +
      '000000d240a23988010895010f0000000000000000000000000000000000000000000000000000000000000000000057fb808b247547' +
      'db',
    'hex',
  ),
  data: Buffer.from('010000803f00000040000040400700000000000000020005a1ca70af6869776f726c64d8ea82a2', 'hex'),
};

/** bool scalar, float32 vector, int64 scalar, empty [0, 3] float32, string vector, empty string vector. */
export const SAVED: BundleTensorInput[] = [
  { name: 'z', dtype: 'bool', shape: [], data: [true] },
  { name: 'a', dtype: 'float32', shape: [3], data: new Float32Array([1, 2, 3]) },
  { name: 'b', dtype: 'int64', shape: [], data: [7n] },
  { name: 'e', dtype: 'float32', shape: [0, 3], data: new Float32Array(0) },
  { name: 's', dtype: 'string', shape: [3], data: ['hi', '', 'world'] },
  { name: 'es', dtype: 'string', shape: [0], data: [] },
];
