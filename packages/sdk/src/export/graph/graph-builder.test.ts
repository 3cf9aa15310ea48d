import * as assert from 'node:assert/strict';
import { tensorflowRoot } from '../../formats/proto/proto-root';
import { attrValue } from './attrs';
import { GRAPH_DEF_PRODUCER, GraphBuilder } from './graph-builder';

describe('GraphBuilder', () => {
  it('names nodes TF-style: scope/Op, then _1, _2…, and scopes unique too', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 2]);
    const a = g.withScope('dense', () => g.op1('Relu', [x]));
    const b = g.withScope('dense', () => [g.op1('Relu', [x]), g.op1('Relu', [x])]);
    const c = g.withScope('dense', () => g.withScope('inner', () => g.op1('Tanh', [x])));
    assert.deepEqual(
      [a, ...b, c].map((t) => t.name),
      ['dense/Relu:0', 'dense_1/Relu:0', 'dense_1/Relu_1:0', 'dense_2/inner/Tanh:0'],
    );
    assert.equal(g.op1('Relu', [x], {}, { name: 'dense' }).node, 'dense_3');
  });

  it('infers type attrs and counts from inputs, fills every default, and lets attrs override', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null, 2]);
    const k = g.constant([1, 2, 3, 4], 'float32', [2, 2]);
    g.op1('MatMul', [x, k], { transpose_b: attrValue.b(true) });
    const axis = g.constant([0], 'int32', [], 'axis');
    const cat = g.op1('ConcatV2', [x, x, x, axis]);
    const cast = g.op1('Cast', [x], { DstT: attrValue.type('int32') });
    const nodes = g.toGraphDef().node;
    const matmul = nodes.find((n) => n.op === 'MatMul')!;
    assert.deepEqual(matmul.input, ['x', 'Const']);
    assert.deepEqual(matmul.attr, {
      T: { type: 1 },
      transpose_a: { b: false },
      transpose_b: { b: true },
      grad_a: { b: false },
      grad_b: { b: false },
    });
    assert.deepEqual(nodes.find((n) => n.op === 'ConcatV2')!.attr, { N: { i: 3 }, T: { type: 1 }, Tidx: { type: 3 } });
    assert.equal(cat.dtype, 'float32');
    assert.equal(cast.dtype, 'int32');
  });

  it('writes output indices and control inputs the way NodeDef.input spells them', () => {
    const g = new GraphBuilder();
    const prefix = g.constant(['p'], 'string', []);
    const names = g.constant(['a', 'b'], 'string', [2]);
    const outs = g.op('RestoreV2', [prefix, names, names], { dtypes: attrValue.listType(['float32', 'int32']) });
    assert.deepEqual(
      outs.map((o) => [o.name, o.dtype]),
      [
        ['RestoreV2:0', 'float32'],
        ['RestoreV2:1', 'int32'],
      ],
    );
    const id = g.op1('Identity', [outs[1]!], {}, { control: ['RestoreV2'], device: '/device:CPU:0' });
    const node = g.toGraphDef().node.at(-1)!;
    assert.deepEqual(node.input, ['RestoreV2:1', '^RestoreV2']);
    assert.equal(node.device, '/device:CPU:0');
    assert.equal(id.dtype, 'int32');
    assert.equal(g.target('NoOp', [], {}, { name: 'done', control: [id] }), 'done');
  });

  it('creates resource variables read by ReadVariableOp and remembers their values', () => {
    const g = new GraphBuilder();
    const v = g.withScope('dense', () => g.variable('kernel', 'float32', [2, 1], new Float32Array([1, 2])));
    assert.equal(v.name, 'dense/kernel');
    assert.equal(v.handle.dtype, 'resource');
    const r = g.withScope('dense_1', () => g.read(v));
    assert.equal(r.name, 'dense_1/ReadVariableOp:0');
    assert.equal(r.dtype, 'float32');
    const handle = g.toGraphDef().node[0]!;
    assert.equal(handle.op, 'VarHandleOp');
    assert.deepEqual(handle.attr.shared_name, { s: Buffer.from('dense/kernel') });
    assert.deepEqual(handle.attr.allowed_devices, { list: {} });
    assert.deepEqual(g.variables, [v]);
  });

  it('refuses unknown ops and missing required attrs', () => {
    const g = new GraphBuilder();
    assert.throws(() => g.op('NotAnOp', []), /no OpSpec for NotAnOp/);
    assert.throws(
      () => g.op('Conv2D', [g.placeholder('x', 'float32', null), g.placeholder('k', 'float32', null)]),
      /attr strides is required/,
    );
  });

  it('encodes as tensorflow.GraphDef and decodes back', () => {
    const g = new GraphBuilder();
    g.op1('Relu', [g.placeholder('x', 'float32', [null, 3])]);
    const GraphDef = tensorflowRoot().lookupType('tensorflow.GraphDef');
    const bytes = GraphDef.encode(GraphDef.fromObject(g.toGraphDef())).finish();
    const back = GraphDef.toObject(GraphDef.decode(bytes), { longs: Number }) as {
      node: Array<{ name: string; op: string; input?: string[]; attr: Record<string, { type?: number }> }>;
      versions: { producer: number };
    };
    assert.equal(back.versions.producer, GRAPH_DEF_PRODUCER);
    assert.deepEqual(
      back.node.map((n) => [n.name, n.op, n.input ?? [], n.attr.T?.type ?? n.attr.dtype?.type]),
      [
        ['x', 'Placeholder', [], 1],
        ['Relu', 'Relu', ['x'], 1],
      ],
    );
  });
});
