/**
 * Walks a tfjs LayersModel (Sequential or functional, multi-input/-output, shared layers,
 * nested models) and emits its inference graph: one placeholder per model input, one name scope
 * per layer call, and the layer weights as resource variables (or constants, for frozen graphs).
 */
import type { LayersModel, layers, SymbolicTensor } from '@tensorflow/tfjs';
import { invalidValue } from '../../core/errors';
import type { GraphDType, GraphShape } from './attrs';
import { GraphBuilder, type GraphVariable, type TensorRef } from './graph-builder';
import { LAYER_EMITTERS } from './layers/index';
import { type LayerCall, unsupportedLayer } from './layers/layer-call';

/**
 * Options of {@link buildModelGraph}.
 *
 * @example
 * ```ts
 * buildModelGraph(model, { format: 'onnx', weights: 'constants' });
 * ```
 */
export interface ModelGraphOptions {
  /** Format named in errors. Default 'savedmodel'. */
  readonly format?: string;
  /** 'variables' (VarHandleOp + ReadVariableOp, default) or 'constants' (a frozen graph). */
  readonly weights?: 'variables' | 'constants';
  /**
   * A graph that runs before the model (a serving input function, e.g. a fitted feature
   * transform): it adds its own placeholders, which become the signature's inputs, and returns
   * one tensor per model input to feed it.
   */
  readonly servingInput?: ServingInputFn;
}

/**
 * Builds the part of a graph in front of the model: placeholders (the signature's inputs) and
 * the tensors fed to the model's inputs, in order.
 *
 * @example
 * ```ts
 * const scale: ServingInputFn = (g) => {
 *   const x = g.placeholder('x', 'float32', [null, 3]);
 *   return { inputs: [{ key: 'x', tensor: x, shape: [null, 3] }], features: [g.op1('Mul', [x, g.constant([2], 'float32', [])])] };
 * };
 * ```
 */
export type ServingInputFn = (g: GraphBuilder) => {
  readonly inputs: readonly GraphSignatureTensor[];
  readonly features: readonly TensorRef[];
};

/**
 * A model input or output as a signature sees it.
 *
 * @example
 * ```ts
 * const { key, tensor, shape } = graph.inputs[0]!; // 'x', x:0, [-1, 3]
 * ```
 */
export interface GraphSignatureTensor {
  /** The tfjs layer name, made a valid TF name (and unique). */
  readonly key: string;
  readonly tensor: TensorRef;
  /** Static shape, `null` for unknown dimensions. */
  readonly shape: GraphShape;
}

/**
 * The built graph and its signature.
 *
 * @example
 * ```ts
 * const { graph, inputs, outputs } = buildModelGraph(model);
 * ```
 */
export interface ModelGraph {
  readonly graph: GraphBuilder;
  readonly inputs: readonly GraphSignatureTensor[];
  readonly outputs: readonly GraphSignatureTensor[];
  /** The tfjs weight behind each graph variable (variables mode), in creation order. */
  readonly weights: ReadonlyMap<GraphVariable, Weight>;
}

/**
 * A valid TensorFlow node name for `name`: characters other than letters, digits, `_`, `.`, `-`
 * become `_`, and it starts with a letter, digit or `.`.
 *
 * @example
 * ```ts
 * tfName('my input/1'); // 'my_input_1'
 * ```
 */
export function tfName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z0-9.]/.test(clean) ? clean : `x${clean}`;
}

const DTYPES: Readonly<Record<string, GraphDType>> = {
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
  string: 'string',
};

/**
 * Emits the inference graph of `model`. Throws `TFSCALE_E_EXPORT_UNSUPPORTED_LAYER` naming the
 * first layer, activation or option it cannot write with tfjs' exact semantics.
 *
 * @example
 * ```ts
 * const { graph, inputs, outputs } = buildModelGraph(model);
 * const graphDef = graph.toGraphDef();
 * ```
 */
export function buildModelGraph(model: LayersModel, options: ModelGraphOptions = {}): ModelGraph {
  const g = new GraphBuilder();
  const walker = new Walker(g, options.format ?? 'savedmodel', options.weights ?? 'variables');
  const pre = options.servingInput?.(g);
  if (pre && pre.features.length !== model.inputs.length) {
    throw invalidValue('servingInput features', pre.features.length, `${model.inputs.length}, one per model input`);
  }
  const inputKeys = uniqueKeys(model.inputs.map((t) => tfName(t.sourceLayer.name)));
  const inputs = pre
    ? pre.inputs
    : model.inputs.map((t, i) => {
        const dtype = DTYPES[t.dtype];
        if (!dtype) throw walker.error(t.sourceLayer, 'dtype', t.dtype, 'float32, int32, bool or string');
        return { key: inputKeys[i]!, tensor: g.placeholder(inputKeys[i]!, dtype, t.shape), shape: t.shape };
      });
  const results = walker.emitModel(model, pre ? pre.features : inputs.map((i) => i.tensor));
  const outputKeys = uniqueKeys(model.outputs.map((t) => tfName(t.sourceLayer.name)));
  const outputs = model.outputs.map((t, i) => ({ key: outputKeys[i]!, tensor: results[i]!, shape: t.shape }));
  return { graph: g, inputs, outputs, weights: walker.variableWeights };
}

function uniqueKeys(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let key = name;
    for (let i = 1; seen.has(key); i++) key = `${name}_${i}`;
    seen.add(key);
    return key;
  });
}

type Weight = layers.Layer['weights'][number];

class Walker {
  private readonly weights = new Map<Weight, () => TensorRef>();
  readonly variableWeights = new Map<GraphVariable, Weight>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly format: string,
    private readonly mode: 'variables' | 'constants',
  ) {}

  error(layer: layers.Layer, option?: string, value?: unknown, expected?: string) {
    const base = { name: layer.name, className: layer.getClassName(), format: this.format };
    return option === undefined
      ? unsupportedLayer({ ...base, supported: Object.keys(LAYER_EMITTERS) })
      : unsupportedLayer({ ...base, option, value, ...(expected ? { expected } : {}) });
  }

  /** Emits `model` with its inputs bound to `inputs`; returns its outputs. Iterative, post-order. */
  emitModel(model: LayersModel, inputs: readonly TensorRef[]): TensorRef[] {
    const values = new Map<number, TensorRef>();
    for (const [i, t] of model.inputs.entries()) values.set(t.id, inputs[i]!);
    const stack: SymbolicTensor[] = [...model.outputs];
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      if (values.has(top.id)) {
        stack.pop();
        continue;
      }
      const node = top.sourceLayer.inboundNodes[top.nodeIndex];
      // An InputLayer's node lists its own tensor as input: reaching one unbound means the
      // outputs depend on a tensor that is not a model input.
      if (!node || node.inputTensors.some((t) => t.id === top.id)) {
        throw this.error(top.sourceLayer, 'inputs', top.name, 'outputs computed from the model inputs only');
      }
      const missing = node.inputTensors.filter((t) => !values.has(t.id));
      if (missing.length > 0) {
        stack.push(...missing);
        continue;
      }
      const outputs = this.emitNode(node.outboundLayer, node.inputTensors, node.outputTensors, values);
      for (const [i, t] of node.outputTensors.entries()) values.set(t.id, outputs[i]!);
    }
    return model.outputs.map((t) => values.get(t.id)!);
  }

  private emitNode(
    layer: layers.Layer,
    inputTensors: SymbolicTensor[],
    outputTensors: SymbolicTensor[],
    values: Map<number, TensorRef>,
  ): TensorRef[] {
    const inputs = inputTensors.map((t) => values.get(t.id)!);
    const nested = layer as Partial<LayersModel>;
    if (Array.isArray(nested.layers) && Array.isArray(nested.inputs) && Array.isArray(nested.outputs)) {
      return this.g.withScope(tfName(layer.name), () => this.emitModel(nested as LayersModel, inputs));
    }
    const emit = Object.hasOwn(LAYER_EMITTERS, layer.getClassName()) ? LAYER_EMITTERS[layer.getClassName()] : undefined;
    if (!emit) throw this.error(layer);
    const call: LayerCall = {
      g: this.g,
      layer,
      config: layer.getConfig() as Record<string, unknown>,
      inputs,
      inputShapes: inputTensors.map((t) => t.shape),
      outputShapes: outputTensors.map((t) => t.shape),
      format: this.format,
      weight: (shortName) => this.weight(layer, shortName),
      unsupported: (option, value, expected) => this.error(layer, option, value, expected),
    };
    const outputs = this.g.withScope(tfName(layer.name), () => emit(call));
    if (outputs.length !== outputTensors.length) throw new RangeError(`${layer.name}: emitter output count mismatch`);
    return outputs;
  }

  /** The value of a layer weight: read in the current scope, created on first use. */
  private weight(layer: layers.Layer, shortName: string): TensorRef {
    const w = layer.weights.find((v) => v.originalName.split('/').at(-1) === shortName);
    if (!w) throw this.error(layer, `weight ${shortName}`, undefined, 'the weight to exist');
    let get = this.weights.get(w);
    if (!get) {
      const dtype = w.dtype === 'int32' ? 'int32' : 'float32';
      if (w.dtype !== dtype) throw this.error(layer, `weight ${shortName} dtype`, w.dtype, 'float32 or int32');
      const data = w.read().dataSync() as Float32Array | Int32Array;
      if (this.mode === 'constants') {
        const value = this.g.constant(data, dtype, w.shape as number[], shortName);
        get = () => value;
      } else {
        const variable = this.g.variable(shortName, dtype, w.shape as number[], data);
        this.variableWeights.set(variable, w);
        get = () => this.g.read(variable);
      }
      this.weights.set(w, get);
    }
    return get();
  }
}
