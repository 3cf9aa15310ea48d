import assert from 'node:assert/strict';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { FrozenGraph, GraphBuilder, isTfscaleError, loadTf } from '@tfscale/sdk';
import { convertToTflite } from '../convert';
import type { TfliteModel } from '../tflite-ir';
import { lowerGraph } from './lower-graph';

const tf = loadTf();
const ops = (m: TfliteModel) => m.operators.map((o) => o.op);
const output = (m: TfliteModel, i = 0) => m.tensors[m.outputs[i]!.tensor]!;

function lowerBuilt(
  g: GraphBuilder,
  x: ReturnType<GraphBuilder['placeholder']>,
  outs: ReturnType<GraphBuilder['op1']>[],
) {
  return lowerGraph(FrozenGraph.from(g.toGraphDef()), {
    inputs: [{ key: 'x', tensor: x, shape: [null, 3] }],
    outputs: outs.map((t, i) => ({ key: `y${i}`, tensor: t, shape: [null, 2] })),
    description: 'test',
  });
}

describe('plugin-exporter-tflite/lower-graph', () => {
  it('an op without a TFLite lowering is a coded error naming the op and its layer scope', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 3]);
    const y = g.withScope('dense', () => g.op1('Erf', [x]));
    assert.throws(
      () => lowerBuilt(g, x, [y]),
      (e: unknown) =>
        isTfscaleError(e, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER') &&
        /Cannot export op `dense\/Erf` \(Erf\) of layer scope `dense` to tflite: TensorFlow op Erf has no TFLite builtin/.test(
          (e as Error).message,
        ),
    );
  });

  it('fuses BiasAdd and Relu into FULLY_CONNECTED, but not a tensor the model returns', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 3]);
    const mm = g.op1('MatMul', [x, g.constant(new Float32Array(6), 'float32', [3, 2])]);
    const biased = g.op1('BiasAdd', [mm, g.constant(new Float32Array(2), 'float32', [2])]);
    const relu = g.op1('Relu', [biased]);
    assert.deepEqual(ops(lowerBuilt(g, x, [relu])), ['FULLY_CONNECTED']);
    const both = lowerBuilt(g, x, [biased, relu]);
    assert.deepEqual(ops(both), ['FULLY_CONNECTED', 'RELU']);
    assert.deepEqual(both.operators[0]!.options, {
      type: 'FullyConnectedOptions',
      activation: 'NONE',
      keepNumDims: false,
      asymmetricQuantizeInputs: false,
    });
    assert.deepEqual(output(both, 0).signature, [-1, 2]);
  });

  it('transposes Dense kernels to TFLite’s [units, in] layout', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, useBias: false })] });
    model.layers[0]!.setWeights([tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2])]);
    const m = convertToTflite(model).model;
    const weights = m.tensors[m.operators[0]!.inputs[1]!]!;
    assert.deepEqual(weights.shape, [2, 3]);
    assert.deepEqual(Array.from(new Float32Array(weights.data!.slice().buffer)), [1, 3, 5, 2, 4, 6]);
    assert.equal(m.operators[0]!.inputs[2], -1, 'no bias: the optional input is omitted');
  });

  it('knows which dimensions are unknown: the batch, a free length, and a -1 that depends on neither', () => {
    const ids = tf.input({ shape: [7, 4] });
    const grid = tf.layers.reshape({ targetShape: [2, -1] }).apply(ids) as SymbolicTensor;
    const seq = tf.input({ shape: [null, 6] });
    const dense = tf.layers.dense({ units: 5 }).apply(seq) as SymbolicTensor;
    const m = convertToTflite(tf.model({ inputs: [ids, seq], outputs: [grid, dense] })).model;
    assert.deepEqual(
      [output(m, 0).shape, output(m, 0).signature],
      [
        [1, 2, 14],
        [-1, 2, 14],
      ],
    );
    assert.deepEqual(
      [output(m, 1).shape, output(m, 1).signature],
      [
        [1, 1, 5],
        [-1, -1, 5],
      ],
    );
  });

  it('lowers the exact GELU pattern to one GELU, and gelu_new to its tanh formula', () => {
    const x = tf.input({ shape: [4] });
    const exact = tf.layers.activation({ activation: 'gelu' as 'linear' }).apply(x) as SymbolicTensor;
    const approx = tf.layers.activation({ activation: 'gelu_new' as 'linear' }).apply(x) as SymbolicTensor;
    const m = convertToTflite(tf.model({ inputs: x, outputs: [exact, approx] })).model;
    assert.equal(ops(m).filter((o) => o === 'GELU').length, 1);
    assert.ok(ops(m).includes('TANH') && ops(m).includes('POW'));
  });
});
