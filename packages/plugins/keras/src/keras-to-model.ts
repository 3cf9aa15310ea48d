/**
 * {@link KModel} → tfjs LayersModel: Sequential as `tf.sequential` (InputLayer first), Functional
 * by calling each layer on its inputs in dependency order (a shared layer's calls in node order),
 * nested models as layers. Weights are assigned afterwards (see load-weights.ts).
 */
import type { LayersModel, layers, SymbolicTensor } from '@tensorflow/tfjs';
import { LAYER_EMITTERS, type Tf } from '@tfscale/sdk';
import { badFile, importError } from './errors';
import type { KArg, KModel, KOp, KTensor } from './keras-graph';
import { type Json, policyName } from './keras-json';
import { importLayerContext, LAYERS_FROM_KERAS } from './layers-from-keras';

type Layer = layers.Layer;
type DataType = 'float32' | 'int32' | 'bool';

/**
 * The tfjs model and, for weight loading, the tfjs layer made for each layer op.
 *
 * @example
 * ```ts
 * const { model, layers } = kerasToTfjs(tf, parsed, { file: 'm.keras', kerasMajor: 3 });
 * ```
 */
export interface BuiltModel {
  readonly model: LayersModel;
  readonly layers: Map<KOp, Layer>;
}

/**
 * Builds the tfjs model; throws `TFSCALE_E_IMPORT_UNSUPPORTED_LAYER` naming the layer and class
 * for a class outside `LAYER_EMITTERS`, a `keras.ops` call or an option tfjs cannot reproduce.
 *
 * @example
 * ```ts
 * const { model } = kerasToTfjs(tf, parseModel(config, source), source);
 * ```
 */
export function kerasToTfjs(tf: Tf, model: KModel, source: { file: string; kerasMajor: number }): BuiltModel {
  const made = new Map<KOp, Layer>();
  return { model: build(tf, model, source, made), layers: made };
}

function build(tf: Tf, model: KModel, source: { file: string; kerasMajor: number }, made: Map<KOp, Layer>) {
  const create = (op: KOp): Layer => {
    if (op.kind === 'model') return build(tf, op.model!, source, made);
    const layer = createLayer(tf, op, source.kerasMajor);
    made.set(op, layer);
    return layer;
  };
  if (model.kind === 'Sequential') {
    const [input, ...rest] = model.ops;
    const { batchShape, dtype } = inputSpec(input!, source.file);
    const first = tf.layers.inputLayer({ batchInputShape: batchShape, dtype, name: input!.name });
    const built = tf.sequential({ name: model.name, layers: [first, ...rest.map(create)] });
    built.trainable = model.trainable;
    return built;
  }
  const produced = new Map<KOp, SymbolicTensor[][]>();
  const layerOf = new Map<KOp, Layer>();
  const computed = model.ops.filter((op) => op.kind !== 'input' && !op.absorbed);
  for (const op of model.ops) {
    if (op.kind === 'input') produced.set(op, [[tf.input({ ...inputSpec(op, source.file), name: op.name })]]);
  }
  for (const op of computed) layerOf.set(op, create(op));
  const ready = (t: KTensor) => (produced.get(t.op)?.length ?? 0) > t.node;
  const value = (t: KTensor): SymbolicTensor => {
    const out = produced.get(t.op)![t.node]![t.index];
    if (!out) throw badFile(source.file, `${t.op.name} has no output ${t.index}`);
    return out;
  };
  const next = new Map<KOp, number>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const op of computed) {
      let k = next.get(op) ?? 0;
      for (; k < op.nodes.length && op.nodes[k]!.inputs.every(ready); k++, progress = true) {
        const { tensors, list } = callInput(op, op.nodes[k]!.args);
        const ins = tensors.map(value);
        const out = layerOf.get(op)!.apply(list ? ins : ins[0]!) as SymbolicTensor | SymbolicTensor[];
        produced.set(op, [...(produced.get(op) ?? []), Array.isArray(out) ? out : [out]]);
      }
      next.set(op, k);
    }
  }
  const stuck = computed.find((op) => (next.get(op) ?? 0) < op.nodes.length);
  if (stuck) throw badFile(source.file, `the inputs of layer ${stuck.name} cannot be computed (disconnected graph)`);
  for (const t of model.outputs) {
    if (!ready(t)) throw badFile(source.file, `the model output ${t.op.name} is never computed`);
  }
  const inputs = model.inputs.map(value);
  const outputs = model.outputs.map(value);
  const built = tf.model({ name: model.name, inputs, outputs: outputs.length === 1 ? outputs[0]! : outputs });
  built.trainable = model.trainable;
  return built;
}

/** The tensors a layer is called with (one, or one list); `apply` takes a list either way. */
function callInput(op: KOp, args: readonly KArg[]): { tensors: KTensor[]; list: boolean } {
  const arg = args[0];
  const isTensor = (a: unknown): a is KTensor => typeof a === 'object' && a !== null && !Array.isArray(a);
  if (args.length === 1 && isTensor(arg)) return { tensors: [arg], list: false };
  if (args.length === 1 && Array.isArray(arg) && arg.every(isTensor)) return { tensors: arg as KTensor[], list: true };
  throw importError(op.name, op.className, 'call arguments', args.length, 'one tensor or one list of tensors');
}

function inputSpec(op: KOp, file: string): { batchShape: (number | null)[]; dtype: DataType } {
  const shape = op.config.batch_shape ?? op.config.batch_input_shape;
  if (!Array.isArray(shape)) throw badFile(file, `input ${op.name} has no shape`);
  const d = String(op.config.dtype ?? 'float32');
  const dtype: DataType = d === 'bool' ? 'bool' : /^u?int/.test(d) ? 'int32' : 'float32';
  if (op.config.sparse === true || op.config.ragged === true) {
    throw importError(op.name, 'InputLayer', op.config.sparse ? 'sparse' : 'ragged', true, 'dense inputs');
  }
  return { batchShape: shape as (number | null)[], dtype };
}

function createLayer(tf: Tf, op: KOp, kerasMajor: number): Layer {
  if (op.activation) return tf.layers.activation({ activation: op.activation as 'linear', name: op.name });
  const supported = Object.keys(LAYER_EMITTERS);
  if (op.kind === 'op') {
    throw importError(op.name, `${op.module}.${op.className}`, undefined, undefined, undefined, supported);
  }
  if (!Object.hasOwn(LAYER_EMITTERS, op.className) || !Object.hasOwn(LAYERS_FROM_KERAS, op.className)) {
    throw importError(op.name, op.className, undefined, undefined, undefined, supported);
  }
  const fail = (option: string, value: unknown, expected: string) =>
    importError(op.name, op.className, option, value, expected);
  const policy = policyName(op.config.dtype);
  if (policy !== 'float32') throw fail('dtype', policy, "'float32' (tfjs computes in float32)");
  const { x, finish } = importLayerContext(op.config, kerasMajor, fail);
  const { factory, args } = LAYERS_FROM_KERAS[op.className]!(x);
  finish();
  const make = (tf.layers as unknown as Record<string, (args: Json) => Layer>)[factory]!;
  return make({ ...args, name: op.name, trainable: op.config.trainable !== false });
}
