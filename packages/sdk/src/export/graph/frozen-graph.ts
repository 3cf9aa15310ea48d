/**
 * A read-only view of a GraphDef for lowerers (ONNX, TFLite, …): nodes in topological order,
 * parsed input references, typed attrs, Const values decoded, consumers, and Identity /
 * ReadVariableOp looked through. Format-neutral: it knows TensorFlow, not any target.
 */
import type { TensorMessage } from '../../formats/proto/tensorboard-messages';
import type { AttrMap, AttrValueMessage, GraphDType, GraphShape } from './attrs';
import { TF_DTYPE } from './attrs';
import type { GraphDefMessage, GraphVariable, NodeDefMessage } from './graph-builder';
import { OP_SPECS } from './op-specs';

/**
 * One data input of a node: output `index` of node `node`; `name` is TF's `node:index`.
 *
 * @example
 * ```ts
 * parseTensorName('dense/MatMul:1'); // { node: 'dense/MatMul', index: 1, name: 'dense/MatMul:1' }
 * ```
 */
export interface TensorName {
  readonly node: string;
  readonly index: number;
  readonly name: string;
}

/**
 * A decoded constant: row-major values in a typed array of the dtype (int64 as BigInt64Array,
 * bool as 0/1 bytes, strings as byte arrays) and its shape.
 *
 * @example
 * ```ts
 * const { dtype, shape, values } = graph.constant('dense/kernel')!; // 'float32', [3, 2], Float32Array(6)
 * ```
 */
export interface ConstValue {
  readonly dtype: GraphDType;
  readonly shape: readonly number[];
  readonly values: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint8Array[];
}

/**
 * A node as a lowerer sees it: control inputs split from data inputs, typed attr readers.
 *
 * @example
 * ```ts
 * for (const node of graph.nodes) if (node.op === 'Conv2D') node.attr.listI('strides');
 * ```
 */
export interface FrozenNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly TensorName[];
  /** Names of `^control` inputs (kept for ordering only). */
  readonly control: readonly string[];
  readonly attr: NodeAttrs;
  readonly def: NodeDefMessage;
}

/**
 * Options of {@link FrozenGraph.from}.
 *
 * @example
 * ```ts
 * FrozenGraph.from(g.toGraphDef(), { variables: g.variables });
 * ```
 */
export interface FrozenGraphOptions {
  /** Variable values, so a ReadVariableOp of a VarHandleOp reads like a Const. */
  readonly variables?: readonly Pick<GraphVariable, 'name' | 'dtype' | 'shape' | 'data'>[];
}

const DTYPE_BY_NUMBER = new Map<number, GraphDType>(
  Object.entries(TF_DTYPE).map(([name, n]) => [n, name as GraphDType]),
);

/** A protobufjs integer field as a number (plain number, Long, or decimal string). */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value) return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

/**
 * Parses a `NodeDef.input` entry (`node`, `node:1`); returns `undefined` for a `^control` one.
 *
 * @example
 * ```ts
 * parseTensorName('x'); // { node: 'x', index: 0, name: 'x:0' }
 * parseTensorName('^init'); // undefined
 * ```
 */
export function parseTensorName(input: string): TensorName | undefined {
  if (input.startsWith('^')) return undefined;
  const m = /^(.*):(\d+)$/.exec(input);
  const node = m ? m[1]! : input;
  const index = m ? Number(m[2]) : 0;
  return { node, index, name: `${node}:${index}` };
}

/**
 * Typed readers over one node's attrs. A missing attr without a fallback throws a RangeError
 * naming node and attr (a malformed graph is a bug, not user input).
 *
 * @example
 * ```ts
 * const padding = node.attr.s('padding'); // 'SAME'
 * const keep = node.attr.b('keep_dims', false);
 * ```
 */
export class NodeAttrs {
  constructor(
    private readonly node: string,
    private readonly map: AttrMap,
  ) {}

  /** Whether the attr is present. */
  has(key: string): boolean {
    return Object.hasOwn(this.map, key);
  }

  /** The raw AttrValue. */
  raw(key: string): AttrValueMessage | undefined {
    return this.has(key) ? this.map[key] : undefined;
  }

  s(key: string, fallback?: string): string {
    const v = this.raw(key)?.s;
    return v === undefined ? this.missing(key, fallback) : Buffer.from(v).toString('utf8');
  }

  i(key: string, fallback?: number): number {
    const v = this.raw(key)?.i;
    return v === undefined || v === null ? this.missing(key, fallback) : toNumber(v);
  }

  f(key: string, fallback?: number): number {
    const v = this.raw(key)?.f;
    return v === undefined || v === null ? this.missing(key, fallback) : v;
  }

  b(key: string, fallback?: boolean): boolean {
    const v = this.raw(key)?.b;
    return v === undefined || v === null ? this.missing(key, fallback) : v;
  }

  /** A `type` attr as a dtype name. */
  type(key: string, fallback?: GraphDType): GraphDType {
    const v = this.raw(key)?.type;
    if (v === undefined || v === null) return this.missing(key, fallback);
    const dtype = DTYPE_BY_NUMBER.get(v);
    if (!dtype) throw new RangeError(`${this.node}: attr ${key} has unsupported DataType ${v}`);
    return dtype;
  }

  /** A `shape` attr: unknown dims `null`, unknown rank `null` as a whole. */
  shape(key: string): GraphShape | null {
    const v = this.raw(key)?.shape;
    if (!v) return this.missing<GraphShape | null>(key, undefined);
    if (v.unknownRank) return null;
    return (v.dim ?? []).map((d) => {
      const n = toNumber(d.size ?? -1);
      return n < 0 ? null : n;
    });
  }

  /** A `list(int)` attr. */
  listI(key: string, fallback?: readonly number[]): number[] {
    const v = this.raw(key)?.list;
    if (!v) return [...this.missing(key, fallback)];
    return (v.i ?? []).map(toNumber);
  }

  /** A `tensor` attr, decoded. */
  tensor(key: string): ConstValue {
    const v = this.raw(key)?.tensor;
    if (!v) return this.missing<ConstValue>(key, undefined);
    return decodeConstTensor(v);
  }

  private missing<T>(key: string, fallback: T | undefined): T {
    if (fallback === undefined) throw new RangeError(`${this.node}: attr ${key} is missing or of another kind`);
    return fallback;
  }
}

const VIEWS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as const;

/** Fills `count` values from a `*_val` list the way TensorFlow does: the last value repeats. */
function fill<T>(list: readonly T[], count: number, zero: T): T[] {
  if (list.length >= count) return list.slice(0, count);
  const last = list.length ? list.at(-1)! : zero;
  return [...list, ...Array.from({ length: count - list.length }, () => last)];
}

/**
 * Decodes a `TensorProto` (tensor_content, or the typed `*_val` fields with TF's repeat-last
 * rule) into a {@link ConstValue}.
 *
 * @example
 * ```ts
 * decodeConstTensor(tensorProto('int32', [2], [-1, 10])).values; // Int32Array [-1, 10]
 * ```
 */
export function decodeConstTensor(t: TensorMessage): ConstValue {
  const dtype = DTYPE_BY_NUMBER.get(t.dtype ?? 0);
  if (!dtype || dtype === 'resource') throw new RangeError(`TensorProto: unsupported dtype ${t.dtype}`);
  if (t.tensorShape?.unknownRank) throw new RangeError('TensorProto: a constant needs a known shape');
  const shape = (t.tensorShape?.dim ?? []).map((d) => toNumber(d.size ?? 0));
  const count = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'string') {
    return { dtype, shape, values: fill(t.stringVal ?? [], count, new Uint8Array()).map((s) => new Uint8Array(s)) };
  }
  const content = t.tensorContent && t.tensorContent.length > 0 ? t.tensorContent : undefined;
  if (content) {
    const View = VIEWS[dtype];
    if (content.length !== count * View.BYTES_PER_ELEMENT) {
      throw new RangeError(`TensorProto: ${content.length} content bytes for ${count} ${dtype} values`);
    }
    // Copied: a decoded message's bytes may sit at an offset the typed array cannot start at.
    const buffer = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
    return { dtype, shape, values: new View(buffer) };
  }
  if (dtype === 'float32') return { dtype, shape, values: Float32Array.from(fill(t.floatVal ?? [], count, 0)) };
  if (dtype === 'float64') return { dtype, shape, values: Float64Array.from(fill(t.doubleVal ?? [], count, 0)) };
  if (dtype === 'int32') return { dtype, shape, values: Int32Array.from(fill(t.intVal ?? [], count, 0)) };
  if (dtype === 'bool') {
    return { dtype, shape, values: Uint8Array.from(fill(t.boolVal ?? [], count, false), (b) => (b ? 1 : 0)) };
  }
  const int64 = fill(t.int64Val ?? [], count, 0 as unknown);
  return { dtype, shape, values: BigInt64Array.from(int64, (v) => BigInt(String(v))) };
}

/** Ops that only forward their first input's value. */
const PASSTHROUGH = new Set(['Identity', 'ReadVariableOp']);

/**
 * A GraphDef indexed for lowering.
 *
 * @example
 * ```ts
 * const graph = FrozenGraph.from(buildModelGraph(model, { weights: 'constants' }).graph.toGraphDef());
 * for (const node of graph.nodes) {
 *   if (graph.isPassthrough(node) || node.op === 'Const') continue;
 *   const inputs = node.inputs.map((i) => graph.resolve(i));
 * }
 * ```
 */
export class FrozenGraph {
  /** Every node, each after the nodes it reads (data and control inputs). */
  readonly nodes: readonly FrozenNode[];
  private readonly byName: ReadonlyMap<string, FrozenNode>;
  private readonly users = new Map<string, { node: FrozenNode; input: number }[]>();
  private readonly variables: ReadonlyMap<string, ConstValue>;

  private constructor(nodes: FrozenNode[], variables: ReadonlyMap<string, ConstValue>) {
    this.byName = new Map(nodes.map((n) => [n.name, n]));
    this.nodes = topologicalOrder(nodes, this.byName);
    this.variables = variables;
    for (const node of this.nodes) {
      for (const [i, input] of node.inputs.entries()) {
        const list = this.users.get(input.name) ?? [];
        list.push({ node, input: i });
        this.users.set(input.name, list);
      }
    }
  }

  /** Indexes `def`. Throws a RangeError on duplicate names, dangling inputs or a cycle. */
  static from(def: GraphDefMessage, options: FrozenGraphOptions = {}): FrozenGraph {
    const seen = new Set<string>();
    const nodes = def.node.map((n): FrozenNode => {
      if (seen.has(n.name)) throw new RangeError(`GraphDef: two nodes are named ${n.name}`);
      seen.add(n.name);
      const inputs: TensorName[] = [];
      const control: string[] = [];
      for (const raw of n.input ?? []) {
        const parsed = parseTensorName(raw);
        if (parsed) inputs.push(parsed);
        else control.push(raw.slice(1));
      }
      return { name: n.name, op: n.op, inputs, control, attr: new NodeAttrs(n.name, n.attr ?? {}), def: n };
    });
    const variables = new Map<string, ConstValue>(
      (options.variables ?? []).map((v) => [
        v.name,
        { dtype: v.dtype, shape: [...v.shape], values: v.data } satisfies ConstValue,
      ]),
    );
    return new FrozenGraph(nodes, variables);
  }

  /** The node named `name`; throws when there is none. */
  node(name: string): FrozenNode {
    const node = this.byName.get(name);
    if (!node) throw new RangeError(`GraphDef: no node named ${name}`);
    return node;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Whether `node` only forwards its input (Identity, ReadVariableOp). */
  isPassthrough(node: FrozenNode): boolean {
    return PASSTHROUGH.has(node.op);
  }

  /** `ref` with Identity and ReadVariableOp looked through (a read resolves to its VarHandleOp). */
  resolve(ref: TensorName | string): TensorName {
    let t = typeof ref === 'string' ? parseTensorName(ref)! : ref;
    for (let node = this.node(t.node); this.isPassthrough(node); node = this.node(t.node)) {
      const next = node.inputs[0];
      if (!next) throw new RangeError(`GraphDef: ${node.op} ${node.name} has no input`);
      t = next;
    }
    return t;
  }

  /** The value of `ref` when it is (after passthrough) a Const or a variable with a known value. */
  constant(ref: TensorName | string): ConstValue | undefined {
    const t = this.resolve(ref);
    const node = this.node(t.node);
    if (node.op === 'Const') return node.attr.tensor('value');
    if (node.op === 'VarHandleOp') return this.variables.get(node.name);
    return undefined;
  }

  /** Nodes reading `ref` (exactly that tensor, not through passthroughs), with the input position. */
  consumers(ref: TensorName | string): readonly { node: FrozenNode; input: number }[] {
    const name = typeof ref === 'string' ? parseTensorName(ref)!.name : ref.name;
    return this.users.get(name) ?? [];
  }

  /**
   * The dtype of `ref` from its node's attrs ({@link OP_SPECS}' output rule, else `T` / `dtype`);
   * `undefined` when they do not say.
   */
  dtype(ref: TensorName | string): GraphDType | undefined {
    const t = typeof ref === 'string' ? parseTensorName(ref)! : ref;
    const node = this.node(t.node);
    const spec = Object.hasOwn(OP_SPECS, node.op) ? OP_SPECS[node.op] : undefined;
    const list = spec?.outList ? node.def.attr?.[spec.outList]?.list?.type : undefined;
    if (list) {
      const dtype = DTYPE_BY_NUMBER.get(list[t.index] ?? -1);
      return dtype;
    }
    if (spec?.out?.startsWith('=')) return spec.out.slice(1) as GraphDType;
    const key = spec?.out ?? (node.attr.has('T') ? 'T' : 'dtype');
    return node.attr.has(key) ? node.attr.type(key) : undefined;
  }
}

/**
 * Depth-first post-order over the GraphDef's order: a sorted GraphDef keeps its order exactly.
 * Iterative, so deep graphs cannot overflow the stack.
 */
function topologicalOrder(nodes: FrozenNode[], byName: ReadonlyMap<string, FrozenNode>): FrozenNode[] {
  const state = new Map<string, 'open' | 'done'>();
  const order: FrozenNode[] = [];
  const deps = (n: FrozenNode) => [...n.inputs.map((i) => i.node), ...n.control];
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    const stack: { node: FrozenNode; list: string[]; next: number }[] = [{ node: root, list: deps(root), next: 0 }];
    state.set(root.name, 'open');
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      if (top.next === top.list.length) {
        stack.pop();
        state.set(top.node.name, 'done');
        order.push(top.node);
        continue;
      }
      const dep = top.list[top.next++]!;
      const node = byName.get(dep);
      if (!node) throw new RangeError(`GraphDef: ${top.node.name} reads missing node ${dep}`);
      const seen = state.get(dep);
      if (seen === 'open') throw new RangeError(`GraphDef: cycle through ${dep} and ${top.node.name}`);
      if (seen === undefined) {
        state.set(dep, 'open');
        stack.push({ node, list: deps(node), next: 0 });
      }
    }
  }
  return order;
}
