/**
 * Open Inference Protocol (KServe V2) tensors in JSON: request inputs `{name, shape, datatype,
 * data}` (data row-major, flat or nested) → ServingTensor, checked against the declared shape
 * before anything is allocated; outputs → `{name, datatype, shape, data}` with flat data.
 */
import type { ServingDType, ServingTensor } from '../types';
import { ServingError } from '../types';
import { allocate, DTYPES, dtypeFromV2, elementCount, floatToHalf, halfToFloat } from './dtypes';
import { formatFloat32, formatFloat64 } from './json-number';
import {
  JsonNumber,
  JsonObject,
  type JsonValue,
  NUM_DOUBLE,
  NUM_INT64_NEG,
  NUM_INT64_POS,
  NUM_UINT64,
  NumArray,
} from './json-value';
import type { JsonWriter } from './json-writer';
import { decodeBase64Object, isBase64Object } from './tensor-sink';

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

const INT_RANGES: Partial<Record<ServingDType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

/**
 * An input as the request declares it, before its data is read.
 * @example
 *   const h: V2InputHeader = { name: 'x', dtype: 'float32', shape: [2, 1] };
 */
export interface V2InputHeader {
  readonly name: string;
  readonly dtype: ServingDType;
  readonly shape: number[];
}

/**
 * Reads and checks one request input's `name`, `datatype` and `shape`.
 * @example
 *   const header = readInputHeader(input, 0, 1 << 26);
 */
export function readInputHeader(v: JsonValue, index: number, maxElements: number): V2InputHeader {
  if (!(v instanceof JsonObject))
    throw invalid(`inputs[${index}] must be an object with name, shape, datatype and data`);
  const name = v.get('name');
  if (typeof name !== 'string') throw invalid(`inputs[${index}].name must be a string`);
  const datatype = v.get('datatype');
  const dtype = typeof datatype === 'string' ? dtypeFromV2(datatype) : undefined;
  if (!dtype)
    throw invalid(
      `input '${name}': datatype must be one of ${Object.values(DTYPES)
        .map((d) => d.v2)
        .join(', ')}`,
    );
  const shapeValue = v.get('shape');
  const shape: number[] = [];
  const dims =
    shapeValue instanceof NumArray
      ? shapeValue
      : Array.isArray(shapeValue) && shapeValue.length === 0
        ? new NumArray([], [])
        : undefined;
  if (!dims) throw invalid(`input '${name}': shape must be a list of non-negative integers`);
  for (let i = 0; i < dims.length; i++) {
    if (dims.kinds[i] === NUM_DOUBLE || dims.values[i] < 0 || !Number.isSafeInteger(dims.values[i]))
      throw invalid(`input '${name}': shape must be a list of non-negative integers`);
    shape.push(dims.values[i]);
  }
  const count = elementCount(shape);
  if (count > maxElements)
    throw invalid(
      `input '${name}': shape [${shape.join(',')}] has ${count} elements; this server accepts at most ${maxElements} per tensor`,
    );
  return { name, dtype, shape };
}

/** Leaves of nested data in row-major order, stopping early past `limit` (a lying shape). */
function flatten(v: JsonValue, out: JsonValue[], numbers: NumArray[], limit: number): number {
  if (v instanceof NumArray) {
    numbers.push(v);
    out.push(v);
    return v.length;
  }
  if (!Array.isArray(v)) {
    out.push(v);
    return 1;
  }
  let n = 0;
  for (const item of v) {
    n += flatten(item, out, numbers, limit - n);
    if (n > limit) break;
  }
  return n;
}

/**
 * The tensor of one input's `data` (flat or nested) for its declared header.
 * @example
 *   const t = readInputData(input.get('data'), header);
 */
export function readInputData(data: JsonValue | undefined, h: V2InputHeader): ServingTensor {
  if (data === undefined) throw invalid(`input '${h.name}': data is missing`);
  const count = elementCount(h.shape);
  const leaves: JsonValue[] = [];
  const got = flatten(data, leaves, [], count);
  if (got !== count)
    throw invalid(
      `input '${h.name}': shape [${h.shape.join(',')}] needs ${count} elements, data has ${got > count ? 'more' : got}`,
    );
  const wrong = (v: JsonValue): ServingError =>
    invalid(
      `input '${h.name}': ${v instanceof JsonNumber ? String(v.big ?? v.value) : JSON.stringify(v)} is not a ${DTYPES[h.dtype].v2} value`,
    );
  if (h.dtype === 'string') {
    const strings = leaves.map((v) => {
      if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'utf8'));
      if (v instanceof Uint8Array) return v;
      if (isBase64Object(v)) return decodeBase64Object(v);
      throw wrong(v);
    });
    return { dtype: 'string', shape: h.shape, data: strings };
  }
  const typed = allocate(h.dtype, count);
  // Typed arrays of numbers or bigints alike; convert() picks the element type for the dtype.
  const out = typed as unknown as { [i: number]: number | bigint };
  let n = 0;
  const put = (v: JsonValue, value: number, kind: number, big: bigint | undefined): void => {
    const element = convert(h.dtype, value, kind, big);
    if (element === undefined) throw wrong(v);
    out[n++] = element;
  };
  for (const leaf of leaves) {
    if (leaf instanceof NumArray)
      for (let i = 0; i < leaf.length; i++) put(leaf.at(i), leaf.values[i], leaf.kinds[i], leaf.bigs?.get(i));
    else if (leaf instanceof JsonNumber) put(leaf, leaf.value, leaf.kind, leaf.big);
    else if (typeof leaf === 'boolean' && h.dtype === 'bool') out[n++] = leaf ? 1 : 0;
    else throw wrong(leaf);
  }
  return { dtype: h.dtype, shape: h.shape, data: typed };
}

/** A JSON number as an element of `dtype`, or undefined when it is not one. */
function convert(
  dtype: ServingDType,
  value: number,
  kind: number,
  big: bigint | undefined,
): number | bigint | undefined {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return value;
    case 'float16':
      return floatToHalf(value);
    case 'int64':
      return kind === NUM_DOUBLE || kind === NUM_UINT64 ? undefined : (big ?? BigInt(value));
    case 'uint64':
      return kind === NUM_DOUBLE || kind === NUM_INT64_NEG || value < 0 ? undefined : (big ?? BigInt(value));
    case 'bool':
    case 'string':
      return undefined;
    default: {
      const [lo, hi] = INT_RANGES[dtype] as [number, number];
      const wide = kind === NUM_DOUBLE || kind === NUM_INT64_POS || kind === NUM_INT64_NEG || kind === NUM_UINT64;
      return wide || value < lo || value > hi ? undefined : value;
    }
  }
}

/**
 * Writes one output tensor as `{name, datatype, shape, data}` (data flat, row-major).
 * @example
 *   writeOutput(w, 'y', tensor);
 */
export function writeOutput(w: JsonWriter, name: string, t: ServingTensor): void {
  w.startObject();
  w.key('name');
  w.string(name);
  w.key('datatype');
  w.string(DTYPES[t.dtype].v2);
  w.key('shape');
  w.startArray();
  for (const d of t.shape) w.raw(String(d));
  w.endArray();
  w.key('data');
  w.startArray();
  const d = t.data;
  const n = d.length;
  switch (t.dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) w.raw(formatFloat32((d as Float32Array)[i]));
      break;
    case 'float64':
      for (let i = 0; i < n; i++) w.raw(formatFloat64((d as Float64Array)[i]));
      break;
    case 'float16':
      for (let i = 0; i < n; i++) w.raw(formatFloat32(halfToFloat((d as Uint16Array)[i])));
      break;
    case 'bool':
      for (let i = 0; i < n; i++) w.bool((d as Uint8Array)[i] !== 0);
      break;
    case 'string':
      for (const s of d as Uint8Array[]) {
        const text = Buffer.from(s.buffer, s.byteOffset, s.length);
        // JSON strings are text; bytes that are not UTF-8 go out as {"b64": ...} instead.
        if (text.equals(Buffer.from(text.toString('utf8'), 'utf8'))) w.string(text.toString('utf8'));
        else {
          w.startObject();
          w.key('b64');
          w.string(text.toString('base64'));
          w.endObject();
        }
      }
      break;
    default:
      for (let i = 0; i < n; i++) w.raw(String((d as Int32Array)[i]));
  }
  w.endArray();
  w.endObject();
}
