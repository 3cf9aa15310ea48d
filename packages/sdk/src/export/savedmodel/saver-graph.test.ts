import * as assert from 'node:assert/strict';
import { GraphBuilder } from '../graph/graph-builder';
import { addSaverGraph } from './saver-graph';

describe('addSaverGraph', () => {
  it('restores every variable from RestoreV2 by name, then groups the assigns under restore_all', () => {
    const g = new GraphBuilder();
    g.variable('b', 'float32', [2], new Float32Array(2));
    g.variable('a', 'int32', [], new Int32Array(1));
    const def = addSaverGraph(g)!;
    const nodes = new Map(g.toGraphDef().node.map((n) => [n.name, n]));
    const restore = nodes.get('save/RestoreV2')!;
    assert.deepEqual(restore.input, ['save/Const', 'save/tensor_names_1', 'save/shape_and_slices_1']);
    assert.deepEqual(restore.attr.dtypes, { list: { type: [3, 1] } }); // sorted by name: a (int32), b (float32)
    assert.deepEqual(nodes.get('save/tensor_names_1')!.attr.value!.tensor!.stringVal, [
      Buffer.from('a'),
      Buffer.from('b'),
    ]);
    assert.deepEqual(nodes.get('save/AssignVariableOp')!.input, ['a', 'save/RestoreV2']);
    assert.deepEqual(nodes.get('save/AssignVariableOp_1')!.input, ['b', 'save/RestoreV2:1']);
    assert.deepEqual(nodes.get('save/restore_all')!.input, ['^save/AssignVariableOp', '^save/AssignVariableOp_1']);
    assert.equal(nodes.get('save/Const')!.op, 'PlaceholderWithDefault');
    assert.deepEqual(nodes.get('save/SaveV2')!.attr.dtypes, { list: { type: [3, 1] } });
    assert.equal(nodes.get('save/Identity')!.input[0], 'save/Const');
    assert.equal(def.restoreOpName, 'save/restore_all');
    assert.equal(def.filenameTensorName, 'save/Const:0');
    assert.equal(def.saveTensorName, 'save/Identity:0');
  });

  it('does not collide with a layer scope called save', () => {
    const g = new GraphBuilder();
    g.withScope('save', () => g.variable('w', 'float32', [1], new Float32Array(1)));
    assert.equal(addSaverGraph(g)!.restoreOpName, 'save_1/restore_all');
  });
});
