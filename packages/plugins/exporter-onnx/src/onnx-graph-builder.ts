/**
 * Builds an ONNX graph: nodes with typed attributes, initializers from typed arrays
 * (little-endian `raw_data`), and names kept unique.
 */
import { ATTR, ONNX_DTYPE, type OnnxAttribute, type OnnxDType, type OnnxNode, type OnnxTensor } from './onnx-proto';

/**
 * An attribute value before it gets its name.
 *
 * @example
 * ```ts
 * const axis: AttrInput = attr.int(-1);
 * ```
 */
export type AttrInput = Omit<OnnxAttribute, 'name'>;

/**
 * Typed attribute values.
 *
 * @example
 * ```ts
 * builder.node('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) });
 * ```
 */
export const attr = {
  int: (i: number): AttrInput => ({ type: ATTR.INT, i }),
  float: (f: number): AttrInput => ({ type: ATTR.FLOAT, f }),
  str: (s: string): AttrInput => ({ type: ATTR.STRING, s: Buffer.from(s, 'utf8') }),
  ints: (ints: readonly number[]): AttrInput => ({ type: ATTR.INTS, ints: [...ints] }),
};

/**
 * Values an initializer accepts: a typed array of its dtype, or byte strings.
 *
 * @example
 * ```ts
 * const v: InitializerData = Float32Array.of(1, 2);
 * ```
 */
export type InitializerData =
  | Float32Array
  | Float64Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | readonly Uint8Array[];

const WIDTH: Partial<Record<OnnxDType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
  int64: 8,
  bool: 1,
  uint8: 1,
  int8: 1,
  float16: 2,
};

/**
 * One ONNX graph under construction.
 *
 * @example
 * ```ts
 * const b = new OnnxGraphBuilder();
 * const w = b.initializer('w', 'float32', [2, 2], Float32Array.of(1, 0, 0, 1));
 * const [y] = b.node('MatMul', ['x', w], {}, 'dense/MatMul');
 * ```
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();

  /** Marks names as taken (graph inputs, reserved output names, …). */
  reserve(...names: string[]): void {
    for (const n of names) this.used.add(n);
  }

  /** Whether `name` is taken. */
  isUsed(name: string): boolean {
    return this.used.has(name);
  }

  /** `hint`, else `hint_1`, `hint_2`, … — the first one not taken; it is taken from then on. */
  unique(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a constant; returns its (unique) value name. */
  initializer(hint: string, dtype: OnnxDType, dims: readonly number[], data: InitializerData): string {
    const name = this.unique(hint);
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new RangeError(`initializer ${name}: ${data.length} values for [${dims}]`);
    const tensor: OnnxTensor = { name, dims: [...dims], dataType: ONNX_DTYPE[dtype] };
    if (dtype === 'string') tensor.stringData = (data as readonly Uint8Array[]).map((s) => new Uint8Array(s));
    else {
      const view = data as Exclude<InitializerData, readonly Uint8Array[]>;
      if (view.BYTES_PER_ELEMENT !== WIDTH[dtype]) {
        throw new RangeError(`initializer ${name}: ${view.constructor.name} cannot hold ${dtype}`);
      }
      // Typed arrays are little-endian on every platform Node supports, as raw_data must be.
      tensor.rawData = new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    }
    this.initializers.push(tensor);
    return name;
  }

  /** Adds a node named after `hint` with `outputs` fresh output names; returns them. */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrInput>> = {},
    hint: string = opType,
    outputs = 1,
  ): string[] {
    const name = this.unique(hint);
    const out = Array.from({ length: outputs }, (_, i) => (i === 0 ? name : this.unique(`${name}:${i}`)));
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: out,
      attribute: Object.entries(attrs).map(([key, value]) => ({ name: key, ...value })),
    });
    return out;
  }

  /** Renames value `from` to `to` in every node (for naming graph outputs). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input.map((v) => (v === from ? to : v));
      n.output = n.output.map((v) => (v === from ? to : v));
    }
  }

  /** Whether a node of this graph outputs `value`. */
  produces(value: string): boolean {
    return this.nodes.some((n) => n.output.includes(value));
  }
}
