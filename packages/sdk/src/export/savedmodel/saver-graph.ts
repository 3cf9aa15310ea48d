/**
 * The `save/` subgraph a TF1 Saver builds (training/saver.py, V2 sharded format), and its
 * SaverDef. Loaders need only the restore half: TF Serving (cc/saved_model/loader.cc RunRestore)
 * and `tf.saved_model.load` (load_v1_in_v2.py, through `Saver(saver_def=…)`) feed
 * `variables/variables` into `filename_tensor_name` and run `restore_op_name`. The save half is
 * kept so the graph can also write checkpoints (`Saver` checks that `save_tensor_name` is set).
 */
import { attrValue } from '../graph/attrs';
import type { GraphBuilder, GraphVariable, TensorRef } from '../graph/graph-builder';

/**
 * `tensorflow.SaverDef` as a protobufjs plain object.
 *
 * @example
 * ```ts
 * const def: SaverDefMessage = addSaverGraph(g)!;
 * ```
 */
export interface SaverDefMessage {
  filenameTensorName: string;
  saveTensorName: string;
  restoreOpName: string;
  maxToKeep: number;
  sharded: boolean;
  keepCheckpointEveryNHours: number;
  /** CheckpointFormatVersion: 2 = V2 (TensorBundle). */
  version: number;
}

// Checkpoint I/O has CPU kernels only; Python pins these ops the same way.
const CPU = { device: '/device:CPU:0' };

/**
 * Adds save and restore ops for every variable of `g` under the scope `save`; returns the
 * SaverDef, or `undefined` when the graph has no variables (loaders then skip restoring).
 * Checkpoint keys are the variable names.
 *
 * @example
 * ```ts
 * const saverDef = addSaverGraph(graph);
 * ```
 */
export function addSaverGraph(g: GraphBuilder): SaverDefMessage | undefined {
  const variables = [...g.variables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (variables.length === 0) return undefined;
  return g.withScope('save', () => {
    const fallback = g.constant(['model'], 'string', [], 'filename');
    const filename = g.op1('PlaceholderWithDefault', [fallback], { shape: attrValue.shape([]) }, { name: 'Const' });
    const saveTensor = addSave(g, filename, variables);
    const names = g.constant(
      variables.map((v) => v.name),
      'string',
      [variables.length],
      'tensor_names',
    );
    const restored = g.op(
      'RestoreV2',
      [filename, names, slices(g, variables.length)],
      { dtypes: attrValue.listType(variables.map((v) => v.dtype)) },
      CPU,
    );
    const assigns = variables.map((v, i) => g.target('AssignVariableOp', [v.handle, restored[i]!]));
    const restoreAll = g.target('NoOp', [], {}, { name: 'restore_all', control: assigns });
    return {
      filenameTensorName: filename.name,
      saveTensorName: saveTensor.name,
      restoreOpName: restoreAll,
      maxToKeep: 5,
      sharded: true,
      keepCheckpointEveryNHours: 10000,
      version: 2,
    };
  });
}

/** Sharded V2 save: write `<prefix>_temp/part-00000-of-00001`, then merge it into `<prefix>`. */
function addSave(g: GraphBuilder, filename: TensorRef, variables: readonly GraphVariable[]): TensorRef {
  const temp = g.op1('StringJoin', [filename, g.constant(['_temp/part'], 'string', [], 'Const')], {}, CPU);
  const shard = g.op1(
    'ShardedFilename',
    [temp, g.constant([0], 'int32', [], 'shard'), g.constant([1], 'int32', [], 'num_shards')],
    {},
    CPU,
  );
  const names = g.constant(
    variables.map((v) => v.name),
    'string',
    [variables.length],
    'tensor_names',
  );
  const values = variables.map((v) => g.read(v));
  const save = g.target('SaveV2', [shard, names, slices(g, variables.length), ...values], {}, CPU);
  const saved = g.op1('Identity', [shard], {}, { ...CPU, name: 'control_dependency', control: [save] });
  const prefixes = g.op1('Pack', [shard], {}, { ...CPU, name: 'checkpoint_prefixes', control: [saved] });
  const merge = g.target('MergeV2Checkpoints', [prefixes, filename], {}, CPU);
  return g.op1('Identity', [filename], {}, { ...CPU, control: [merge, saved] });
}

function slices(g: GraphBuilder, n: number): TensorRef {
  return g.constant(new Array<string>(n).fill(''), 'string', [n], 'shape_and_slices');
}
