/**
 * Lowering of single TF ops, each run by ONNX Runtime and compared with the same op run by
 * TensorFlow (tfjs on the native backend, whose kernels are TensorFlow's).
 */
import * as assert from 'node:assert/strict';
import {
  attrValue,
  FrozenGraph,
  GraphBuilder,
  type GraphDefMessage,
  loadTf,
  type TensorRef,
  type Tf,
} from '@tfscale/sdk';
import { expectCodedError } from '@tfscale/sdk/testing';
import * as ort from 'onnxruntime-node';
import { lowerGraph, type SignatureTensor } from './lower-graph';
import { ONNX_IR_VERSION, ONNX_OPSET } from './model-to-onnx';
import { encodeOnnxModel } from './onnx-proto';
import { assertClose } from './test-support';

const tf = loadTf();
type Tensor = ReturnType<Tf['tensor']>;

interface Feed {
  readonly ref: TensorRef;
  readonly value: Tensor;
}

function signature(key: string, t: TensorRef): SignatureTensor {
  return { key, tensor: t.name, dtype: t.dtype, shape: null };
}

/** Lowers `def` with `feeds` as inputs and `outputs` as outputs, and runs it in ONNX Runtime. */
async function runOnnx(def: GraphDefMessage, feeds: readonly Feed[], outputs: readonly TensorRef[]) {
  const graph = lowerGraph(FrozenGraph.from(def), {
    inputs: feeds.map((f) => signature(f.ref.node, f.ref)),
    outputs: outputs.map((t, i) => signature(`y${i}`, t)),
  });
  const bytes = encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph,
  });
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs = Object.fromEntries(
      feeds.map((f) => [
        f.ref.node,
        new ort.Tensor(f.value.dtype as 'float32', f.value.dataSync() as Float32Array, f.value.shape),
      ]),
    );
    const result = await session.run(inputs);
    return outputs.map((_, i) => result[`y${i}`] as ort.Tensor);
  } finally {
    await session.release();
  }
}

const ints = (g: GraphBuilder, values: number[], name: string) => g.constant(values, 'int32', [values.length], name);

describe('lowerGraph: TF ops against TensorFlow', () => {
  const x = tf.randomNormal([2, 5, 6, 3], 0, 1, 'float32', 7);

  it('StridedSlice with begin/end masks, negative strides and shrink axes', async () => {
    const cases: Array<[number[], number[], number[], Record<string, number>]> = [
      [[0, 1, 0, 0], [2, 4, 6, 3], [1, 2, 1, 1], {}],
      [[0, -1, 0, 2], [0, 0, 0, 0], [1, -1, 2, -1], { begin_mask: 0b0001, end_mask: 0b1011 }],
      [[1, 2, 0, -1], [0, 0, 6, 0], [1, 1, 1, 1], { shrink_axis_mask: 0b1011, end_mask: 0b0010 }],
      [[0, 4, 5, 0], [2, 0, 0, 3], [1, -2, -3, 1], { end_mask: 0b0110 }],
    ];
    for (const [begin, end, strides, masks] of cases) {
      const g = new GraphBuilder();
      const input = g.placeholder('x', 'float32', [null, 5, 6, 3]);
      const attrs = Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, attrValue.i(v)]));
      const y = g.op1('StridedSlice', [input, ints(g, begin, 'b'), ints(g, end, 'e'), ints(g, strides, 's')], attrs);
      const [got] = await runOnnx(g.toGraphDef(), [{ ref: input, value: x }], [y]);
      const want = tf.stridedSlice(
        x,
        begin,
        end,
        strides,
        masks.begin_mask ?? 0,
        masks.end_mask ?? 0,
        0,
        0,
        masks.shrink_axis_mask ?? 0,
      );
      assertClose(got!, want, `slice ${JSON.stringify([begin, end, strides, masks])}`);
    }
  });

  it('Conv2D with explicit paddings and dilations, and a BiasAdd kept apart when the conv is an output too', async () => {
    const g = new GraphBuilder();
    const input = g.placeholder('x', 'float32', [null, 5, 6, 3]);
    const kernel = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 8);
    const bias = tf.randomNormal([4], 0, 1, 'float32', 9);
    const conv = g.op1('Conv2D', [input, g.constant(kernel.dataSync() as Float32Array, 'float32', [3, 2, 3, 4])], {
      strides: attrValue.listI([1, 1, 1, 1]),
      dilations: attrValue.listI([1, 2, 1, 1]),
      padding: attrValue.s('EXPLICIT'),
      explicit_paddings: attrValue.listI([0, 0, 1, 2, 0, 1, 0, 0]),
    });
    const biased = g.op1('BiasAdd', [conv, g.constant(bias.dataSync() as Float32Array, 'float32', [4])]);
    const [c, b] = await runOnnx(g.toGraphDef(), [{ ref: input, value: x }], [conv, biased]);
    const pads: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ];
    const want = tf.conv2d(x as never, kernel as never, 1, pads, 'NHWC', [2, 1]);
    assertClose(c!, want, 'conv');
    assertClose(b!, tf.add(want, bias), 'conv + bias');
  });

  it('MatMul with transposed operands, constant and computed', async () => {
    const a = tf.randomNormal([4, 3], 0, 1, 'float32', 10);
    const w = tf.randomNormal([5, 4], 0, 1, 'float32', 11);
    const g = new GraphBuilder();
    const input = g.placeholder('a', 'float32', [4, 3]);
    const k = g.constant(w.dataSync() as Float32Array, 'float32', [5, 4]);
    const t = { transpose_a: attrValue.b(true), transpose_b: attrValue.b(true) };
    const y1 = g.op1('MatMul', [input, k], t);
    const y2 = g.op1('MatMul', [input, g.op1('Relu', [input])], { transpose_a: attrValue.b(true) });
    const [got1, got2] = await runOnnx(g.toGraphDef(), [{ ref: input, value: a }], [y1, y2]);
    assertClose(got1!, tf.matMul(a, w, true, true), 'aT wT');
    assertClose(got2!, tf.matMul(a, tf.relu(a), true, false), 'aT relu(a)');
  });

  it('Pack, ExpandDims, Squeeze, Transpose, and a reshape computed from Shape at two batch sizes', async () => {
    for (const batch of [1, 3]) {
      const v = tf.randomNormal([batch, 4, 1], 0, 1, 'float32', 12);
      const g = new GraphBuilder();
      const input = g.placeholder('v', 'float32', [null, 4, 1]);
      const packed = g.op1('Pack', [input, g.op1('Relu', [input])], { axis: attrValue.i(-1) });
      const expanded = g.op1('ExpandDims', [input, g.constant([1], 'int32', [], 'dim')]);
      const transposed = g.op1('Transpose', [input, ints(g, [2, 0, 1], 'perm')]);
      const head = g.op1('StridedSlice', [
        g.op1('Shape', [input]),
        ints(g, [0], 'b'),
        ints(g, [1], 'e'),
        ints(g, [1], 's'),
      ]);
      const target = g.op1('ConcatV2', [head, ints(g, [2, 2], 'tail'), g.constant([0], 'int32', [], 'axis')]);
      const reshaped = g.op1('Reshape', [input, target]);
      // Squeeze is not an op our graph builder writes; as TensorFlow writes it.
      const def = g.toGraphDef();
      def.node.push({
        name: 'squeezed',
        op: 'Squeeze',
        input: ['v'],
        attr: { T: attrValue.type('float32'), squeeze_dims: attrValue.listI([-1]) },
      });
      const squeezed = { node: 'squeezed', index: 0, dtype: 'float32', name: 'squeezed:0' } as const;
      const outs = [packed, expanded, squeezed, transposed, reshaped];
      const got = await runOnnx(def, [{ ref: input, value: v }], outs);
      const wants = [
        tf.stack([v, tf.relu(v)], -1),
        tf.expandDims(v, 1),
        tf.squeeze(v, [-1]),
        tf.transpose(v, [2, 0, 1]),
        tf.reshape(v, [batch, 2, 2]),
      ];
      for (const [i, want] of wants.entries()) assertClose(got[i]!, want, `batch ${batch} output ${i}`);
    }
  });

  it('unary ops match TensorFlow’s kernels, large magnitudes included', async () => {
    const v = tf.tensor1d([-30, -6.5, -1, -1e-3, 0, 1e-3, 0.5, 2, 7, 30]);
    const ops: Record<string, (t: Tensor) => Tensor> = {
      Relu: tf.relu,
      Relu6: tf.relu6,
      Elu: tf.elu,
      Selu: tf.selu,
      Sigmoid: tf.sigmoid,
      Tanh: tf.tanh,
      Softplus: tf.softplus,
      Erf: tf.erf,
      Square: tf.square,
      Softsign: (t) => tf.div(t, tf.add(tf.abs(t), 1)),
      Rsqrt: (t) => tf.rsqrt(tf.abs(t)),
    };
    const g = new GraphBuilder();
    const input = g.placeholder('v', 'float32', [10]);
    const abs = g.op1('Maximum', [input, g.op1('Sub', [g.constant([0], 'float32', []), input])]);
    const outs = Object.keys(ops).map((op) => g.op1(op, [op === 'Rsqrt' ? abs : input]));
    const got = await runOnnx(g.toGraphDef(), [{ ref: input, value: v }], outs);
    for (const [i, [op, f]] of Object.entries(ops).entries()) assertClose(got[i]!, f(v), op);
  });

  it('an op without a lowering is a coded error naming op, node and layer scope', async () => {
    const g = new GraphBuilder();
    const input = g.placeholder('x', 'float32', [null, 3]);
    const y = g.withScope('codec', () => g.op1('StringJoin', [input]));
    const def = g.toGraphDef();
    const err = await expectCodedError(
      () => lowerGraph(FrozenGraph.from(def), { inputs: [signature('x', input)], outputs: [signature('y', y)] }),
      'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
    );
    assert.match(
      err.message,
      /Cannot export layer scope `codec` to onnx: TensorFlow op StringJoin \(node codec\/StringJoin\) has no ONNX lowering\. Expected one of: .*Conv2D/,
    );
  });

  it('an attr value without a lowering is a coded error naming the attr', async () => {
    const g = new GraphBuilder();
    const input = g.placeholder('x', 'float32', [null, 3]);
    const y = g.withScope('dense', () =>
      g.op1('StridedSlice', [input, ints(g, [0], 'b'), ints(g, [1], 'e'), ints(g, [1], 's')], {
        ellipsis_mask: attrValue.i(1),
      }),
    );
    const err = await expectCodedError(
      () =>
        lowerGraph(FrozenGraph.from(g.toGraphDef()), { inputs: [signature('x', input)], outputs: [signature('y', y)] }),
      'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
    );
    assert.match(err.message, /layer scope `dense`.*StridedSlice.*Received: ellipsis_mask=1\. Expected: 0\./);
  });
});
