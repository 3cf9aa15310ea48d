/**
 * What an op lowerer works with: the frozen TensorFlow graph, the TFLite tensor table, the map
 * from TensorFlow tensor names to TFLite tensors, and the nodes already absorbed into a fused
 * operator (BiasAdd and Relu after a MatMul, the ops of a GELU pattern).
 */
import { type ConstValue, type FrozenGraph, type FrozenNode, TfscaleError } from '@tfscale/sdk';
import type { TensorTypeName } from '../schema';
import { type ConstData, type Dims, type EmitSpec, TensorTable } from './tensor-table';

/**
 * Lowers one TensorFlow node (and any it fuses) into TFLite operators.
 *
 * @example
 * ```ts
 * const lowerRelu: OpLowerer = (ctx, node) => ctx.unary(node, 'RELU');
 * ```
 */
export type OpLowerer = (ctx: LoweringContext, node: FrozenNode) => void;

const TFLITE_TYPES: Readonly<Record<string, TensorTypeName>> = {
  float32: 'float32',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

/**
 * The coded error for a TensorFlow op (or an op's attribute) the TFLite exporter cannot lower,
 * naming the node, its op and the layer scope it belongs to.
 *
 * @example
 * ```ts
 * throw unsupportedOp(node, 'TensorFlow op Erf has no TFLite builtin equivalent');
 * ```
 */
export function unsupportedOp(node: Pick<FrozenNode, 'name' | 'op'>, reason: string): TfscaleError {
  const scope = node.name.includes('/') ? node.name.slice(0, node.name.lastIndexOf('/')) : node.name;
  return new TfscaleError(
    'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
    `Cannot export op \`${node.name}\` (${node.op}) of layer scope \`${scope}\` to tflite: ${reason}.`,
    { hint: 'Rebuild the model from layers the tflite exporter supports, or export to savedmodel or tfjs.' },
  );
}

/**
 * The state shared by the op lowerers.
 *
 * @example
 * ```ts
 * const ctx = new LoweringContext(graph, new Set(['dense/Softmax:0']));
 * const x = ctx.input(node, 0);
 * ```
 */
export class LoweringContext {
  readonly table = new TensorTable();
  /** Nodes lowered as part of another node's operator. */
  readonly fused = new Set<string>();
  /** Lowerers registered for specific nodes by a pattern pass (e.g. the root of a GELU). */
  readonly overrides = new Map<string, OpLowerer>();
  private readonly mapped = new Map<string, number>();
  private readonly constants = new Map<string, number>();

  constructor(
    readonly graph: FrozenGraph,
    /** TensorFlow tensor names (`node:index`) the model returns: never fused away. */
    readonly modelOutputs: ReadonlySet<string>,
  ) {}

  /** The TFLite tensor holding TensorFlow tensor `name` (passthroughs resolved, constants made). */
  tensor(name: string, user?: FrozenNode): number {
    const t = this.graph.resolve(name);
    const known = this.mapped.get(t.name);
    if (known !== undefined) return known;
    const value = this.graph.constant(t);
    if (value) {
      const index = this.constTensor(t.node, value, user ?? this.graph.node(t.node));
      this.mapped.set(t.name, index);
      return index;
    }
    throw new RangeError(`TFLite lowering: ${t.name} used before it was lowered`);
  }

  /** The TFLite tensor of `node`'s data input `i`. */
  input(node: FrozenNode, i: number): number {
    const ref = node.inputs[i];
    if (!ref) throw unsupportedOp(node, `input ${i} is missing`);
    return this.tensor(ref.name, node);
  }

  /** The constant value of `node`'s input `i`, if it is one. */
  constValue(node: FrozenNode, i: number): ConstValue | undefined {
    const ref = node.inputs[i];
    return ref ? this.graph.constant(ref) : undefined;
  }

  /** Like {@link constValue}, or a coded error saying what was expected. */
  requireConst(node: FrozenNode, i: number, what: string): ConstValue {
    const value = this.constValue(node, i);
    if (!value) throw unsupportedOp(node, `input ${i} must be ${what}`);
    return value;
  }

  /** Integer values of a constant input (axes, permutations, shapes). */
  ints(node: FrozenNode, i: number, what: string): number[] {
    const value = this.requireConst(node, i, what);
    if (value.dtype !== 'int32' && value.dtype !== 'int64') throw unsupportedOp(node, `input ${i} must be ${what}`);
    return Array.from(value.values as Int32Array | BigInt64Array, Number);
  }

  /** A constant tensor made once per `key` (e.g. a kernel transposed to TFLite's layout). */
  derived(key: string, make: () => { type: TensorTypeName; shape: number[]; data: ConstData }): number {
    let index = this.constants.get(key);
    if (index === undefined) {
      const { type, shape, data } = make();
      index = this.table.constant(key, type, shape, data);
      this.constants.set(key, index);
    }
    return index;
  }

  /** A scalar float32 constant. */
  scalar(value: number): number {
    return this.derived(`const/${value}`, () => ({ type: 'float32', shape: [], data: Float32Array.of(value) }));
  }

  /** Records that TensorFlow tensor `node:index` is TFLite tensor `tensor`. */
  bind(node: FrozenNode | string, tensor: number, index = 0): void {
    this.mapped.set(`${typeof node === 'string' ? node : node.name}:${index}`, tensor);
  }

  /** The TFLite type of `node`'s output `index`, or a coded error for a type TFLite lacks here. */
  typeOf(node: FrozenNode, index = 0): TensorTypeName {
    const dtype = this.graph.dtype(`${node.name}:${index}`);
    const type = dtype ? TFLITE_TYPES[dtype] : undefined;
    if (!type) throw unsupportedOp(node, `dtype ${dtype ?? 'unknown'} is not supported (float32, int32, int64, bool)`);
    return type;
  }

  /**
   * The only node reading `node`'s output 0 when fusing it is safe: exactly one reader and
   * not a model output.
   */
  soleConsumer(node: FrozenNode): FrozenNode | undefined {
    const name = `${node.name}:0`;
    if (this.modelOutputs.has(name)) return undefined;
    const users = this.graph.consumers(name);
    return users.length === 1 ? users[0]!.node : undefined;
  }

  /** Emits an operator whose output is `node`'s output 0 and binds it. */
  emitFor(node: FrozenNode, spec: Omit<EmitSpec, 'name' | 'type' | 'source'> & { type?: TensorTypeName }): number {
    const out = this.table.emit({ ...spec, name: node.name, type: spec.type ?? this.typeOf(node), source: node.name });
    this.bind(node, out);
    return out;
  }

  /** Emits an intermediate operator of `node`'s lowering (not bound to a TensorFlow tensor). */
  emitPart(node: FrozenNode, part: string, spec: Omit<EmitSpec, 'name' | 'source'>): number {
    return this.table.emit({ ...spec, name: `${node.name}/${part}`, source: node.name });
  }

  /** The symbolic dimensions of TFLite tensor `index`. */
  dims(index: number): Dims {
    return this.table.info(index).dims;
  }

  private constTensor(name: string, value: ConstValue, user: FrozenNode): number {
    const type = TFLITE_TYPES[value.dtype];
    if (!type || value.dtype === 'bool') throw unsupportedOp(user, `a ${value.dtype} constant is not supported`);
    return this.derived(name, () => ({ type, shape: [...value.shape], data: value.values as ConstData }));
  }
}
