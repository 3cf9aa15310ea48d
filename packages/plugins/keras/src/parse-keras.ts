/**
 * Keras model JSON → {@link KModel}: Keras 3 (`config.json`, and the `model_config` of Keras 3's
 * legacy `.h5`) and tf.keras 2 (`model_config` of `model.save('x.h5')`). The formats differ in
 * how a call node lists its inputs (`{args, kwargs}` of `__keras_tensor__` vs
 * `[[name, node, tensor, kwargs], …]`) and in how nested models count nodes: tf.keras 2 counts a
 * nested model's own built-in node everywhere, Keras 3 only in `input_layers`/`output_layers`.
 */
import { badFile, importError } from './errors';
import type { KArg, KModel, KNode, KOp, KTensor } from './keras-graph';
import { isObject, type Json, type KerasObject } from './keras-json';

/**
 * Where the JSON came from: the file (for errors) and the Keras major version that wrote it.
 *
 * @example
 * ```ts
 * const source: ParseSource = { file: 'm.h5', kerasMajor: 2 };
 * ```
 */
export interface ParseSource {
  readonly file: string;
  readonly kerasMajor: number;
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/**
 * Parses a serialized Keras model.
 *
 * @example
 * ```ts
 * const model = parseModel(JSON.parse(configJson), { file: 'm.keras', kerasMajor: 3 });
 * ```
 */
export function parseModel(obj: unknown, source: ParseSource): KModel {
  if (!isObject(obj) || typeof obj.class_name !== 'string' || !isObject(obj.config)) {
    throw badFile(source.file, 'the model config is not a serialized Keras model');
  }
  if (obj.class_name === 'Sequential') return parseSequential(obj as KerasObject, source);
  if (obj.class_name === 'Functional' || obj.class_name === 'Model') return parseFunctional(obj as KerasObject, source);
  throw importError(String(obj.config.name ?? 'model'), obj.class_name, undefined, undefined, undefined, [
    'Sequential',
    'Functional',
  ]);
}

function layerEntries(obj: KerasObject, source: ParseSource): Json[] {
  const layers = obj.config.layers;
  if (!Array.isArray(layers) || !layers.every(isObject))
    throw badFile(source.file, 'the model config has no layer list');
  return layers;
}

function opOf(entry: Json, source: ParseSource): KOp {
  const className = String(entry.class_name);
  const config = isObject(entry.config) ? entry.config : {};
  const name = String(entry.name ?? config.name ?? className);
  const module = typeof entry.module === 'string' ? entry.module : 'keras.layers';
  const registeredName = typeof entry.registered_name === 'string' ? entry.registered_name : null;
  if (MODEL_CLASSES.has(className)) {
    const model = parseModel(entry, source);
    return { name, kind: 'model', className: model.kind, module, registeredName, config: {}, model, nodes: [] };
  }
  const kind = className === 'InputLayer' ? 'input' : module.startsWith('keras.src.ops') ? 'op' : 'layer';
  return { name, kind, className, module, registeredName, config, nodes: kind === 'input' ? [emptyNode()] : [] };
}

const emptyNode = (): KNode => ({ args: [], inputs: [] });

function parseSequential(obj: KerasObject, source: ParseSource): KModel {
  const entries = layerEntries(obj, source);
  const ops = entries.map((e) => opOf(e, source));
  if (ops[0]?.kind !== 'input') {
    // tf.keras 2 (and Keras 3 before its first build) keep the input shape on the first layer.
    const first = entries[0];
    const cfg = isObject(first?.config) ? first.config : {};
    const build = isObject(obj.build_config) ? obj.build_config.input_shape : undefined;
    const shape = cfg.batch_input_shape ?? cfg.batch_shape ?? obj.config.build_input_shape ?? build;
    if (!Array.isArray(shape))
      throw badFile(source.file, 'the Sequential model has no input shape (it was never built)');
    const dtype = typeof cfg.dtype === 'string' ? cfg.dtype : 'float32';
    ops.unshift({
      name: `${String(cfg.name ?? 'sequential')}_input`,
      kind: 'input',
      className: 'InputLayer',
      module: 'keras.layers',
      registeredName: null,
      config: { batch_shape: shape, dtype },
      nodes: [emptyNode()],
    });
  }
  return {
    kind: 'Sequential',
    name: String(obj.config.name ?? 'sequential'),
    trainable: obj.config.trainable !== false,
    ops,
    inputs: [],
    outputs: [],
  };
}

function parseFunctional(obj: KerasObject, source: ParseSource): KModel {
  const entries = layerEntries(obj, source);
  const ops = entries.map((e) => opOf(e, source));
  const byName = new Map(ops.map((op) => [op.name, op]));
  // Nested models whose node indices count their own built-in node.
  const offset = (op: KOp, inIoList: boolean) =>
    op.kind === 'model' && (source.kerasMajor < 3 || (inIoList && op.model!.kind === 'Functional')) ? 1 : 0;
  const ref = (name: unknown, node: unknown, index: unknown, inIoList: boolean, shape?: unknown, dtype?: unknown) => {
    const op = byName.get(String(name));
    if (!op || typeof node !== 'number' || typeof index !== 'number') {
      throw badFile(source.file, `a node refers to an unknown layer ${JSON.stringify(name)}`);
    }
    const t: KTensor = {
      op,
      node: node - offset(op, inIoList),
      index,
      shape: Array.isArray(shape) ? (shape as (number | null)[]) : [],
      dtype: typeof dtype === 'string' ? dtype : 'float32',
    };
    return t;
  };
  entries.forEach((entry, i) => {
    const op = ops[i]!;
    if (op.kind === 'input') return;
    const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    for (const data of nodes) {
      const inputs: KTensor[] = [];
      const check = (kwargs: unknown) => checkKwargs(op, kwargs);
      if (Array.isArray(data)) {
        // tf.keras 2: [[layer, node, tensor, kwargs], …]
        for (const r of data as unknown[][]) {
          inputs.push(ref(r[0], r[1], r[2], false));
          check(r[3]);
        }
        op.nodes.push({ args: inputs.length === 1 ? [inputs[0]!] : [inputs], inputs });
      } else if (isObject(data)) {
        const parse = (a: unknown): KArg => {
          if (Array.isArray(a)) return a.map(parse);
          if (isObject(a) && a.class_name === '__keras_tensor__' && isObject(a.config)) {
            const h = a.config.keras_history as unknown[];
            const t = ref(h?.[0], h?.[1], h?.[2], false, a.config.shape, a.config.dtype);
            inputs.push(t);
            return t;
          }
          if (a === null || ['number', 'string', 'boolean'].includes(typeof a)) return a as KArg;
          throw importError(op.name, op.className, 'call arguments', a, 'tensors and constants');
        };
        const args = Array.isArray(data.args) ? data.args.map(parse) : [];
        check(data.kwargs);
        op.nodes.push({ args, inputs });
      }
    }
  });
  const io = (value: unknown): KTensor[] => {
    if (!Array.isArray(value)) return [];
    if (typeof value[0] === 'string') return [ref(value[0], value[1], value[2], true)];
    return (value as unknown[][]).map((r) => ref(r[0], r[1], r[2], true));
  };
  const inputs = io(obj.config.input_layers);
  const outputs = io(obj.config.output_layers);
  if (inputs.length === 0 || outputs.length === 0)
    throw badFile(source.file, 'the model config lists no inputs or outputs');
  const trainable = obj.config.trainable !== false;
  return { kind: 'Functional', name: String(obj.config.name ?? 'model'), trainable, ops, inputs, outputs };
}

/** Call keyword arguments tfjs reproduces: none, `mask: null`, `training: false`. */
function checkKwargs(op: KOp, kwargs: unknown): void {
  if (!isObject(kwargs)) return;
  for (const [key, value] of Object.entries(kwargs)) {
    if (value === null || (key === 'training' && value === false)) continue;
    throw importError(op.name, op.className, `call argument ${key}`, value, 'no extra call arguments');
  }
}
