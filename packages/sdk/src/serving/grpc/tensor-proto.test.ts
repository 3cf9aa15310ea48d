import * as assert from 'node:assert/strict';
import { ServingError } from '../types';
import { servingType } from './proto-root';
import { decodeTensorContent, encodeTensorContent } from './tensor-content';
import { decodeTensorProto, encodeTensorProto, type TensorProtoMessage, toBigInt } from './tensor-proto';

const shape = (...dims: number[]) => ({ dim: dims.map((size) => ({ size })) });
/** Through the wire and back, so protobufjs' real decoded shapes (Long, Buffer) are exercised. */
const wire = (m: TensorProtoMessage): TensorProtoMessage => {
  const T = servingType('tensorflow.TensorProto');
  return T.decode(T.encode(m).finish()) as unknown as TensorProtoMessage;
};

describe('grpc tensor-proto: TensorProto ↔ ServingTensor', () => {
  it('reads typed fields for every served dtype', () => {
    const cases: Array<[TensorProtoMessage, string, unknown[]]> = [
      [{ dtype: 1, tensor_shape: shape(2), float_val: [1.5, -2] }, 'float32', [1.5, -2]],
      [{ dtype: 2, tensor_shape: shape(2), double_val: [0.1, 1e300] }, 'float64', [0.1, 1e300]],
      [{ dtype: 3, tensor_shape: shape(2), int_val: [-7, 2 ** 31 - 1] }, 'int32', [-7, 2 ** 31 - 1]],
      [{ dtype: 6, tensor_shape: shape(2), int_val: [-128, 300] }, 'int8', [-128, 44]],
      [{ dtype: 4, tensor_shape: shape(1), int_val: [255] }, 'uint8', [255]],
      [{ dtype: 17, tensor_shape: shape(1), int_val: [65535] }, 'uint16', [65535]],
      [{ dtype: 22, tensor_shape: shape(1), uint32_val: [4294967295] }, 'uint32', [4294967295]],
      [{ dtype: 9, tensor_shape: shape(2), int64_val: ['-9007199254740993', '5'] }, 'int64', [-9007199254740993n, 5n]],
      [{ dtype: 23, tensor_shape: shape(1), uint64_val: ['18446744073709551615'] }, 'uint64', [18446744073709551615n]],
      [{ dtype: 10, tensor_shape: shape(2), bool_val: [true, false] }, 'bool', [1, 0]],
      [{ dtype: 19, tensor_shape: shape(1), half_val: [0x3c00] }, 'float16', [0x3c00]],
    ];
    for (const [proto, dtype, values] of cases) {
      const t = decodeTensorProto(wire(proto), 'x');
      assert.equal(t.dtype, dtype);
      assert.deepEqual(Array.from(t.data as ArrayLike<unknown>), values, dtype);
    }
    const s = decodeTensorProto(
      wire({ dtype: 7, tensor_shape: shape(2), string_val: [Buffer.from('a'), Buffer.from('bc')] }),
      'x',
    );
    assert.deepEqual(
      (s.data as Uint8Array[]).map((b) => Buffer.from(b).toString()),
      ['a', 'bc'],
    );
  });

  it('repeats the last value to fill the shape, zero-fills an empty field, cuts a long one (Tensor::FromProto)', () => {
    const d = (m: TensorProtoMessage) => Array.from(decodeTensorProto(wire(m), 'x').data as Float32Array);
    assert.deepEqual(d({ dtype: 1, tensor_shape: shape(2, 2), float_val: [7] }), [7, 7, 7, 7]);
    assert.deepEqual(d({ dtype: 1, tensor_shape: shape(4), float_val: [1, 2] }), [1, 2, 2, 2]);
    assert.deepEqual(d({ dtype: 1, tensor_shape: shape(3) }), [0, 0, 0]);
    assert.deepEqual(d({ dtype: 1, tensor_shape: shape(2), float_val: [1, 2, 3] }), [1, 2]);
    const scalar = decodeTensorProto(wire({ dtype: 3, int_val: [42] }), 'x');
    assert.deepEqual([scalar.shape, Array.from(scalar.data as Int32Array)], [[], [42]]);
    const empty = decodeTensorProto(wire({ dtype: 1, tensor_shape: shape(0, 3), float_val: [1] }), 'x');
    assert.deepEqual([empty.shape, empty.data.length], [[0, 3], 0]);
  });

  it('reads tensor_content (little-endian, strings as varint lengths then bytes) and prefers it', () => {
    const f = Float32Array.of(1, 2, 3, 4, 5, 6);
    const t = decodeTensorProto(
      wire({ dtype: 1, tensor_shape: shape(2, 3), tensor_content: new Uint8Array(f.buffer), float_val: [9] }),
      'x',
    );
    assert.deepEqual(Array.from(t.data as Float32Array), [1, 2, 3, 4, 5, 6]);
    const i64 = BigInt64Array.of(-1n, 2n ** 62n);
    const back = decodeTensorContent('int64', new Uint8Array(i64.buffer), 2) as BigInt64Array;
    assert.deepEqual(Array.from(back), [-1n, 2n ** 62n]);
    const strings = [Buffer.from(''), Buffer.alloc(200, 1), Buffer.from('xyz')];
    const packed = encodeTensorContent({ dtype: 'string', shape: [3], data: strings });
    assert.deepEqual([...packed.subarray(0, 4)], [0, 200, 1, 3]);
    const unpacked = decodeTensorContent('string', packed, 3) as Uint8Array[];
    assert.deepEqual(
      unpacked.map((b) => b.length),
      [0, 200, 3],
    );
  });

  it('copies tensor_content out of unaligned request bytes: aligned, independent, large or small', () => {
    // Every width at every misalignment, small (shared slab) and large (own buffer).
    for (const count of [3, 5000]) {
      const source = new Float64Array(count).map((_, i) => i * 1.25 - 7);
      const bytes = new Uint8Array(source.buffer);
      const decoded = [1, 2, 3].map((shift) => {
        const message = new Uint8Array(bytes.length + shift);
        message.set(bytes, shift);
        const t = decodeTensorContent('float64', message.subarray(shift), count) as Float64Array;
        message.fill(0xff); // the request's bytes may go: the tensor must not see it
        return t;
      });
      for (const t of decoded) {
        assert.equal(t.byteOffset % 8, 0);
        assert.deepEqual(Array.from(t), Array.from(source));
      }
      decoded[0]!.fill(0);
      assert.deepEqual(Array.from(decoded[1]!), Array.from(source));
    }
  });

  it('fails as TF does: "tensor parsing error: <alias>" (INVALID_ARGUMENT)', () => {
    const bad: TensorProtoMessage[] = [
      { dtype: 1, tensor_shape: shape(3), tensor_content: new Uint8Array(8) },
      { dtype: 0, tensor_shape: shape(1), float_val: [1] },
      { dtype: 1, tensor_shape: shape(-1), float_val: [1] },
      { dtype: 1, tensor_shape: { unknown_rank: true } },
      { dtype: 7, tensor_shape: shape(2), tensor_content: Uint8Array.of(1, 65) },
    ];
    for (const proto of bad) {
      assert.throws(
        () => decodeTensorProto(wire(proto), 'img'),
        (e: unknown) =>
          e instanceof ServingError && e.code === 'INVALID_ARGUMENT' && e.message === 'tensor parsing error: img',
      );
    }
    assert.throws(
      () => decodeTensorProto({ dtype: 14, tensor_shape: shape(1) }, 'x'),
      (e: unknown) => e instanceof ServingError && e.code === 'UNIMPLEMENTED' && /bfloat16/.test(e.message),
    );
  });

  it('writes typed fields by default (AsProtoField) and tensor_content on request (AsProtoTensorContent)', () => {
    const t = { dtype: 'float32' as const, shape: [2, 1], data: Float32Array.of(3.5, -1) };
    const typed = wire(encodeTensorProto(t));
    assert.equal(typed.dtype, 1);
    assert.deepEqual(Array.from(typed.float_val ?? []), [3.5, -1]);
    assert.equal(typed.tensor_content?.length ?? 0, 0);
    const packed = wire(encodeTensorProto(t, true));
    assert.equal(packed.float_val?.length ?? 0, 0);
    assert.deepEqual(Array.from(decodeTensorProto(packed, 'y').data as Float32Array), [3.5, -1]);
    const i64 = wire(encodeTensorProto({ dtype: 'int64', shape: [2], data: BigInt64Array.of(-5n, 2n ** 60n) }));
    assert.deepEqual(
      Array.from(i64.int64_val ?? [], (v) => toBigInt(v as never, false)),
      [-5n, 2n ** 60n],
    );
    const b = wire(encodeTensorProto({ dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) }));
    assert.deepEqual(Array.from(b.bool_val ?? []), [true, false]);
    const i8 = wire(encodeTensorProto({ dtype: 'int8', shape: [1], data: Int8Array.of(-3) }));
    assert.deepEqual(Array.from(i8.int_val ?? []), [-3]);
  });
});
