import type { DataType, Tensor } from '@tensorflow/tfjs';
import { invalidValue } from '../../core/errors';

/**
 * Typed arrays accepted as sample values (BigInt arrays are not: tfjs has no int64).
 * @example
 *   const pixels: TypedArray = new Uint8Array(60000 * 784);
 */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/**
 * A flat array with its shape (first dimension = samples), e.g. images read from a binary file.
 * @example
 *   const x: ShapedArray = { values: new Float32Array(60000 * 784), shape: [60000, 784] };
 */
export interface ShapedArray {
  values: TypedArray | number[];
  shape: number[];
  dtype?: 'float32' | 'int32' | 'bool';
}

/**
 * Nested number arrays, one entry per sample (`number[]`, `number[][]`, …).
 * @example
 *   const y: NestedNumbers = [[0, 1], [1, 0]];
 */
export type NestedNumbers = number | boolean | TypedArray | NestedNumbers[];

/**
 * One model input or target: a tensor, a typed array (one scalar per sample), a
 * {@link ShapedArray} or nested number arrays. The first dimension is always the sample.
 * @example
 *   const x: ArrayLeaf = tf.randomNormal([100, 8]);
 */
export type ArrayLeaf = Tensor | TypedArray | ShapedArray | NestedNumbers[];

/**
 * `x` or `y`: one leaf; an array of tensors or shaped arrays (one per model input/output; an
 * array of number arrays or typed arrays is always ONE input, a row per sample); or a map from
 * input/output name to leaf.
 * @example
 *   const x: ArrayInput = { image: images, meta: [[1, 0], [0, 1]] };
 */
export type ArrayInput = ArrayLeaf | Array<Tensor | ShapedArray> | Record<string, ArrayLeaf>;

/**
 * A leaf ready to become (or already) a tensor: `tensor` for borrowed tensors, `values` otherwise.
 * @example
 *   const leaf: SourceLeaf = { values: new Float32Array(4), shape: [2, 2], dtype: 'float32' };
 */
export interface SourceLeaf {
  tensor?: Tensor;
  values?: TypedArray;
  shape: number[];
  dtype: DataType;
}

/**
 * The shape of `x`/`y`: a single leaf, a list (by position) or a map (by name).
 * @example
 *   const s: Structure<number> = { kind: 'map', names: ['a', 'b'], leaves: [1, 2] };
 */
export interface Structure<T> {
  kind: 'single' | 'array' | 'map';
  names: string[];
  leaves: T[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * True for a tfjs tensor from any copy of tfjs (duck-typed).
 * @example
 *   isTensor(tf.zeros([2])); // true
 */
export function isTensor(value: unknown): value is Tensor {
  return isObject(value) && Array.isArray(value.shape) && typeof value.dtype === 'string' && 'dataId' in value;
}

function isShapedArray(value: unknown): value is ShapedArray {
  return isObject(value) && Array.isArray(value.shape) && (Array.isArray(value.values) || isTypedArray(value.values));
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array);
}

const isLeafObject = (v: unknown): boolean => isTensor(v) || isTypedArray(v) || isShapedArray(v);
const isRow = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || isTypedArray(v);

function typedDtype(values: TypedArray): DataType {
  return values instanceof Float32Array || values instanceof Float64Array ? 'float32' : 'int32';
}

function fromTyped(values: TypedArray, shape: number[], name: string, dtype?: DataType): SourceLeaf {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== values.length) {
    throw invalidValue(`${name}.shape`, shape, `sample-first dimensions whose product is ${values.length}`);
  }
  const type = dtype ?? typedDtype(values);
  // tfjs stores float32 tensors as Float32Array; convert float64 once here instead of per batch.
  const stored = values instanceof Float64Array ? Float32Array.from(values) : values;
  return { values: stored, shape, dtype: type };
}

/**
 * Nested arrays → one Float32Array and the shape, checking that every sample has the same shape.
 * @example
 *   flattenNested([[1, 2], [3, 4]], 'x'); // { values: Float32Array [1, 2, 3, 4], shape: [2, 2] }
 */
export function flattenNested(value: NestedNumbers[], name: string): { values: Float32Array; shape: number[] } {
  const shape: number[] = [];
  for (let probe: unknown = value; isRow(probe); probe = probe[0]) shape.push(probe.length);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  const fill = (items: ArrayLike<unknown>, depth: number, path: string): void => {
    if (items.length !== shape[depth]) {
      throw invalidValue(
        path,
        `${items.length} entries`,
        `${shape[depth]} entries, as in ${name}[0]…`,
        'Every sample must have the same shape.',
      );
    }
    const last = depth === shape.length - 1;
    if (last && isTypedArray(items)) {
      values.set(items, offset); // whole rows at once: the common `Float32Array[]` case
      offset += items.length;
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!last) {
        if (!isRow(item)) throw invalidValue(`${path}[${i}]`, item, `an array of ${shape[depth + 1]} numbers`);
        fill(item, depth + 1, `${path}[${i}]`);
      } else if (typeof item === 'number') values[offset++] = item;
      else if (typeof item === 'boolean') values[offset++] = item ? 1 : 0;
      else throw invalidValue(`${path}[${i}]`, item, 'a number', 'Every sample must have the same shape.');
    }
  };
  fill(value, 0, name);
  return { values, shape };
}

function normalizeLeaf(value: unknown, name: string): SourceLeaf {
  if (isTensor(value)) {
    if (value.rank < 1) throw invalidValue(name, `a scalar tensor`, 'a tensor whose first dimension is the sample');
    return { tensor: value, shape: value.shape.slice(), dtype: value.dtype };
  }
  if (isTypedArray(value)) return fromTyped(value, [value.length], name);
  if (isShapedArray(value)) {
    const values = Array.isArray(value.values) ? Float32Array.from(value.values) : value.values;
    return fromTyped(values, value.shape, name, value.dtype);
  }
  if (Array.isArray(value) && value.length > 0) {
    const { values, shape } = flattenNested(value as NestedNumbers[], name);
    return { values, shape, dtype: 'float32' };
  }
  throw invalidValue(name, value, 'a tensor, a typed array, { values, shape } or nested number arrays (non-empty)');
}

/**
 * Normalizes `x` or `y` into a {@link Structure} of leaves (no tensors are created yet).
 * @example
 *   normalizeInput([[0, 1], [1, 0]], 'x'); // { kind: 'single', names: ['x'], leaves: [...] }
 */
export function normalizeInput(value: unknown, name: string): Structure<SourceLeaf> {
  const isInput = (v: unknown): boolean => isTensor(v) || isShapedArray(v);
  if (Array.isArray(value) && value.length > 0 && value.some(isInput)) {
    const leaves = value.map((v, i) => {
      if (!isInput(v)) throw invalidValue(`${name}[${i}]`, v, 'a tensor or { values, shape }, like the other inputs');
      return normalizeLeaf(v, `${name}[${i}]`);
    });
    return { kind: 'array', names: leaves.map((_, i) => `${name}[${i}]`), leaves };
  }
  if (isObject(value) && !Array.isArray(value) && !isLeafObject(value)) {
    const names = Object.keys(value);
    if (names.length === 0) throw invalidValue(name, value, 'a non-empty map from input name to data');
    return { kind: 'map', names, leaves: names.map((key) => normalizeLeaf(value[key], `${name}.${key}`)) };
  }
  return { kind: 'single', names: [name], leaves: [normalizeLeaf(value, name)] };
}

/**
 * Rebuilds a value of the structure's form from one item per leaf.
 * @example
 *   rebuild({ kind: 'map', names: ['a'], leaves: [leaf] }, [tensor]); // { a: tensor }
 */
export function rebuild<T>(structure: Structure<unknown>, items: T[]): T | T[] | Record<string, T> {
  if (structure.kind === 'single') return items[0]!;
  if (structure.kind === 'array') return items;
  return Object.fromEntries(structure.names.map((n, i) => [n, items[i]!]));
}
