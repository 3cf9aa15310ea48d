/**
 * A tfjs LayersModel as a {@link KModel} plus its variables in Keras order: Sequential stays
 * Sequential unless an activation needs ops after a layer (then it is written as Functional,
 * since Keras' Sequential holds only layers); functional models keep their graph, shared
 * layers and nested models.
 */
import type { LayersModel, layers, SymbolicTensor } from '@tensorflow/tfjs';
import { LAYER_EMITTERS } from '@tfscale/sdk';
import { activationToKeras } from './activations';
import { exportError } from './errors';
import type { KModel, KNode, KOp, KTensor } from './keras-graph';
import type { Json } from './keras-json';
import { shortName, variableOrder } from './layer-variables';
import { exportLayerContext, kerasLayer, LAYERS_TO_KERAS } from './layers-to-keras';
import { inputLayerConfig } from './serialize-keras';

type Layer = layers.Layer;
type TfNode = Layer['inboundNodes'][number];
/** A layer's op, and the ops (with their constant arguments) that finish its activation. */
type Converted = { op: KOp; chain: { op: KOp; args: readonly number[] }[] };

/**
 * One variable's values.
 *
 * @example
 * ```ts
 * const v: KVariable = { data: new Float32Array(6), shape: [2, 3] };
 * ```
 */
export interface KVariable {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/**
 * What {@link tfjsToKeras} returns.
 *
 * @example
 * ```ts
 * const { model, variables } = tfjsToKeras(layersModel);
 * ```
 */
export interface ExportedModel {
  readonly model: KModel;
  /** Each layer op's variables in Keras order (`vars/0`, `vars/1`, …). */
  readonly variables: Map<KOp, KVariable[]>;
}

/** Layers Keras calls with a list of tensors. */
const MERGE_LAYERS = new Set(['Add', 'Average', 'Concatenate', 'Maximum', 'Minimum', 'Multiply']);

/**
 * Translates a tfjs model; throws the SDK's `TFSCALE_E_EXPORT_UNSUPPORTED_LAYER` naming the
 * layer and class for anything outside `LAYER_EMITTERS` or an option Keras cannot take.
 *
 * @example
 * ```ts
 * const { model, variables } = tfjsToKeras(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] }));
 * ```
 */
export function tfjsToKeras(model: LayersModel): ExportedModel {
  const variables = new Map<KOp, KVariable[]>();
  return { model: convertModel(model, variables), variables };
}

const isModel = (layer: Layer): layer is LayersModel => Array.isArray((layer as Partial<LayersModel>).layers);

function needsOps(layer: Layer): boolean {
  if (isModel(layer) || layer.getClassName() === 'InputLayer') return false;
  const activation = layer.getConfig().activation;
  return typeof activation === 'string' && Array.isArray(activationToKeras(activation));
}

function convertModel(model: LayersModel, variables: Map<KOp, KVariable[]>): KModel {
  if (model.getClassName() === 'Sequential' && !model.layers.some(needsOps)) {
    const input = inputOp(model.inputs[0]!.sourceLayer);
    // A Sequential built from tf.layers.inputLayer lists that InputLayer among its layers.
    const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
    const ops = layers.map((layer) => convertLayer(layer, new Set(), variables).op);
    return {
      kind: 'Sequential',
      name: model.name,
      trainable: model.trainable,
      ops: [input, ...ops],
      inputs: [],
      outputs: [],
    };
  }
  return convertFunctional(model, variables);
}

function convertFunctional(model: LayersModel, variables: Map<KOp, KVariable[]>): KModel {
  const nodes = topologicalNodes(model.outputs);
  const kept = new Set(nodes);
  const names = new Set(nodes.map((n) => n.outboundLayer.name));
  const converted = new Map<Layer, Converted>();
  const kerasIndex = new Map<TfNode, number>();
  for (const node of nodes) {
    const layer = node.outboundLayer;
    if (converted.has(layer)) continue;
    converted.set(layer, convertLayer(layer, names, variables));
    for (const [i, n] of layer.inboundNodes.filter((m) => kept.has(m)).entries()) kerasIndex.set(n, i);
  }
  const tensor = (t: SymbolicTensor): KTensor => {
    const { op, chain } = converted.get(t.sourceLayer)!;
    const node = kerasIndex.get(t.sourceLayer.inboundNodes[t.nodeIndex]!)!;
    const last = chain.at(-1)?.op;
    return { op: last ?? op, node, index: last ? 0 : t.tensorIndex, shape: t.shape, dtype: t.dtype };
  };
  for (const node of nodes) {
    const layer = node.outboundLayer;
    const { op, chain } = converted.get(layer)!;
    if (op.kind === 'input') continue;
    const k = kerasIndex.get(node)!;
    const inputs = node.inputTensors.map(tensor);
    const list = MERGE_LAYERS.has(op.className) || (op.kind === 'model' && (layer as LayersModel).inputs.length > 1);
    if (!list && inputs.length !== 1) {
      throw exportError(layer.name, layer.getClassName(), 'inputs', inputs.length, 'exactly one input tensor');
    }
    op.nodes[k] = { args: list ? [inputs] : [inputs[0]!], inputs };
    const out = node.outputTensors[0]!;
    let prev: KTensor = { op, node: k, index: 0, shape: out.shape, dtype: out.dtype };
    for (const step of chain) {
      step.op.nodes[k] = { args: [prev, ...step.args], inputs: [prev] } satisfies KNode;
      prev = { op: step.op, node: k, index: 0, shape: out.shape, dtype: out.dtype };
    }
  }
  return {
    kind: 'Functional',
    name: model.name,
    trainable: model.trainable,
    ops: [...converted.values()].flatMap(({ op, chain }) => [op, ...chain.map((c) => c.op)]),
    inputs: model.inputs.map(tensor),
    outputs: model.outputs.map(tensor),
  };
}

/** The call nodes reachable from `outputs`, inputs first (iterative depth-first search). */
function topologicalNodes(outputs: readonly SymbolicTensor[]): TfNode[] {
  const done = new Set<TfNode>();
  const order: TfNode[] = [];
  const stack: { node: TfNode; expanded: boolean }[] = [];
  const push = (t: SymbolicTensor) => stack.push({ node: t.sourceLayer.inboundNodes[t.nodeIndex]!, expanded: false });
  for (const t of [...outputs].reverse()) push(t);
  while (stack.length > 0) {
    const top = stack.at(-1)!;
    if (done.has(top.node)) {
      stack.pop();
      continue;
    }
    if (!top.expanded && top.node.outboundLayer.getClassName() !== 'InputLayer') {
      top.expanded = true;
      for (const t of [...top.node.inputTensors].reverse()) push(t);
      continue;
    }
    done.add(top.node);
    order.push(top.node);
    stack.pop();
  }
  return order;
}

function inputOp(layer: Layer): KOp {
  const config = layer.getConfig();
  const shape = (config.batchInputShape as (number | null)[] | undefined) ?? layer.batchInputShape;
  const dtype = typeof config.dtype === 'string' ? config.dtype : 'float32';
  return {
    name: layer.name,
    kind: 'input',
    className: 'InputLayer',
    module: 'keras.layers',
    registeredName: null,
    config: inputLayerConfig(layer.name, shape as (number | null)[], dtype),
    nodes: [{ args: [], inputs: [] }],
  };
}

function convertLayer(layer: Layer, names: Set<string>, variables: Map<KOp, KVariable[]>): Converted {
  const className = layer.getClassName();
  if (layer.name.includes('/')) throw exportError(layer.name, className, 'name', layer.name, "a name without '/'");
  if (className === 'InputLayer') return { op: inputOp(layer), chain: [] };
  if (isModel(layer)) {
    const inner = convertModel(layer, variables);
    const op: KOp = {
      name: layer.name,
      kind: 'model',
      className: inner.kind,
      module: 'keras',
      registeredName: null,
      config: {},
      model: inner,
      nodes: [],
    };
    return { op, chain: [] };
  }
  if (!Object.hasOwn(LAYER_EMITTERS, className) || !Object.hasOwn(LAYERS_TO_KERAS, className)) {
    throw exportError(layer.name, className);
  }
  const tfjsConfig = layer.getConfig() as Json;
  const fail = (option: string, value: unknown, expected: string) =>
    exportError(layer.name, className, option, value, expected);
  const x = exportLayerContext(tfjsConfig, fail);
  const fields = LAYERS_TO_KERAS[className]!(x);
  const serialized = kerasLayer(className, { name: layer.name, trainable: layer.trainable }, fields);
  const op: KOp = {
    name: layer.name,
    kind: 'layer',
    className,
    module: 'keras.layers',
    registeredName: null,
    config: serialized.config,
    nodes: [],
  };
  variables.set(op, layerVariables(layer, className, tfjsConfig, fail));
  const chain = x.opChain.map((step) => {
    let name = `${layer.name}_${step.suffix}`;
    for (let i = 1; names.has(name); i++) name = `${layer.name}_${step.suffix}_${i}`;
    names.add(name);
    const op: KOp = {
      name,
      kind: 'op',
      className: step.className,
      module: step.module,
      registeredName: step.className,
      config: { name, ...step.config },
      nodes: [],
    };
    return { op, args: step.args };
  });
  return { op, chain };
}

function layerVariables(
  layer: Layer,
  className: string,
  config: Json,
  fail: (option: string, value: unknown, expected: string) => Error,
): KVariable[] {
  const order = variableOrder(className, config);
  const names = layer.weights.map((w) => shortName(w.originalName));
  if (names.length !== order.length || order.some((n) => !names.includes(n))) {
    throw fail('weights', names, `the weights [${order.join(', ')}]`);
  }
  const values = layer.getWeights();
  return order.map((n) => {
    const t = values[names.indexOf(n)]!;
    return { data: Float32Array.from(t.dataSync() as Float32Array), shape: t.shape };
  });
}
