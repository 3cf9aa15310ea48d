/**
 * Lowers a frozen TensorFlow inference graph to an ONNX graph: signature placeholders become
 * graph inputs (dynamic dimensions named, the batch as `batch`), each TF op reachable from the
 * outputs becomes ONNX nodes, constants become initializers as they are first used, and graph
 * outputs carry the signature keys.
 */
import { type FrozenGraph, type GraphDType, type GraphShape, parseTensorName, TfscaleError } from '@tfscale/sdk';
import { LOWERERS } from './lower/index';
import { head, LoweringContext, type LoweringState, onnxDType, tensorValue } from './lowering-context';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { ONNX_DTYPE, type OnnxDim, type OnnxGraph, type OnnxValueInfo } from './onnx-proto';

/**
 * One signature input or output: its key (the ONNX value name), the TF tensor and static shape.
 *
 * @example
 * ```ts
 * const x: SignatureTensor = { key: 'x', tensor: 'x:0', dtype: 'float32', shape: [null, 3] };
 * ```
 */
export interface SignatureTensor {
  readonly key: string;
  readonly tensor: string;
  readonly dtype: GraphDType;
  /** `null` dims are dynamic; `null` as a whole is an unknown rank. */
  readonly shape: GraphShape | null;
}

/**
 * Options of {@link lowerGraph}.
 *
 * @example
 * ```ts
 * lowerGraph(graph, signature, { name: 'digits' });
 * ```
 */
export interface LowerGraphOptions {
  /** GraphProto name. Default 'tfscale'. */
  readonly name?: string;
  /** Format named in errors. Default 'onnx'. */
  readonly format?: string;
}

/** TF ops that need no ONNX node: graph plumbing and values read where they are used. */
const LAZY = new Set(['Const', 'Identity', 'ReadVariableOp', 'VarHandleOp', 'NoOp']);

/** ONNX shape of a signature tensor: the batch is `batch`, other dynamic dims `<key>_dim<i>`. */
function valueInfo(key: string, dtype: GraphDType, shape: GraphShape | null): OnnxValueInfo {
  const info: OnnxValueInfo = { name: key, type: { tensorType: { elemType: ONNX_DTYPE[onnxDType(dtype)] } } };
  if (shape) {
    const dim = shape.map(
      (d, i): OnnxDim => (d !== null ? { dimValue: d } : { dimParam: i === 0 ? 'batch' : `${key}_dim${i}` }),
    );
    info.type.tensorType.shape = { dim };
  }
  return info;
}

/** The nodes the outputs read, through data inputs. */
function reachable(graph: FrozenGraph, outputs: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = outputs.map((t) => parseTensorName(t)!.node);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const input of graph.node(name).inputs) stack.push(input.node);
  }
  return seen;
}

/**
 * Lowers `graph` with its signature. Throws `TFSCALE_E_EXPORT_UNSUPPORTED_LAYER` naming the op,
 * node and layer scope of the first thing ONNX cannot express the same way.
 *
 * @example
 * ```ts
 * const onnxGraph = lowerGraph(FrozenGraph.from(def), { inputs, outputs });
 * ```
 */
export function lowerGraph(
  graph: FrozenGraph,
  signature: { readonly inputs: readonly SignatureTensor[]; readonly outputs: readonly SignatureTensor[] },
  options: LowerGraphOptions = {},
): OnnxGraph {
  const onnx = new OnnxGraphBuilder();
  const format = options.format ?? 'onnx';
  const outputNames = signature.outputs.map((o) => graph.resolve(o.tensor).name);
  const state: LoweringState = {
    graph,
    onnx,
    format,
    values: new Map(),
    layout: new Map(),
    derived: new Map(),
    outputs: new Set(outputNames),
  };
  onnx.reserve(...signature.inputs.map((i) => i.key), ...signature.outputs.map((o) => o.key));
  const input: OnnxValueInfo[] = [];
  for (const s of signature.inputs) {
    const ref = graph.resolve(s.tensor);
    const node = graph.node(ref.node);
    if (node.op !== 'Placeholder')
      throw new RangeError(`signature input ${s.key} is ${node.op} ${node.name}, not a Placeholder`);
    state.values.set(ref.name, s.key);
    input.push(valueInfo(s.key, s.dtype, s.shape));
  }

  const needed = reachable(
    graph,
    signature.outputs.map((o) => o.tensor),
  );
  for (const node of graph.nodes) {
    if (!needed.has(node.name) || LAZY.has(node.op) || state.values.has(`${node.name}:0`)) continue;
    if (node.op === 'Placeholder') {
      throw new TfscaleError(
        'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
        `${head(node, format)} is read but is not a signature input.`,
      );
    }
    const lower = Object.hasOwn(LOWERERS, node.op) ? LOWERERS[node.op] : undefined;
    if (!lower) {
      throw new TfscaleError(
        'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
        `${head(node, format)} has no ONNX lowering. Expected one of: ${Object.keys(LOWERERS).sort().join(', ')}.`,
        { hint: 'Rebuild the model from supported layers, or export to a format that supports it (e.g. savedmodel).' },
      );
    }
    const values = lower(new LoweringContext(node, state));
    for (const [i, v] of values.entries()) state.values.set(`${node.name}:${i}`, v);
  }

  const output: OnnxValueInfo[] = [];
  const renamed = new Map<string, string>();
  for (const [i, s] of signature.outputs.entries()) {
    const lowered = tensorValue(state, parseTensorName(outputNames[i]!)!);
    const value = renamed.get(lowered) ?? lowered;
    if (value !== s.key) {
      // A computed value takes the key as its name; an input, a constant or a value already
      // named after another output is copied by an Identity.
      if (!renamed.has(lowered) && onnx.produces(value)) {
        onnx.rename(value, s.key);
        renamed.set(lowered, s.key);
      } else {
        onnx.nodes.push({
          name: onnx.unique(`${s.key}/Identity`),
          opType: 'Identity',
          input: [value],
          output: [s.key],
          attribute: [],
        });
      }
    }
    output.push(valueInfo(s.key, s.dtype, s.shape));
  }
  return { name: options.name ?? 'tfscale', node: onnx.nodes, initializer: onnx.initializers, input, output };
}
