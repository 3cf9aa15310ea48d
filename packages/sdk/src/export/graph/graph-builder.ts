/**
 * A small typed builder of TensorFlow GraphDefs: unique node names under name scopes (TF's
 * rules: `scope/Op`, then `scope/Op_1`, …), dtypes tracked per output so type attrs are
 * inferred, and resource variables recorded for the checkpoint that goes with the graph.
 */
import type { TensorMessage } from '../../formats/proto/tensorboard-messages';
import { type AttrMap, attrValue, type GraphDType, type GraphShape, type TensorValues, tensorProto } from './attrs';
import { OP_SPECS } from './op-specs';

/**
 * TensorFlow's GraphDef `versions.producer` for TensorFlow 2.21 (`TF_GRAPH_DEF_VERSION` in
 * tensorflow/core/public/version.h, what `tf.version.GRAPH_DEF_VERSION` reports).
 *
 * @example
 * ```ts
 * graph.toGraphDef().versions; // { producer: GRAPH_DEF_PRODUCER }
 * ```
 */
export const GRAPH_DEF_PRODUCER = 2474;

/**
 * One output of a node. `name` is TF's tensor name (`node:index`), as in a TensorInfo.
 *
 * @example
 * ```ts
 * const x = g.placeholder('x', 'float32', [null, 3]); // x.name === 'x:0'
 * ```
 */
export interface TensorRef {
  readonly node: string;
  readonly index: number;
  readonly dtype: GraphDType;
  readonly name: string;
}

/**
 * A resource variable in the graph and the value it is saved with.
 *
 * @example
 * ```ts
 * const v = g.variable('dense/kernel', 'float32', [3, 2], new Float32Array(6));
 * ```
 */
export interface GraphVariable {
  /** Node name of the VarHandleOp; also its `shared_name` and its checkpoint key. */
  readonly name: string;
  readonly dtype: GraphDType;
  readonly shape: readonly number[];
  readonly handle: TensorRef;
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/**
 * `tensorflow.NodeDef` as a protobufjs plain object.
 *
 * @example
 * ```ts
 * const n: NodeDefMessage = { name: 'x', op: 'Placeholder', input: [], attr: {} };
 * ```
 */
export interface NodeDefMessage {
  name: string;
  op: string;
  input: string[];
  device?: string;
  attr: AttrMap;
}

/**
 * `tensorflow.GraphDef` as a protobufjs plain object.
 *
 * @example
 * ```ts
 * const def: GraphDefMessage = new GraphBuilder().toGraphDef();
 * ```
 */
export interface GraphDefMessage {
  node: NodeDefMessage[];
  versions: { producer: number; minConsumer?: number };
}

/**
 * Options of one {@link GraphBuilder.op} call.
 *
 * @example
 * ```ts
 * g.op('NoOp', [], {}, { name: 'restore_all', control: [assign] });
 * ```
 */
export interface OpOptions {
  /** Node name inside the current scope (default: the op type). Made unique. */
  readonly name?: string;
  /** Nodes (or tensors of them) that must run first. */
  readonly control?: readonly (TensorRef | string)[];
  readonly device?: string;
}

/**
 * Builds one GraphDef.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder();
 * const x = g.placeholder('x', 'float32', [null, 3]);
 * const y = g.withScope('dense', () => g.op('MatMul', [x, g.constant(w, 'float32', [3, 2])]));
 * const def = g.toGraphDef();
 * ```
 */
export class GraphBuilder {
  private readonly nodes: NodeDefMessage[] = [];
  private readonly used = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly vars: GraphVariable[] = [];

  /** Variables created so far, in creation order. */
  get variables(): readonly GraphVariable[] {
    return this.vars;
  }

  /** Runs `fn` inside a new, unique name scope (`name`, else `name_1`, …) and returns its result. */
  withScope<R>(name: string, fn: () => R): R {
    this.scopes.push(this.uniqueName(this.scoped(name)));
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** A graph input. */
  placeholder(name: string, dtype: GraphDType, shape: GraphShape | null): TensorRef {
    return this.op('Placeholder', [], { dtype: attrValue.type(dtype), shape: attrValue.shape(shape) }, { name })[0]!;
  }

  /** A constant tensor of fully known shape. */
  constant(values: TensorValues, dtype: GraphDType, shape: readonly number[], name = 'Const'): TensorRef {
    return this.constTensor(tensorProto(dtype, shape, values), dtype, name);
  }

  /** A Const node holding an already-built TensorProto. */
  constTensor(value: TensorMessage, dtype: GraphDType, name = 'Const'): TensorRef {
    return this.op('Const', [], { value: attrValue.tensor(value), dtype: attrValue.type(dtype) }, { name })[0]!;
  }

  /**
   * A resource variable (VarHandleOp named `name` in the current scope, `shared_name` equal to
   * its node name) saved with `data`. Read it with {@link read}.
   */
  variable(name: string, dtype: GraphDType, shape: readonly number[], data: GraphVariable['data']): GraphVariable {
    const node = this.uniqueName(this.scoped(name));
    const handle = this.add(node, 'VarHandleOp', [], {
      dtype: attrValue.type(dtype),
      shape: attrValue.shape(shape),
      shared_name: attrValue.s(node),
    })[0]!;
    const variable = { name: node, dtype, shape: [...shape], handle, data };
    this.vars.push(variable);
    return variable;
  }

  /** A ReadVariableOp of `variable` in the current scope. */
  read(variable: GraphVariable, name = 'ReadVariableOp'): TensorRef {
    return this.op('ReadVariableOp', [variable.handle], { dtype: attrValue.type(variable.dtype) }, { name })[0]!;
  }

  /**
   * Adds an op node; type attrs, counts and defaults come from {@link OP_SPECS}, `attrs`
   * overrides them. Returns the node's outputs.
   */
  op(type: string, inputs: readonly TensorRef[], attrs: AttrMap = {}, options: OpOptions = {}): TensorRef[] {
    return this.add(this.uniqueName(this.scoped(options.name ?? type)), type, inputs, attrs, options);
  }

  /** Like {@link op} for ops run for their effect (NoOp, AssignVariableOp, SaveV2…): returns the node name. */
  target(type: string, inputs: readonly TensorRef[], attrs: AttrMap = {}, options: OpOptions = {}): string {
    this.op(type, inputs, attrs, options);
    return this.nodes.at(-1)!.name;
  }

  /** Like {@link op} for single-output ops. */
  op1(type: string, inputs: readonly TensorRef[], attrs: AttrMap = {}, options: OpOptions = {}): TensorRef {
    const [out] = this.op(type, inputs, attrs, options);
    if (!out) throw new RangeError(`${type} has no outputs`);
    return out;
  }

  /** The GraphDef message. */
  toGraphDef(): GraphDefMessage {
    return { node: this.nodes.map((n) => ({ ...n, input: [...n.input] })), versions: { producer: GRAPH_DEF_PRODUCER } };
  }

  private scoped(name: string): string {
    return this.scopes.length ? `${this.scopes.at(-1)}/${name}` : name;
  }

  private uniqueName(name: string): string {
    let candidate = name;
    for (let i = 1; this.used.has(candidate); i++) candidate = `${name}_${i}`;
    this.used.add(candidate);
    return candidate;
  }

  private add(
    name: string,
    type: string,
    inputs: readonly TensorRef[],
    given: AttrMap,
    options: OpOptions = {},
  ): TensorRef[] {
    const spec = OP_SPECS[type];
    if (!spec) throw new RangeError(`GraphBuilder: no OpSpec for ${type}; add one to OP_SPECS`);
    const attrs: AttrMap = { ...spec.defaults };
    for (const [key, index] of Object.entries(spec.typeFrom ?? {})) {
      const input = inputs.at(index);
      if (!input) throw new RangeError(`${type} (${name}): input ${index} missing`);
      attrs[key] = attrValue.type(input.dtype);
    }
    if (spec.typeListFrom)
      attrs[spec.typeListFrom.attr] = attrValue.listType(inputs.slice(spec.typeListFrom.from).map((t) => t.dtype));
    if (spec.count) attrs[spec.count.attr] = attrValue.i(inputs.length - spec.count.from - spec.count.toEnd);
    Object.assign(attrs, given);
    for (const key of spec.required ?? []) {
      if (!attrs[key]) throw new RangeError(`${type} (${name}): attr ${key} is required`);
    }
    const outputs = outputDTypes(type, attrs, spec.out, spec.outList);
    const control = (options.control ?? []).map((c) => `^${typeof c === 'string' ? c : c.node}`);
    const node: NodeDefMessage = {
      name,
      op: type,
      input: [...inputs.map((t) => (t.index === 0 ? t.node : `${t.node}:${t.index}`)), ...control],
      attr: attrs,
    };
    if (options.device) node.device = options.device;
    this.nodes.push(node);
    return outputs.map((dtype, index) => ({ node: name, index, dtype, name: `${name}:${index}` }));
  }
}

const BY_NUMBER = new Map<number, GraphDType>(
  (['float32', 'float64', 'int32', 'string', 'int64', 'bool', 'resource'] as const).map((d) => [
    attrValue.type(d).type!,
    d,
  ]),
);

function outputDTypes(type: string, attrs: AttrMap, out?: string, outList?: string): GraphDType[] {
  const byNumber = (n: number | undefined): GraphDType => {
    const dtype = n === undefined ? undefined : BY_NUMBER.get(n);
    if (!dtype) throw new RangeError(`${type}: unsupported output dtype ${n}`);
    return dtype;
  };
  if (outList) return (attrs[outList]?.list?.type ?? []).map(byNumber);
  if (!out) return [];
  if (out.startsWith('=')) return [out.slice(1) as GraphDType];
  return [byNumber(attrs[out]?.type)];
}
