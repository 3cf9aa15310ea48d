import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { isTfscaleError } from '../../core/errors';
import { buildModelGraph, tfName } from './model-graph';

const ops = (model: tf.LayersModel, options = {}) => buildModelGraph(model, options).graph.toGraphDef().node;

function expectUnsupported(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isTfscaleError(err, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER'), String(err));
    assert.match((err as Error).message, pattern);
    return true;
  });
}

describe('buildModelGraph', () => {
  it('emits a Sequential model: placeholder, one scope per layer, variables read where used', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'hidden', inputShape: [3], units: 4, activation: 'relu' }),
        tf.layers.dense({ name: 'out', units: 2 }),
      ],
    });
    const { graph, inputs, outputs } = buildModelGraph(model);
    assert.deepEqual(
      graph.toGraphDef().node.map((n) => `${n.name}=${n.op}`),
      [
        'hidden_input=Placeholder',
        'hidden/kernel=VarHandleOp',
        'hidden/ReadVariableOp=ReadVariableOp',
        'hidden/MatMul=MatMul',
        'hidden/bias=VarHandleOp',
        'hidden/ReadVariableOp_1=ReadVariableOp',
        'hidden/BiasAdd=BiasAdd',
        'hidden/relu/Relu=Relu',
        'out/kernel=VarHandleOp',
        'out/ReadVariableOp=ReadVariableOp',
        'out/MatMul=MatMul',
        'out/bias=VarHandleOp',
        'out/ReadVariableOp_1=ReadVariableOp',
        'out/BiasAdd=BiasAdd',
      ],
    );
    assert.deepEqual(
      inputs.map((i) => [i.key, i.tensor.name, i.shape]),
      [['hidden_input', 'hidden_input:0', [null, 3]]],
    );
    assert.deepEqual(
      outputs.map((o) => [o.key, o.tensor.name, o.shape]),
      [['out', 'out/BiasAdd:0', [null, 2]]],
    );
    assert.deepEqual(
      graph.variables.map((v) => [v.name, v.shape, v.data.length]),
      [
        ['hidden/kernel', [3, 4], 12],
        ['hidden/bias', [4], 4],
        ['out/kernel', [4, 2], 8],
        ['out/bias', [2], 2],
      ],
    );
    assert.deepEqual([...graph.variables[0]!.data], [...model.layers[0]!.getWeights()[0]!.dataSync()]);
  });

  it('walks functional models: several inputs and outputs, shared layers (one variable, two scopes), nested models', () => {
    const a = tf.input({ shape: [2], name: 'a/b' });
    const b = tf.input({ shape: [2], name: 'b', dtype: 'int32' });
    const shared = tf.layers.dense({ units: 2, name: 'shared' });
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ inputShape: [2], units: 2, name: 'd' })] });
    const sa = shared.apply(a) as tf.SymbolicTensor;
    const sb = shared.apply(
      tf.layers.embedding({ inputDim: 5, outputDim: 2, name: 'emb' }).apply(b),
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: [inner.apply(sa) as tf.SymbolicTensor, sb, sa] });
    const { graph, inputs, outputs } = buildModelGraph(model);
    assert.deepEqual(
      inputs.map((i) => [i.key, i.tensor.dtype]),
      [
        ['a_b', 'float32'],
        ['b', 'int32'],
      ],
    );
    assert.deepEqual(
      outputs.map((o) => [o.key, o.tensor.name]),
      [
        ['inner', 'inner/d/BiasAdd:0'],
        ['shared', 'shared_1/BiasAdd:0'],
        ['shared_1', 'shared/BiasAdd:0'],
      ],
    );
    assert.deepEqual(
      graph.variables.map((v) => v.name),
      ['shared/kernel', 'shared/bias', 'emb/embeddings', 'inner/d/kernel', 'inner/d/bias'],
    );
    const reads = graph.toGraphDef().node.filter((n) => n.op === 'ReadVariableOp' && n.input[0] === 'shared/kernel');
    assert.deepEqual(
      reads.map((n) => n.name),
      ['shared/ReadVariableOp', 'shared_1/ReadVariableOp'],
    );
  });

  it("weights: 'constants' freezes them into Const nodes", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, name: 'd' })] });
    const nodes = ops(model, { weights: 'constants' });
    assert.deepEqual(
      nodes.map((n) => `${n.name}=${n.op}`),
      ['d_input=Placeholder', 'd/kernel=Const', 'd/MatMul=MatMul', 'd/bias=Const', 'd/BiasAdd=BiasAdd'],
    );
  });

  it('Dense on rank > 2 reshapes around the MatMul, dynamically when two dimensions are unknown', () => {
    const fixed = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5, 3], units: 2, useBias: false })] });
    assert.deepEqual(
      ops(fixed).map((n) => n.op),
      ['Placeholder', 'VarHandleOp', 'ReadVariableOp', 'Const', 'Reshape', 'MatMul', 'Const', 'Reshape'],
    );
    const free = tf.sequential({ layers: [tf.layers.dense({ inputShape: [null, 3], units: 2, useBias: false })] });
    assert.ok(ops(free).some((n) => n.op === 'StridedSlice'));
  });

  it('names the layer, its class and the format for an unsupported layer class', () => {
    const model = tf.sequential({ layers: [tf.layers.leakyReLU({ inputShape: [2], name: 'leaky' })] });
    expectUnsupported(
      () => buildModelGraph(model, { format: 'onnx' }),
      /^Cannot export layer `leaky` \(LeakyReLU\) to onnx: layer class LeakyReLU is not supported\. Expected one of: Activation, Add, .*Dense/,
    );
  });

  it('names the option for an unsupported option', () => {
    const depthwise = tf.sequential({
      layers: [tf.layers.depthwiseConv2d({ inputShape: [6, 6, 1], kernelSize: 2, dilationRate: 2, name: 'dw' })],
    });
    expectUnsupported(
      () => buildModelGraph(depthwise),
      /layer `dw` \(DepthwiseConv2D\) to savedmodel: unsupported value for `dilationRate`\. Received: dilationRate=\[2,2\]/,
    );
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2, 2] });
    const add = tf.model({
      inputs: [a, b],
      outputs: tf.layers.add({ name: 'mix' }).apply([a, b]) as tf.SymbolicTensor,
    });
    expectUnsupported(() => buildModelGraph(add), /`mix` \(Add\).*`input ranks`.*Expected: inputs of equal rank/);
  });

  it('makes valid TF names', () => {
    assert.equal(tfName('my input/1'), 'my_input_1');
    assert.equal(tfName('_x'), 'x_x');
    assert.equal(tfName('dense_Dense1'), 'dense_Dense1');
  });
});
