import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Enum, type Field, MapField, Type } from 'protobufjs';
import type { ServingTensor, TensorProtoMessage } from '../packages/sdk/src/serving';
import { interopPython } from './support/python';
import { serving } from './support/serving';

const { decodeTensorProto, encodeTensorProto, servingRoot, servingType } = serving;

/** protobufjs field → protobuf's FieldDescriptor.TYPE_* number. */
const TYPE_NUMBER: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
};
function descriptorOf(field: Field): [string, number, number, number] {
  field.resolve();
  if (field instanceof MapField) return [field.name, field.id, 11, 3];
  const type =
    field.resolvedType instanceof Type ? 11 : field.resolvedType instanceof Enum ? 14 : TYPE_NUMBER[field.type]!;
  return [field.name, field.id, type, field.repeated ? 3 : 1];
}

const MESSAGES = [
  'tensorflow.TensorProto',
  'tensorflow.TensorShapeProto',
  'tensorflow.TensorShapeProto.Dim',
  'tensorflow.TensorInfo',
  'tensorflow.TensorInfo.CooSparse',
  'tensorflow.SignatureDef',
  'tensorflow.Example',
  'tensorflow.Features',
  'tensorflow.Feature',
  'tensorflow.BytesList',
  'tensorflow.FloatList',
  'tensorflow.Int64List',
];

const f32 = (shape: number[], values: number[]): ServingTensor => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from(values),
});

describe('grpc protos against TensorFlow 2.21 (descriptors, and Tensor::FromProto via tf.io.parse_tensor)', function () {
  this.timeout(120_000);
  const python = interopPython();
  // What the TS side decodes; Python parses the same bytes with TF.
  const reads: Array<{ proto: TensorProtoMessage; dtype: string }> = [
    { proto: { dtype: 1, tensor_shape: { dim: [{ size: 2 }, { size: 3 }] }, float_val: [1.5] }, dtype: 'float32' },
    { proto: { dtype: 1, tensor_shape: { dim: [{ size: 4 }] }, float_val: [1, 2] }, dtype: 'float32' },
    { proto: { dtype: 3, tensor_shape: { dim: [{ size: 3 }] } }, dtype: 'int32' },
    {
      proto: { dtype: 9, tensor_shape: { dim: [{ size: 3 }] }, int64_val: ['-4', '9007199254740993'] },
      dtype: 'int64',
    },
    { proto: { dtype: 10, tensor_shape: { dim: [{ size: 3 }] }, bool_val: [false, true] }, dtype: 'bool' },
    { proto: { dtype: 6, tensor_shape: { dim: [{ size: 2 }] }, int_val: [-1, 300] }, dtype: 'int8' },
    { proto: { dtype: 7, tensor_shape: { dim: [{ size: 3 }] }, string_val: [Buffer.from('ab')] }, dtype: 'string' },
  ];
  // What the TS side writes, both ways.
  const writes: Array<{ tensor: ServingTensor; dtype: string }> = [
    { tensor: f32([2, 2], [0.5, -1, 3e38, 1e-40]), dtype: 'float32' },
    { tensor: { dtype: 'float64', shape: [2], data: Float64Array.of(Math.PI, -0) }, dtype: 'float64' },
    { tensor: { dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n) }, dtype: 'int64' },
    { tensor: { dtype: 'uint8', shape: [3], data: Uint8Array.of(0, 128, 255) }, dtype: 'uint8' },
    { tensor: { dtype: 'float16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) }, dtype: 'float16' },
    { tensor: { dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) }, dtype: 'bool' },
    { tensor: { dtype: 'string', shape: [2], data: [Buffer.from('x'), Buffer.alloc(300, 7)] }, dtype: 'string' },
  ];
  let tf: {
    messages: Record<string, Array<[string, number, number, number]>>;
    enums: Record<string, Record<string, number>>;
    tensors: Array<{ shape?: number[]; values?: unknown[]; error?: string }>;
  };

  before(function () {
    if (!python.path) {
      console.log(`      (skipped: ${python.reason})`);
      this.skip();
    }
    const T = servingType('tensorflow.TensorProto');
    const b64 = (m: TensorProtoMessage) => Buffer.from(T.encode(m).finish()).toString('base64');
    const tensors = [
      ...reads.map((r) => ({ b64: b64(r.proto), dtype: r.dtype })),
      ...writes.flatMap((w) =>
        [false, true].map((c) => ({ b64: b64(encodeTensorProto(w.tensor, c)), dtype: w.dtype })),
      ),
    ];
    const input = JSON.stringify({
      messages: MESSAGES,
      enums: ['tensorflow.DataType', 'tensorflow.error.Code'],
      tensors,
    });
    const r = spawnSync(python.path as string, [path.join(__dirname, '..', 'interop', 'grpc_protos_check.py')], {
      input,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    tf = JSON.parse(r.stdout);
  });

  it('every field we ship has TensorFlow’s number, type and label', () => {
    for (const name of MESSAGES) {
      const ours = servingRoot().lookupType(name).fieldsArray.map(descriptorOf);
      const theirs = new Map(tf.messages[name]!.map((f) => [f[0], f]));
      for (const field of ours) assert.deepEqual(field, theirs.get(field[0]), `${name}.${field[0]}`);
      // Only fields the serving APIs never carry may be left out.
      const missing = [...theirs.keys()].filter((k) => !ours.some((f) => f[0] === k));
      assert.ok(
        missing.every((k) => ['resource_handle_val', 'variant_val', 'composite_tensor'].includes(k)),
        `${name} lacks ${missing}`,
      );
    }
  });

  it('DataType and error.Code values match', () => {
    for (const name of ['tensorflow.DataType', 'tensorflow.error.Code']) {
      const ours = servingRoot().lookupEnum(name).values;
      for (const [k, v] of Object.entries(ours)) assert.equal(tf.enums[name]![k], v, `${name}.${k}`);
    }
  });

  it('reads typed fields exactly as Tensor::FromProto (repeat-last, zero-fill, int8 wrap)', () => {
    reads.forEach((r, i) => {
      const ours = decodeTensorProto(r.proto, 'x');
      const theirs = tf.tensors[i]!;
      assert.deepEqual(ours.shape, theirs.shape, `case ${i}`);
      const values = Array.isArray(ours.data)
        ? ours.data.map((b) => Buffer.from(b).toString('base64'))
        : Array.from(ours.data as ArrayLike<number | bigint>, (v) =>
            ours.dtype === 'bool' ? v !== 0 : ours.dtype.startsWith('float') ? v : String(v),
          );
      assert.deepEqual(values, theirs.values, `case ${i}`);
    });
  });

  it('writes protos TensorFlow parses back to the same values, as typed fields and as tensor_content', () => {
    writes.forEach((w, i) => {
      for (const mode of [0, 1]) {
        const theirs = tf.tensors[reads.length + 2 * i + mode]!;
        assert.equal(theirs.error, undefined, `${w.dtype} mode ${mode}`);
        assert.deepEqual(theirs.shape, w.tensor.shape);
        const expected = Array.isArray(w.tensor.data)
          ? w.tensor.data.map((b) => Buffer.from(b).toString('base64'))
          : w.dtype === 'float16'
            ? [1, -2]
            : Array.from(w.tensor.data as ArrayLike<number | bigint>, (v) =>
                typeof v === 'bigint' ? String(v) : w.dtype === 'bool' ? v !== 0 : w.dtype === 'uint8' ? String(v) : v,
              );
        assert.deepEqual(theirs.values, expected, `${w.dtype} mode ${mode}`);
      }
    });
  });
});
