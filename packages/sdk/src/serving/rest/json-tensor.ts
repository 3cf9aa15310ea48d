/**
 * TF Serving's predict request JSON → tensors (json_tensor.cc `FillPredictRequestFromJson`):
 * row format (`instances`: one value, or one object of named inputs, per example; all examples
 * the same shape, stacked on a new batch dimension) and columnar format (`inputs`: one tensor,
 * or an object of named tensors), shapes inferred from nested lists, every error message as
 * TF Serving words it.
 */
import type { ServingTensor, TensorSpec } from '../types';
import { ServingError } from '../types';
import { elementCount } from './dtypes';
import { parseJson } from './json-reader';
import { JsonObject, type JsonValue, NumArray } from './json-value';
import { jsonValueToString } from './json-writer';
import { isBase64Object, TensorSink } from './tensor-sink';

/**
 * Which request format a predict used; the response mirrors it.
 * @example
 *   const format: JsonPredictFormat = 'row'; // `instances` in, `predictions` out
 */
export type JsonPredictFormat = 'row' | 'columnar';

/**
 * Limits on what a request may make.
 * @example
 *   const limits: TensorLimits = { maxElements: 1 << 26 };
 */
export interface TensorLimits {
  /** Most elements one input tensor may have. */
  readonly maxElements: number;
}

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

/** `FormatError(doc, ...)`: the whole document echoed, then what is wrong with it. */
function formatError(doc: JsonValue, what: string): ServingError {
  return invalid(`JSON Value: ${jsonValueToString(doc)} ${what}`);
}

/**
 * Parses a request body that must be a JSON object and reads its optional `signature_name`
 * (ParseJson + FillSignature); `''` means the default signature.
 * @example
 *   const { doc, signatureName } = readRequestObject(body);
 */
export function readRequestObject(body: Uint8Array): { doc: JsonObject; signatureName: string } {
  const doc = parseJson(body);
  if (!(doc instanceof JsonObject)) throw formatError(doc, 'Is not object');
  const sig = doc.get('signature_name');
  if (sig !== undefined && typeof sig !== 'string')
    throw formatError(doc, "not formatted correctly. 'signature_name' key must be a string value.");
  return { doc, signatureName: (sig as string | undefined) ?? '' };
}

/**
 * The input tensors of a predict request, given the signature's inputs.
 * @example
 *   const { format, inputs } = fillPredictInputs(doc, signature.inputs, 'serving_default', { maxElements: 1e7 });
 */
export function fillPredictInputs(
  doc: JsonObject,
  specs: readonly TensorSpec[],
  signatureName: string,
  limits: TensorLimits,
): { format: JsonPredictFormat; inputs: Record<string, ServingTensor> } {
  if (specs.length === 0) throw invalid(`Failed to get input map for signature: ${signatureName || 'DEFAULT'}`);
  const byName = new Map(specs.map((s) => [s.key, s]));
  const instances = doc.get('instances');
  const inputs = doc.get('inputs');
  if (instances !== undefined) {
    if (inputs !== undefined)
      throw formatError(doc, "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
    if (!Array.isArray(instances) && !(instances instanceof NumArray))
      throw formatError(doc, "Excepting 'instances' to be an list/array");
    if (instances.length === 0) throw formatError(doc, "No values in 'instances' array");
    return { format: 'row', inputs: fromInstances(instances, byName, limits) };
  }
  if (inputs !== undefined) return { format: 'columnar', inputs: fromInputs(inputs, byName, limits) };
  throw invalid("Missing 'inputs' or 'instances' key");
}

/** GetDenseTensorShape: sizes along the first element of each nesting level. */
function denseShape(v: JsonValue): number[] {
  const shape: number[] = [];
  for (;;) {
    if (v instanceof NumArray) {
      shape.push(v.length);
      return shape;
    }
    if (!Array.isArray(v)) return shape;
    shape.push(v.length);
    if (v.length === 0) return shape;
    v = v[0];
  }
}

/** FillTensorProto: every leaf at depth `rank`, every list of the inferred size. */
function fill(v: JsonValue, level: number, shape: number[], sink: TensorSink): void {
  const rank = shape.length;
  if (Array.isArray(v) || v instanceof NumArray) {
    if (level >= rank) throw invalid(`Encountered list at unexpected level: ${level} expected < ${rank}`);
    if (v.length !== shape[level])
      throw invalid(
        `Encountered list at unexpected size: ${v.length} at level: ${level} expected size: ${shape[level]}`,
      );
    if (!(v instanceof NumArray)) {
      for (const item of v) fill(item, level + 1, shape, sink);
    } else if (level + 1 !== rank) {
      throw misplaced(v.at(0), level + 1, rank);
    } else sink.numbers(v);
    return;
  }
  if (level !== rank) throw misplaced(v, level, rank);
  sink.leaf(v);
}

function misplaced(v: JsonValue, level: number, rank: number): ServingError {
  return invalid(
    `JSON Value: ${jsonValueToString(v)} found at incorrect level: ${level + 1} in the JSON DOM. Expected at level: ${rank}`,
  );
}

function checkSize(name: string, count: number, limits: TensorLimits): void {
  if (count > limits.maxElements)
    throw invalid(
      `Input ${name} would have ${count} elements; this server accepts at most ${limits.maxElements} per tensor`,
    );
}

/** absl::Status::ToString(): what a nested error looks like inside another message. */
function statusText(e: unknown): string {
  if (e instanceof ServingError) return `${e.code}: ${e.message}`;
  throw e;
}

function fromInputs(
  v: JsonValue,
  byName: Map<string, TensorSpec>,
  limits: TensorLimits,
): Record<string, ServingTensor> {
  const out: Record<string, ServingTensor> = {};
  const one = (value: JsonValue, spec: TensorSpec): void => {
    const shape = denseShape(value);
    checkSize(spec.key, elementCount(shape), limits);
    const sink = new TensorSink(spec.dtype, elementCount(shape));
    fill(value, 0, shape, sink);
    out[spec.key] = sink.tensor(shape);
  };
  if (!(v instanceof JsonObject) || isBase64Object(v)) {
    if (byName.size > 1)
      throw invalid(
        'inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map',
      );
    one(v, [...byName.values()][0]);
    return out;
  }
  for (const name of [...byName.keys()].sort()) {
    const item = v.get(name);
    if (item === undefined) throw invalid(`Missing named input: ${name} in 'inputs' object.`);
    one(item, byName.get(name) as TensorSpec);
  }
  return out;
}

/** One input's examples so far (AddInstanceItem's size_map / shape_map / tensor_map). */
interface RowInput {
  sink: TensorSink;
  shape: number[];
  size: number;
}

function fromInstances(
  list: JsonValue[] | NumArray,
  byName: Map<string, TensorSpec>,
  limits: TensorLimits,
): Record<string, ServingTensor> {
  if (list instanceof NumArray && byName.size === 1) {
    // Scalar examples: one pass over the numbers; the per-example path below words any error.
    const spec = [...byName.values()][0];
    checkSize(spec.key, list.length, limits);
    const sink = new TensorSink(spec.dtype, list.length);
    try {
      sink.numbers(list);
      return { [spec.key]: sink.tensor([list.length]) };
    } catch {}
  }
  const items: JsonValue[] =
    list instanceof NumArray ? Array.from({ length: list.length }, (_, i) => list.at(i)) : list;
  const first = items[0];
  if (!(first instanceof JsonObject) && byName.size > 1)
    throw invalid(
      'instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map',
    );
  const isElementObject = (v: JsonValue): boolean => v instanceof JsonObject && !isBase64Object(v);
  const objects = isElementObject(first);
  const names = [...byName.keys()].sort();
  const rows = new Map<string, RowInput>();

  const add = (item: JsonValue, name: string): void => {
    const spec = byName.get(name);
    if (!spec) throw invalid(`JSON object: does not have named input: ${name}`);
    const shape = denseShape(item);
    const size = elementCount(shape);
    let row = rows.get(name);
    if (!row) {
      checkSize(name, size * items.length, limits);
      row = { sink: new TensorSink(spec.dtype, size * items.length), shape, size };
      rows.set(name, row);
    }
    const before = row.sink.n;
    fill(item, 0, shape, row.sink);
    const got = row.sink.n - before;
    if (got !== row.size) throw invalid(`Expecting tensor size: ${row.size} but got: ${got}`);
    if (shape.length !== row.shape.length || shape.some((d, i) => d !== row.shape[i]))
      throw invalid(`Expecting shape [${row.shape.join(',')}] but got: [${shape.join(',')}]`);
  };

  items.forEach((item, n) => {
    if (!objects) {
      if (isElementObject(item)) throw invalid(`Expecting value/list but got object at item ${n} of input list`);
      try {
        add(item, names[0]);
      } catch (e) {
        throw invalid(`Failed to process element: ${n} of 'instances' list. Error: ${statusText(e)}`);
      }
      return;
    }
    if (!isElementObject(item)) throw invalid(`Expecting object but got list at item ${n} of input list`);
    const obj = item as JsonObject;
    obj.keys.forEach((key, k) => {
      try {
        add(obj.values[k], key);
      } catch (e) {
        throw invalid(`Failed to process element: ${n} key: ${key} of 'instances' list. Error: ${statusText(e)}`);
      }
    });
    const keys = [...new Set(obj.keys)].sort();
    if (keys.length !== names.length || keys.some((k, i) => k !== names[i]))
      throw invalid(
        `Failed to process element: ${n} of 'instances' list. JSON object: ${jsonValueToString(obj)} keys must be equal to: ${names.join(',')}`,
      );
  });

  const out: Record<string, ServingTensor> = {};
  for (const [name, row] of rows) out[name] = row.sink.tensor([items.length, ...row.shape]);
  return out;
}
