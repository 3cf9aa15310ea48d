/**
 * What a TF-op lowerer sees: the TensorFlow node, its inputs as ONNX values (constants become
 * initializers on first use), helpers for int64 operands and NHWC/NCHW layout, and the coded
 * error for what ONNX cannot express faithfully.
 */
import {
  type ConstValue,
  describeValue,
  type FrozenGraph,
  type FrozenNode,
  type GraphDType,
  type TensorName,
  TfscaleError,
} from '@tfscale/sdk';
import { type AttrInput, attr, type InitializerData, type OnnxGraphBuilder } from './onnx-graph-builder';
import type { OnnxDType } from './onnx-proto';

/**
 * Lowers one TensorFlow node; returns one ONNX value name per TF output.
 *
 * @example
 * ```ts
 * const relu: Lowerer = (ctx) => [ctx.emit('Relu', [ctx.input(0)], {}, 0)];
 * ```
 */
export type Lowerer = (ctx: LoweringContext) => string[];

/** The ONNX dtype holding a TF dtype (a resource handle has none). */
export function onnxDType(dtype: GraphDType): OnnxDType {
  if (dtype === 'resource') throw new RangeError('a resource handle has no ONNX dtype');
  return dtype;
}

/** Where every TF tensor already lowered lives in the ONNX graph, shared by all nodes. */
export interface LoweringState {
  readonly graph: FrozenGraph;
  readonly onnx: OnnxGraphBuilder;
  readonly format: string;
  /** TF tensor name (`node:index`, after passthrough) -> ONNX value. */
  readonly values: Map<string, string>;
  /** NHWC value -> the same data in NCHW (and back), so layout transposes pair up. */
  readonly layout: Map<string, string>;
  /** `tensor|transform` -> initializer, so shared weights are transformed once. */
  readonly derived: Map<string, string>;
  /** TF tensor names the graph outputs (they must stay computed as they are). */
  readonly outputs: ReadonlySet<string>;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * The context of one node's lowering.
 *
 * @example
 * ```ts
 * const y = ctx.emit('Add', [ctx.input(0), ctx.input(1)], {}, 0);
 * ```
 */
export class LoweringContext {
  constructor(
    readonly node: FrozenNode,
    private readonly state: LoweringState,
  ) {}

  get graph(): FrozenGraph {
    return this.state.graph;
  }

  /** The TF name of data input `i`, after Identity/ReadVariableOp. */
  ref(i: number): TensorName {
    const input = this.node.inputs[i];
    if (!input) throw this.unsupported(`input ${i}`, undefined, `${this.node.op} with at least ${i + 1} inputs`);
    return this.state.graph.resolve(input);
  }

  /** Data input `i` as an ONNX value. */
  input(i: number): string {
    return tensorValue(this.state, this.ref(i));
  }

  /** Any TF tensor (e.g. another node's input) as an ONNX value. */
  valueOfTensor(ref: TensorName): string {
    return tensorValue(this.state, this.state.graph.resolve(ref));
  }

  /** Records `value` as the lowering of TF tensor `name` (a node this one absorbed). */
  bind(name: string, value: string): void {
    this.state.values.set(name, value);
  }

  /** Whether TF tensor `name` is a graph output. */
  isGraphOutput(name: string): boolean {
    return this.state.outputs.has(name);
  }

  /** Every data input as ONNX values. */
  inputs(): string[] {
    return this.node.inputs.map((_, i) => this.input(i));
  }

  /** The dtype of data input `i`. */
  dtype(i: number): GraphDType {
    const dtype = this.state.graph.dtype(this.ref(i));
    if (!dtype) throw this.unsupported(`input ${i} dtype`, undefined, 'a tensor whose dtype the graph states');
    return dtype;
  }

  /** The value of input `i` when it is a constant. */
  constant(i: number): ConstValue | undefined {
    return this.state.graph.constant(this.ref(i));
  }

  /** Input `i` as a constant, or the coded error saying it must be one. */
  requireConstant(i: number, what: string): ConstValue {
    const c = this.constant(i);
    if (!c) throw this.unsupported(what, 'a computed tensor', 'a constant');
    return c;
  }

  /** Input `i` as constant integers. */
  constInts(i: number, what: string): number[] {
    const c = this.requireConstant(i, what);
    if (c.dtype !== 'int32' && c.dtype !== 'int64') throw this.unsupported(what, c.dtype, 'int32 or int64');
    return Array.from(c.values as Int32Array | BigInt64Array, Number);
  }

  /** Input `i` as an int64 ONNX value (constants converted at export, others cast). */
  int64(i: number): string {
    const c = this.constant(i);
    if (c && (c.dtype === 'int32' || c.dtype === 'int64')) {
      const values = BigInt64Array.from(Array.from(c.values as ArrayLike<number | bigint>), (v) => BigInt(v));
      return this.initializer(`${this.node.name}/int64`, 'int64', c.shape, values);
    }
    const dtype = this.dtype(i);
    if (dtype === 'int64') return this.input(i);
    if (dtype !== 'int32') throw this.unsupported(`input ${i}`, dtype, 'an int32 or int64 tensor');
    return this.emit('Cast', [this.input(i)], { to: attr.int(7) });
  }

  /** A new int64 initializer of `values` (shape `[n]`, or `dims`); INT64 bounds as `'max'`/`'min'`. */
  int64Const(values: readonly (number | 'max' | 'min')[], dims: readonly number[] = [values.length]): string {
    const data = BigInt64Array.from(values, (v) =>
      v === 'max' ? INT64_MAX : v === 'min' ? -INT64_MAX - 1n : BigInt(v),
    );
    return this.initializer(`${this.node.name}/const`, 'int64', dims, data);
  }

  /** A scalar initializer of dtype `dtype`. */
  scalar(value: number, dtype: GraphDType): string {
    const data =
      dtype === 'float32'
        ? Float32Array.of(value)
        : dtype === 'float64'
          ? Float64Array.of(value)
          : dtype === 'int32'
            ? Int32Array.of(value)
            : dtype === 'int64'
              ? BigInt64Array.of(BigInt(value))
              : undefined;
    if (!data) throw this.unsupported('dtype', dtype, 'a numeric tensor');
    return this.initializer(`${this.node.name}/scalar`, onnxDType(dtype), [], data);
  }

  /** A new initializer. */
  initializer(hint: string, dtype: OnnxDType, dims: readonly number[], data: InitializerData): string {
    return this.state.onnx.initializer(hint, dtype, dims, data);
  }

  /**
   * Input `i` (a constant) transformed at export time, once per weight and `key` (a shared
   * layer's kernel is transposed once).
   */
  derived(i: number, key: string, make: (c: ConstValue) => { dims: number[]; data: InitializerData }): string {
    const ref = this.ref(i);
    const cacheKey = `${ref.name}|${key}`;
    let name = this.state.derived.get(cacheKey);
    if (!name) {
      const c = this.requireConstant(i, `input ${i}`);
      const { dims, data } = make(c);
      name = this.initializer(`${ref.node}/${key}`, onnxDType(c.dtype), dims, data);
      this.state.derived.set(cacheKey, name);
    }
    return name;
  }

  /**
   * Adds an ONNX node under this TF node's name. `out` marks it as computing TF output `out`
   * (its value then carries the TF tensor's name). Returns its first output.
   */
  emit(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrInput>> = {},
    out?: number,
  ): string {
    const hint =
      out === undefined ? `${this.node.name}/${opType}` : out === 0 ? this.node.name : `${this.node.name}:${out}`;
    return this.state.onnx.node(opType, inputs, attrs, hint)[0]!;
  }

  /** `value` (NHWC) as NCHW, reusing a transpose already made or undone. */
  toNchw(value: string): string {
    return this.transpose(value, [0, 3, 1, 2], 'to_nchw');
  }

  /** `value` (NCHW) as NHWC, reusing a transpose already made or undone. */
  toNhwc(value: string, out?: number): string {
    return this.transpose(value, [0, 2, 3, 1], 'to_nhwc', out);
  }

  private transpose(value: string, perm: number[], label: string, out?: number): string {
    const known = this.state.layout.get(value);
    if (known) return known;
    const hint =
      out === undefined ? `${this.node.name}/${label}` : out === 0 ? this.node.name : `${this.node.name}:${out}`;
    const result = this.state.onnx.node('Transpose', [value], { perm: attr.ints(perm) }, hint)[0]!;
    this.state.layout.set(value, result);
    this.state.layout.set(result, value);
    return result;
  }

  /**
   * The coded error for something this node does that ONNX export does not support, naming
   * the op, the node and its layer scope.
   */
  unsupported(option: string, value: unknown, expected: string): TfscaleError {
    return new TfscaleError(
      'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
      `${head(this.node, this.state.format)}: unsupported value for \`${option}\`. ` +
        `Received: ${option}=${describeValue(value)}. Expected: ${expected}.`,
      { hint: 'Change the layer option (and retrain), or export to a format that supports it (e.g. savedmodel).' },
    );
  }
}

/** "Cannot export layer scope `dense` to onnx: TensorFlow op X (node dense/X)". */
export function head(node: FrozenNode, format: string): string {
  const scope = node.name.includes('/') ? node.name.slice(0, node.name.lastIndexOf('/')) : node.name;
  return `Cannot export layer scope \`${scope}\` to ${format}: TensorFlow op ${node.op} (node ${node.name})`;
}

/** The ONNX value of a TF tensor (already lowered, or a constant made an initializer now). */
export function tensorValue(state: LoweringState, ref: TensorName): string {
  const known = state.values.get(ref.name);
  if (known) return known;
  const c = state.graph.constant(ref);
  if (!c) throw new RangeError(`ONNX lowering: ${ref.name} is used before it is lowered`);
  const name = state.onnx.initializer(ref.node, onnxDType(c.dtype), c.shape, c.values);
  state.values.set(ref.name, name);
  return name;
}
