import * as assert from 'node:assert/strict';
import { Reader } from 'protobufjs';
import { GraphBuilder } from '../graph/graph-builder';
import { decodeSavedModel, encodeSavedModel, PREDICT_METHOD_NAME } from './saved-model-proto';
import { addSaverGraph } from './saver-graph';

/** Top-level fields of a message: [field number, payload] (varints and fixed32 as numbers, else bytes). */
function fields(bytes: Uint8Array): Array<[number, number | Uint8Array]> {
  const reader = Reader.create(bytes);
  const out: Array<[number, number | Uint8Array]> = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wire = tag & 7;
    out.push([tag >>> 3, wire === 0 ? reader.uint32() : wire === 5 ? reader.float() : reader.bytes()]);
  }
  return out;
}
const field = (bytes: Uint8Array, n: number) =>
  fields(bytes)
    .filter(([f]) => f === n)
    .map(([, v]) => v as Uint8Array);

function parts() {
  const g = new GraphBuilder();
  const x = g.placeholder('x', 'float32', [null, 2]);
  const v = g.variable('w', 'float32', [2, 1], new Float32Array(2));
  const y = g.op1('MatMul', [x, g.read(v)]);
  const saverDef = addSaverGraph(g);
  return {
    graphDef: g.toGraphDef(),
    saverDef,
    inputs: [{ key: 'x', tensor: x, shape: [null, 2] }],
    outputs: [{ key: 'y', tensor: y, shape: [null, 1] }],
    tags: ['serve'],
    signatureKey: 'serving_default',
    producer: 'tfscale test',
  };
}

describe('SavedModel message', () => {
  it('puts each field at its TensorFlow field number (saved_model, meta_graph, saver protos)', () => {
    const bytes = encodeSavedModel(parts());
    assert.deepEqual(fields(bytes)[0], [1, 1]); // saved_model_schema_version = 1
    const [metaGraph] = field(bytes, 2); // meta_graphs
    assert.deepEqual(
      fields(metaGraph!).map(([n]) => n),
      [1, 2, 3, 5], // meta_info_def, graph_def, saver_def, signature_def
    );
    const [info] = field(metaGraph!, 1);
    assert.deepEqual(
      fields(info!).map(([n, v]) => [n, Buffer.from(v as Uint8Array).toString()]),
      [
        [4, 'serve'],
        [5, '2.21.0'],
        [6, 'tfscale test'],
      ],
    );
    const [saver] = field(metaGraph!, 3);
    assert.deepEqual(
      fields(saver!).map(([n]) => n),
      [1, 2, 3, 4, 5, 6, 7],
    );
    const [entry] = field(metaGraph!, 5); // map entry: key = 1, value = 2
    const [signature] = field(entry!, 2);
    assert.equal(Buffer.from(field(signature!, 3)[0]!).toString(), PREDICT_METHOD_NAME);
    const [inputEntry] = field(signature!, 1);
    const [info0] = field(inputEntry!, 2);
    assert.deepEqual(
      fields(info0!).map(([n]) => n),
      [1, 2, 3], // TensorInfo name, dtype, tensor_shape
    );
    const [graph] = field(metaGraph!, 2);
    assert.deepEqual([...new Set(fields(graph!).map(([n]) => n))], [1, 4]); // GraphDef node, versions
  });

  it('decodes back to the same signature, SaverDef and graph', () => {
    const p = parts();
    const sm = decodeSavedModel(encodeSavedModel(p));
    const mg = sm.metaGraphs[0]!;
    assert.deepEqual(mg.metaInfoDef.tags, ['serve']);
    assert.deepEqual(mg.signatureDef.serving_default, {
      inputs: { x: { name: 'x:0', dtype: 1, tensorShape: { dim: [{ size: -1 }, { size: 2 }] } } },
      outputs: { y: { name: 'MatMul:0', dtype: 1, tensorShape: { dim: [{ size: -1 }, { size: 1 }] } } },
      methodName: 'tensorflow/serving/predict',
      defaults: {},
    });
    assert.deepEqual(mg.saverDef, {
      filenameTensorName: 'save/Const:0',
      saveTensorName: 'save/Identity:0',
      restoreOpName: 'save/restore_all',
      maxToKeep: 5,
      sharded: true,
      keepCheckpointEveryNHours: 10000,
      version: 2,
    });
    assert.equal(mg.graphDef.node.length, p.graphDef.node.length);
    assert.equal(mg.graphDef.versions?.producer, 2474);
  });

  it('leaves out the SaverDef when the graph has no variables', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', 'float32', [null]);
    assert.equal(addSaverGraph(g), undefined);
    const sm = decodeSavedModel(
      encodeSavedModel({
        ...parts(),
        graphDef: g.toGraphDef(),
        saverDef: undefined,
        inputs: [{ key: 'x', tensor: x, shape: [null] }],
        outputs: [],
      }),
    );
    assert.equal(sm.metaGraphs[0].saverDef, undefined);
  });
});
