import * as assert from 'node:assert/strict';
import type { ServingTensor } from '../types';
import { type PredictResponseMessage, predictResponseFrame } from './predict-frame';
import { servingType } from './proto-root';
import { encodeTensorProto } from './tensor-proto';

/** protobufjs' bytes for the same message: the frame must carry exactly these. */
function reference(response: PredictResponseMessage): Buffer {
  return Buffer.from(servingType('tensorflow.serving.PredictResponse').encode(response).finish());
}

function frameOf(response: PredictResponseMessage): Buffer {
  const frame = predictResponseFrame(response);
  assert.ok(frame, 'expected the fast writer to take this response');
  assert.equal(frame[0], 0);
  assert.equal(frame.readUInt32BE(1), frame.length - 5);
  return frame.subarray(5);
}

const spec = { name: 'mnist', version: { value: 3 }, signature_name: 'serving_default' };
const outputsOf = (tensors: Record<string, ServingTensor>, asContent = false) =>
  Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, encodeTensorProto(t, asContent)]));

describe('grpc predict-frame: PredictResponse written in one buffer', () => {
  const tensors: Record<string, ServingTensor> = {
    probs: {
      dtype: 'float32',
      shape: [2, 3],
      data: Float32Array.of(0.5, -1e-30, 3.4e38, -0, 1, Number.POSITIVE_INFINITY),
    },
    f64: { dtype: 'float64', shape: [1], data: Float64Array.of(Math.PI) },
    i32: { dtype: 'int32', shape: [4], data: Int32Array.of(0, -1, 2 ** 31 - 1, -(2 ** 31)) },
    i8: { dtype: 'int8', shape: [2], data: Int8Array.of(-128, 127) },
    u8: { dtype: 'uint8', shape: [2], data: Uint8Array.of(0, 255) },
    u16: { dtype: 'uint16', shape: [1], data: Uint16Array.of(65535) },
    u32: { dtype: 'uint32', shape: [2], data: Uint32Array.of(2 ** 32 - 1, 300) },
    half: { dtype: 'float16', shape: [1], data: Uint16Array.of(0x3c00) },
    empty: { dtype: 'float32', shape: [0, 5], data: new Float32Array(0) },
    scalar: { dtype: 'float32', shape: [], data: Float32Array.of(7) },
    big: { dtype: 'float32', shape: [1, 40_000], data: new Float32Array(40_000).map((_, i) => i / 7) },
  };

  it('writes the bytes protobufjs writes, typed fields and tensor_content alike', () => {
    for (const asContent of [false, true]) {
      const response = { outputs: outputsOf(tensors, asContent), model_spec: spec };
      assert.deepEqual(frameOf(response), reference(response), `asContent=${asContent}`);
    }
  });

  it('writes each output alone, odd names and model specs as protobufjs does', () => {
    const specs = [
      spec,
      { name: 'ünïcode-模型', version: { value: 0 } },
      { name: '', version: { value: 2 ** 40 } },
      { name: 'm', signature_name: 's'.repeat(300) },
    ];
    for (const [key, tensor] of Object.entries(tensors)) {
      for (const model_spec of specs) {
        const response = { outputs: { [`${key}/ø`]: encodeTensorProto(tensor) }, model_spec };
        assert.deepEqual(frameOf(response), reference(response), `${key} ${JSON.stringify(model_spec)}`);
      }
    }
    const none = { outputs: {}, model_spec: spec };
    assert.deepEqual(frameOf(none), reference(none));
  });

  it('leaves to protobufjs what it does not write: strings, int64, bool, labels, plain arrays', () => {
    const others: ServingTensor[] = [
      { dtype: 'string', shape: [1], data: [Buffer.from('a')] },
      { dtype: 'int64', shape: [1], data: BigInt64Array.of(1n) },
      { dtype: 'uint64', shape: [1], data: BigUint64Array.of(1n) },
      { dtype: 'bool', shape: [1], data: Uint8Array.of(1) },
    ];
    for (const t of others)
      assert.equal(predictResponseFrame({ outputs: outputsOf({ y: t }), model_spec: spec }), undefined);
    const labelled = { outputs: {}, model_spec: { name: 'm', version_label: 'stable' } };
    assert.equal(predictResponseFrame(labelled), undefined);
    const plain = { outputs: { y: { dtype: 1, float_val: [1, 2] } }, model_spec: spec };
    assert.equal(predictResponseFrame(plain), undefined);
  });
});
