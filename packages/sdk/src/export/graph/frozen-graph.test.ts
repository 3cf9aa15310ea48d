import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { tensorflowRoot } from '../../formats/proto/proto-root';
import { attrValue, tensorProto } from './attrs';
import { decodeConstTensor, FrozenGraph, parseTensorName } from './frozen-graph';
import { GraphBuilder, type GraphDefMessage } from './graph-builder';
import { buildModelGraph } from './model-graph';

/** Through the wire and back, as a GraphDef read from a file arrives (int64 fields as Long). */
function wire(def: GraphDefMessage): GraphDefMessage {
  const GraphDef = tensorflowRoot().lookupType('tensorflow.GraphDef');
  const bytes = GraphDef.encode(GraphDef.fromObject(def)).finish();
  return GraphDef.toObject(GraphDef.decode(bytes), { defaults: false, arrays: true }) as GraphDefMessage;
}

describe('FrozenGraph', () => {
  it('parses NodeDef input references', () => {
    assert.deepEqual(parseTensorName('a/b'), { node: 'a/b', index: 0, name: 'a/b:0' });
    assert.deepEqual(parseTensorName('a/b:12'), { node: 'a/b', index: 12, name: 'a/b:12' });
    assert.equal(parseTensorName('^init'), undefined);
  });

  it('orders nodes after their data and control inputs, keeping a sorted GraphDef as it is', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 2]);
    const k = g.constant([1, 2, 3, 4], 'float32', [2, 2], 'k');
    const y = g.op1('MatMul', [x, k]);
    g.op1('Relu', [y], {}, { control: ['k'] });
    const def = wire(g.toGraphDef());
    assert.deepEqual(
      FrozenGraph.from(def).nodes.map((n) => n.name),
      ['x', 'k', 'MatMul', 'Relu'],
    );
    const shuffled = { ...def, node: [...def.node].reverse() };
    const order = FrozenGraph.from(shuffled).nodes.map((n) => n.name);
    for (const [before, after] of [
      ['x', 'MatMul'],
      ['k', 'MatMul'],
      ['MatMul', 'Relu'],
      ['k', 'Relu'],
    ]) {
      assert.ok(order.indexOf(before!) < order.indexOf(after!), `${before} before ${after} in ${order}`);
    }
    const relu = FrozenGraph.from(shuffled).node('Relu');
    assert.deepEqual(relu.inputs, [{ node: 'MatMul', index: 0, name: 'MatMul:0' }]);
    assert.deepEqual(relu.control, ['k']);
  });

  it('refuses dangling inputs, cycles and duplicate names', () => {
    const node = (name: string, input: string[]) => ({ name, op: 'Identity', input, attr: {} });
    const versions = { producer: 1 };
    assert.throws(() => FrozenGraph.from({ node: [node('a', ['b'])], versions }), /a reads missing node b/);
    assert.throws(() => FrozenGraph.from({ node: [node('a', ['b']), node('b', ['^a'])], versions }), /cycle through/);
    assert.throws(() => FrozenGraph.from({ node: [node('a', []), node('a', [])], versions }), /two nodes are named a/);
  });

  it('reads typed attrs (after a wire round trip) and names what is missing', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 5, 5, 1]);
    const k = g.constant(new Float32Array(9), 'float32', [3, 3, 1, 1]);
    g.op1('Conv2D', [x, k], { strides: attrValue.listI([1, 2, 2, 1]), padding: attrValue.s('SAME') });
    const graph = FrozenGraph.from(wire(g.toGraphDef()));
    const conv = graph.node('Conv2D');
    assert.deepEqual(conv.attr.listI('strides'), [1, 2, 2, 1]);
    assert.equal(conv.attr.s('padding'), 'SAME');
    assert.equal(conv.attr.s('data_format'), 'NHWC');
    assert.equal(conv.attr.b('use_cudnn_on_gpu'), true);
    assert.equal(conv.attr.type('T'), 'float32');
    assert.deepEqual(conv.attr.listI('explicit_paddings'), []);
    assert.deepEqual(graph.node('x').attr.shape('shape'), [null, 5, 5, 1]);
    assert.equal(conv.attr.i('missing', 7), 7);
    assert.throws(() => conv.attr.i('missing'), /Conv2D: attr missing is missing/);
    assert.equal(graph.dtype('Conv2D:0'), 'float32');
    assert.equal(graph.dtype('x'), 'float32');
  });

  it('decodes Const values of every dtype from tensor_content, exactly', () => {
    const g = new GraphBuilder();
    const f = Float32Array.of(1.5, -2.25, 3e-8, Number.NaN, -0);
    g.constant(f, 'float32', [5], 'f');
    g.constant([Math.PI, -1e300], 'float64', [2, 1], 'd');
    g.constant([-1, 2 ** 31 - 1], 'int32', [2], 'i');
    g.constant(BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n), 'int64', [2], 'l');
    g.constant([1, 0, 1], 'bool', [3], 'b');
    g.constant(['héllo', ''], 'string', [2], 's');
    g.constant([4], 'int32', [], 'scalar');
    const graph = FrozenGraph.from(wire(g.toGraphDef()));
    const f32 = graph.constant('f')!;
    assert.equal(f32.dtype, 'float32');
    assert.deepEqual(f32.shape, [5]);
    assert.deepEqual(Buffer.from((f32.values as Float32Array).buffer), Buffer.from(f.buffer));
    assert.deepEqual(graph.constant('d'), {
      dtype: 'float64',
      shape: [2, 1],
      values: Float64Array.of(Math.PI, -1e300),
    });
    assert.deepEqual(graph.constant('i')!.values, Int32Array.of(-1, 2 ** 31 - 1));
    assert.deepEqual(graph.constant('l')!.values, BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n));
    assert.deepEqual(graph.constant('b')!.values, Uint8Array.of(1, 0, 1));
    assert.deepEqual(
      (graph.constant('s')!.values as Uint8Array[]).map((v) => Buffer.from(v).toString()),
      ['héllo', ''],
    );
    assert.deepEqual(graph.constant('scalar'), { dtype: 'int32', shape: [], values: Int32Array.of(4) });
  });

  it('decodes the typed *_val fields with TensorFlow’s repeat-the-last-value rule', () => {
    const shape = (...dims: number[]) => ({ dim: dims.map((size) => ({ size })) });
    assert.deepEqual(
      [...decodeConstTensor({ dtype: 1, tensorShape: shape(2, 2), floatVal: [0.5] }).values],
      [0.5, 0.5, 0.5, 0.5],
    );
    assert.deepEqual([...decodeConstTensor({ dtype: 3, tensorShape: shape(3), intVal: [1, 2] }).values], [1, 2, 2]);
    assert.deepEqual([...decodeConstTensor({ dtype: 1, tensorShape: shape(2) }).values], [0, 0]);
    assert.deepEqual(
      [...(decodeConstTensor({ dtype: 9, tensorShape: shape(2), int64Val: [-3] }).values as BigInt64Array)],
      [-3n, -3n],
    );
    assert.deepEqual([...decodeConstTensor({ dtype: 10, tensorShape: shape(2), boolVal: [true] }).values], [1, 1]);
    assert.throws(
      () => decodeConstTensor({ ...tensorProto('float32', [2], [1, 2]), tensorShape: shape(3) }),
      /8 content bytes for 3 float32 values/,
    );
  });

  it('looks through Identity and ReadVariableOp, and reads variables it is given', () => {
    const g = new GraphBuilder();
    const v = g.variable('kernel', 'float32', [2], Float32Array.of(3, 4));
    const read = g.read(v);
    const id = g.op1('Identity', [read]);
    const y = g.op1('Relu', [id]);
    const def = g.toGraphDef();
    const graph = FrozenGraph.from(def, { variables: g.variables });
    assert.deepEqual(graph.resolve(y.name), { node: 'Relu', index: 0, name: 'Relu:0' });
    assert.deepEqual(graph.resolve(id.name).node, 'kernel');
    assert.ok(graph.isPassthrough(graph.node(read.node)));
    assert.deepEqual(graph.constant(id.name), { dtype: 'float32', shape: [2], values: Float32Array.of(3, 4) });
    assert.equal(FrozenGraph.from(def).constant(id.name), undefined, 'no value without the variables');
    assert.equal(graph.constant(y.name), undefined);
  });

  it('counts the consumers of each tensor', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 2]);
    const a = g.op1('Relu', [x]);
    g.op1('AddV2', [a, a]);
    g.op1('Mul', [x, a]);
    const graph = FrozenGraph.from(g.toGraphDef());
    assert.deepEqual(
      graph.consumers(a.name).map((c) => [c.node.name, c.input]),
      [
        ['AddV2', 0],
        ['AddV2', 1],
        ['Mul', 1],
      ],
    );
    assert.equal(graph.consumers('x:0').length, 2);
    assert.equal(graph.consumers('Mul:0').length, 0);
  });

  it('reads a frozen model graph: weights are Consts equal to the layer weights', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'relu' })] });
    const { graph: builder } = buildModelGraph(model, { weights: 'constants' });
    const graph = FrozenGraph.from(wire(builder.toGraphDef()));
    const matmul = graph.nodes.find((n) => n.op === 'MatMul')!;
    const kernel = graph.constant(matmul.inputs[1]!)!;
    assert.deepEqual(kernel.shape, [3, 2]);
    assert.deepEqual(kernel.values, model.layers[0]!.getWeights()[0]!.dataSync());
    assert.deepEqual(
      graph.nodes.filter((n) => n.op !== 'Const').map((n) => n.op),
      ['Placeholder', 'MatMul', 'BiasAdd', 'Relu'],
    );
  });
});
