import assert from 'node:assert/strict';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { loadTf } from '@tfscale/sdk';
import { convertToTflite } from './convert';
import { quantizeSymmetric } from './quantize';

const tf = loadTf();

describe('plugin-exporter-tflite/quantize', () => {
  it('quantizes symmetrically per channel: scale = max|w| / 127, halves rounded away from zero', () => {
    const { data, scale } = quantizeSymmetric(Float32Array.of(0.5, -1, 2, 4), [2, 2], 0);
    assert.deepEqual(Array.from(data), [64, -127, 64, 127]);
    assert.deepEqual(scale, [Math.fround(1 / 127), Math.fround(4 / 127)]);
    const perTensor = quantizeSymmetric(Float32Array.of(0, 0, 1, -2), [2, 2], null);
    assert.deepEqual([Array.from(perTensor.data), perTensor.scale], [[0, 0, 64, -127], [Math.fround(2 / 127)]]);
    assert.deepEqual(quantizeSymmetric(new Float32Array(3), [3], null).scale, [1], 'all zeros keep a valid scale');
  });

  it('keeps weights under the threshold in float32, like TensorFlow’s 1024-element default', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [64], units: 32 }), tf.layers.dense({ units: 4 })],
    });
    const { model: m, quantized } = convertToTflite(model, { quantize: 'dynamic-int8' });
    assert.deepEqual(
      quantized.map((q) => [q.elements, q.channels]),
      [[2048, 32]],
    );
    const [big, small] = m.operators.map((o) => m.tensors[o.inputs[1]!]!);
    assert.equal(big!.type, 'int8');
    assert.equal(small!.type, 'float32');
    assert.deepEqual(
      m.operators.map((o) => o.options?.type === 'FullyConnectedOptions' && o.options.asymmetricQuantizeInputs),
      [true, false],
    );
  });

  it('stores embedding tables int8 per tensor and dequantizes the gathered rows', () => {
    const ids = tf.input({ shape: [3], dtype: 'int32' });
    const e = tf.layers.embedding({ inputDim: 200, outputDim: 8 }).apply(ids) as SymbolicTensor;
    const { model: m } = convertToTflite(tf.model({ inputs: ids, outputs: e }), { quantize: 'dynamic-int8' });
    assert.deepEqual(
      m.operators.map((o) => o.op),
      ['GATHER', 'DEQUANTIZE'],
    );
    const [table, rows] = [m.tensors[m.operators[0]!.inputs[0]!]!, m.tensors[m.operators[0]!.outputs[0]!]!];
    assert.equal(table.quantization!.scale.length, 1);
    assert.deepEqual([rows.type, rows.quantization], ['int8', table.quantization]);
    assert.equal(m.operators[1]!.outputs[0], m.outputs[0]!.tensor);
  });
});
