/**
 * The tensors and operators of the TFLite model being built, with what shape inference needs.
 * Every shape rule runs twice: on the static shapes (unknown input dimensions taken as 1, what
 * the flatbuffer's `shape` holds, as TensorFlow's converter writes it) and on probe shapes
 * (unknown input dimensions taken as {@link PROBE}). A dimension that comes out the same both
 * times does not depend on any unknown; one that differs is unknown (`shape_signature` -1).
 * Small int32 tensors computed from shapes (a dynamic Reshape target) carry their values the
 * same way, so `Reshape(x, concat(shape(x)[:1], [2, -1]))` still knows its -1.
 */
import type { BuiltinOp, TensorTypeName } from '../schema';
import type { TfliteOperator, TfliteOptions, TfliteTensor } from '../tflite-ir';

/**
 * What unknown input dimensions are in the probe run: a prime large enough that no stride,
 * window or product makes it coincide with the static run's 1, small enough that products of a
 * few such dimensions stay exact in a double.
 */
export const PROBE = 997;

/**
 * Dimensions where `null` is unknown at export time.
 *
 * @example
 * ```ts
 * const dims: Dims = [null, 28, 28, 1];
 * ```
 */
export type Dims = (number | null)[];

/**
 * What shape inference knows about one tensor.
 *
 * @example
 * ```ts
 * const info: TensorInfo = { type: 'float32', shape: [1, 3], probe: [997, 3], dims: [null, 3] };
 * ```
 */
export interface TensorInfo {
  readonly type: TensorTypeName;
  /** Static shape (unknown input dimensions as 1). */
  readonly shape: number[];
  /** Shape with unknown input dimensions as {@link PROBE}. */
  readonly probe: number[];
  /** `null` where `shape` and `probe` differ. */
  readonly dims: Dims;
  /** Values of a small int32 tensor in the static run, when computable. */
  readonly value?: number[];
  /** The same values in the probe run. */
  readonly probeValue?: number[];
}

/**
 * Computes an output's shape from the inputs' shapes and the values of small int32 inputs.
 *
 * @example
 * ```ts
 * const sameAsInput: ShapeRule = ([x]) => [...x!];
 * ```
 */
export type ShapeRule = (shapes: number[][], values: (number[] | undefined)[]) => number[];

/**
 * Like {@link ShapeRule} for the values of an int32 shape vector; `undefined` when they cannot
 * be computed at export time.
 *
 * @example
 * ```ts
 * const shapeOf: ValueRule = ([s]) => [...s!];
 * ```
 */
export type ValueRule = (shapes: number[][], values: (number[] | undefined)[]) => number[] | undefined;

/**
 * One operator with a single new output, for {@link TensorTable.emit}.
 *
 * @example
 * ```ts
 * t.emit({ op: 'RELU', inputs: [x], name: 'y', type: 'float32', rule: ([s]) => [...s!] });
 * ```
 */
export interface EmitSpec {
  readonly op: BuiltinOp;
  /** Input tensor indices; -1 for an omitted optional input. */
  readonly inputs: number[];
  readonly name: string;
  readonly type: TensorTypeName;
  readonly rule: ShapeRule;
  /** Values of an int32 shape vector from the inputs' shapes and values. */
  readonly valueRule?: ValueRule;
  readonly options?: TfliteOptions;
  /** The TensorFlow node lowered, for error messages. */
  readonly source?: string;
}

/** Typed arrays a constant can be given as. */
export type ConstData = Float32Array | Int32Array | Int8Array | Uint8Array | BigInt64Array;

const TYPED: Record<TensorTypeName, (d: ConstData) => boolean> = {
  float32: (d) => d instanceof Float32Array,
  int32: (d) => d instanceof Int32Array,
  int8: (d) => d instanceof Int8Array,
  bool: (d) => d instanceof Uint8Array,
  int64: (d) => d instanceof BigInt64Array,
};

const unknownWhereDifferent = (a: number[], b: number[]): Dims => a.map((d, i) => (d === b[i] ? d : null));

/**
 * The model under construction.
 *
 * @example
 * ```ts
 * const t = new TensorTable();
 * const x = t.input('x', 'float32', [null, 3]);
 * const y = t.emit({ op: 'RELU', inputs: [x], name: 'y', type: 'float32', rule: ([s]) => [...s!] });
 * ```
 */
export class TensorTable {
  readonly tensors: TfliteTensor[] = [];
  readonly operators: TfliteOperator[] = [];
  private readonly infos: TensorInfo[] = [];
  private readonly names = new Set<string>();

  /** What is known about tensor `index`. */
  info(index: number): TensorInfo {
    const info = this.infos[index];
    if (!info) throw new RangeError(`TFLite tensor ${index} does not exist`);
    return info;
  }

  /** Adds a model input whose `null` dimensions are unknown. Returns its index. */
  input(name: string, type: TensorTypeName, dims: Dims): number {
    return this.add(
      name,
      type,
      dims.map((d) => d ?? 1),
      dims.map((d) => d ?? PROBE),
    );
  }

  /** Adds a constant of fully known shape; int32 vectors also record their values. */
  constant(name: string, type: TensorTypeName, shape: readonly number[], data: ConstData): number {
    const count = shape.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new RangeError(`${name}: ${data.length} values for shape [${shape}]`);
    if (!TYPED[type](data)) throw new RangeError(`${name}: constant data is not ${type}`);
    const value = type === 'int32' && shape.length <= 1 ? Array.from(data as Int32Array) : undefined;
    const index = this.add(name, type, [...shape], [...shape], value ? { value, probeValue: value } : {});
    this.tensors[index]!.data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return index;
  }

  /** Appends an operator. */
  op(op: BuiltinOp, inputs: number[], outputs: number[], options?: TfliteOptions, source?: string): void {
    const entry: TfliteOperator = { op, inputs, outputs };
    if (options) entry.options = options;
    if (source) entry.source = source;
    this.operators.push(entry);
  }

  /**
   * Adds an operator with one new output tensor whose shape `rule` computes (and values, with
   * `valueRule`, for int32 shape arithmetic). Returns the output's index.
   */
  emit(spec: EmitSpec): number {
    const real = spec.inputs.filter((i) => i >= 0).map((i) => this.info(i));
    const staticRun = <T>(r: (s: number[][], v: (number[] | undefined)[]) => T) =>
      r(
        real.map((t) => t.shape),
        real.map((t) => t.value),
      );
    const probeRun = <T>(r: (s: number[][], v: (number[] | undefined)[]) => T) =>
      r(
        real.map((t) => t.probe),
        real.map((t) => t.probeValue),
      );
    let values = {};
    if (spec.valueRule) {
      const value = staticRun(spec.valueRule);
      const probeValue = probeRun(spec.valueRule);
      if (value && probeValue) values = { value, probeValue };
    }
    const out = this.add(spec.name, spec.type, staticRun(spec.rule), probeRun(spec.rule), values);
    this.op(spec.op, spec.inputs, [out], spec.options, spec.source);
    return out;
  }

  private add(
    name: string,
    type: TensorTypeName,
    shape: number[],
    probe: number[],
    values: { value?: number[]; probeValue?: number[] } = {},
  ): number {
    if (shape.length !== probe.length || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RangeError(`${name}: invalid inferred shape [${shape}]`);
    }
    const dims = unknownWhereDifferent(shape, probe);
    const t: TfliteTensor = { name: this.unique(name), type, shape };
    if (dims.some((d) => d === null)) t.signature = dims.map((d) => d ?? -1);
    this.tensors.push(t);
    this.infos.push({ type, shape, probe, dims, ...values });
    return this.tensors.length - 1;
  }

  private unique(name: string): string {
    let candidate = name;
    for (let i = 1; this.names.has(candidate); i++) candidate = `${name}_${i}`;
    this.names.add(candidate);
    return candidate;
  }
}
