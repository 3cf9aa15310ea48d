/**
 * Row operations on {@link ServingTensor}s for the batcher: concatenating requests along dim 0
 * (plus padding rows), and slicing a batched output back into per-request pieces.
 */
import { ServingError, type ServingTensor } from '../types';

type TypedData = Exclude<ServingTensor['data'], Uint8Array[]>;

/**
 * Elements per row (product of dims after the first).
 * @example
 *   rowSize([4, 28, 28]); // 784
 */
export function rowSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/**
 * Concatenates tensors along dim 0 and appends `padRows` copies of the last tensor's first row
 * (TF Serving pads with a valid row of the last task). All parts share dtype and row shape.
 * @example
 *   concatRows([a, b], 2); // shape [rows(a) + rows(b) + 2, ...]
 */
export function concatRows(parts: readonly ServingTensor[], padRows = 0): ServingTensor {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const width = rowSize(first.shape);
  const rows = parts.reduce((n, t) => n + t.shape[0]!, 0) + padRows;
  const shape = [rows, ...first.shape.slice(1)];
  if (first.dtype === 'string') {
    const out: Uint8Array[] = [];
    for (const p of parts) for (const s of p.data as Uint8Array[]) out.push(s);
    const pad = (last.data as Uint8Array[]).slice(0, width);
    for (let i = 0; i < padRows; i++) out.push(...pad);
    return { dtype: first.dtype, shape, data: out };
  }
  const ctor = (first.data as TypedData).constructor as new (n: number) => TypedData;
  const out = new ctor(rows * width);
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p.data as Float32Array, offset);
    offset += (p.data as TypedData).length;
  }
  const pad = (last.data as Float32Array).subarray(0, width);
  for (let i = 0; i < padRows; i++, offset += width) (out as Float32Array).set(pad, offset);
  return { dtype: first.dtype, shape, data: out };
}

/**
 * Rows `[start, start + count)` of `tensor` (a view, no copy, for typed data).
 * @example
 *   sliceRows(batched, 4, 2); // shape [2, ...]
 */
export function sliceRows(tensor: ServingTensor, start: number, count: number): ServingTensor {
  const width = rowSize(tensor.shape);
  const shape = [count, ...tensor.shape.slice(1)];
  const data = Array.isArray(tensor.data)
    ? tensor.data.slice(start * width, (start + count) * width)
    : (tensor.data as Float32Array).subarray(start * width, (start + count) * width);
  return { dtype: tensor.dtype, shape, data: data as ServingTensor['data'] };
}

/**
 * The request's batch size (dim 0 shared by every input), with TF Serving's batching errors.
 * @example
 *   batchRows({ x: { dtype: 'float32', shape: [3, 2], data } }); // 3
 */
export function batchRows(inputs: Record<string, ServingTensor>): number {
  const tensors = Object.values(inputs);
  if (tensors.length === 0) {
    throw new ServingError('INVALID_ARGUMENT', 'Batching Run() must have at least one input tensor');
  }
  let rows: number | undefined;
  for (const t of tensors) {
    if (t.shape.length === 0) {
      throw new ServingError('INVALID_ARGUMENT', 'Batching Run() input tensors must have at least one dimension');
    }
    if (rows !== undefined && t.shape[0] !== rows) {
      throw new ServingError('INVALID_ARGUMENT', 'Batching Run() input tensors must have equal 0th-dimension size');
    }
    rows = t.shape[0]!;
  }
  return rows!;
}

/**
 * A key equal for requests whose inputs can share a batch: same names, dtypes and dims after
 * dim 0.
 * @example
 *   rowShapeKey(inputs); // 'x:float32:784'
 */
export function rowShapeKey(inputs: Record<string, ServingTensor>): string {
  return Object.keys(inputs)
    .sort()
    .map((k) => `${k}:${inputs[k]!.dtype}:${inputs[k]!.shape.slice(1).join('x')}`)
    .join('|');
}
