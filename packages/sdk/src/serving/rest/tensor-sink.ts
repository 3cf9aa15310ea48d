/**
 * Collects JSON leaf values into one tensor of a signature dtype, with the type rules and
 * messages of json_tensor.cc's `AddValueToTensor` (integer tokens only for ints, float inputs
 * checked for loss of precision, `{"b64": ...}` for DT_STRING, DT_HALF unimplemented).
 */
import type { ServingDType, ServingTensor } from '../types';
import { ServingError } from '../types';
import { allocate, DTYPES, type NumericData } from './dtypes';
import {
  JsonNumber,
  JsonObject,
  type JsonValue,
  NUM_DOUBLE,
  NUM_INT,
  NUM_INT64_POS,
  NUM_UINT,
  NUM_UINT64,
  type NumArray,
} from './json-value';
import { jsonValueToString } from './json-writer';

const FLT_MAX = 3.4028234663852886e38;
const FLOAT_MAX_INT = 2 ** 24 - 1;
const DOUBLE_MAX_INT = 2 ** 53 - 1;

/**
 * TF Serving's `JsonTypeString`.
 * @example
 *   jsonTypeString(null); // 'Null'
 */
export function jsonTypeString(v: JsonValue): string {
  if (v === null) return 'Null';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string' || v instanceof Uint8Array) return 'String';
  if (v instanceof JsonNumber) return 'Number';
  if (v instanceof JsonObject) return 'Object';
  return 'Array';
}

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

/**
 * The "is not of expected type" error.
 * @example
 *   throw typeError(new JsonNumber(1.5, NUM_DOUBLE), 'int32');
 */
export function typeError(v: JsonValue, dtype: ServingDType): ServingError {
  return invalid(
    `JSON Value: ${jsonValueToString(v)} Type: ${jsonTypeString(v)} is not of expected type: ${DTYPES[dtype].tfName}`,
  );
}

/**
 * Whether a JSON value is exactly `{"b64": "<string>"}`.
 * @example
 *   isBase64Object(parseJson(Buffer.from('{"b64": "AA=="}'))); // true
 */
export function isBase64Object(v: JsonValue | undefined): boolean {
  return v instanceof JsonObject && v.keys.length === 1 && v.keys[0] === 'b64' && typeof v.values[0] === 'string';
}

/**
 * Decodes `{"b64": ...}` strictly (standard alphabet, optional padding), like absl's
 * Base64Unescape; Node's decoder silently skips bad characters, so it is not used alone.
 * @example
 *   decodeBase64Object(obj); // Uint8Array
 */
export function decodeBase64Object(v: JsonValue): Uint8Array {
  if (!isBase64Object(v)) throw invalid(`JSON Value: ${jsonValueToString(v)} not formatted correctly for base64 data`);
  const text = (v as JsonObject).values[0] as string;
  const body = text.replace(/={1,2}$/, '');
  const padded = body.length !== text.length;
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1 || (padded && text.length % 4 !== 0))
    throw invalid('Unable to base64 decode');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/**
 * A growing tensor of one dtype.
 * @example
 *   const sink = new TensorSink('float32', 2); sink.numbers(values); sink.tensor([2]);
 */
export class TensorSink {
  n = 0;
  private data: NumericData | Uint8Array[];

  constructor(
    readonly dtype: ServingDType,
    capacity: number,
  ) {
    this.data = dtype === 'string' ? [] : allocate(dtype, capacity);
  }

  /** The collected values with their final shape. */
  tensor(shape: number[]): ServingTensor {
    const data = this.data;
    if (Array.isArray(data)) return { dtype: this.dtype, shape, data };
    return { dtype: this.dtype, shape, data: data.length === this.n ? data : data.slice(0, this.n) };
  }

  /** One non-array leaf (FillTensorProto's leaf case). */
  leaf(v: JsonValue): void {
    if (v instanceof JsonObject) {
      if (this.dtype !== 'string') throw typeError(v, this.dtype);
      (this.data as Uint8Array[]).push(decodeBase64Object(v));
    } else if (v instanceof JsonNumber) {
      this.number(v.value, v.kind, v.big, v);
    } else if (this.dtype === 'float16' || this.dtype === 'uint16') {
      throw unimplemented(v, this.dtype);
    } else if (typeof v === 'string' || v instanceof Uint8Array) {
      if (this.dtype !== 'string') throw typeError(v, this.dtype);
      (this.data as Uint8Array[]).push(typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
    } else if (typeof v === 'boolean' && this.dtype === 'bool') {
      this.ensure(1);
      (this.data as Uint8Array)[this.n] = v ? 1 : 0;
    } else {
      throw typeError(v, this.dtype);
    }
    this.n++;
  }

  /** All elements of an all-number array. */
  numbers(a: NumArray): void {
    this.ensure(a.length);
    const { values, kinds } = a;
    const data = this.data as NumericData;
    const dtype = this.dtype;
    if (dtype === 'float32' || dtype === 'float64') {
      const limit = dtype === 'float32' ? FLOAT_MAX_INT : DOUBLE_MAX_INT;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (
          kinds[i] === NUM_DOUBLE
            ? dtype === 'float32' && (v > FLT_MAX || v < -FLT_MAX) && Number.isFinite(v)
            : !withinInt(v, a.bigs?.get(i), limit)
        )
          throw lossy(a.at(i), dtype);
        (data as Float32Array)[this.n++] = v;
      }
      return;
    }
    if (dtype === 'int32' || dtype === 'int16' || dtype === 'int8' || dtype === 'uint8' || dtype === 'uint32') {
      const uint = dtype === 'uint32';
      for (let i = 0; i < values.length; i++) {
        const k = kinds[i];
        if (uint ? !(k === NUM_UINT || (k === NUM_INT && values[i] >= 0)) : k !== NUM_INT)
          throw typeError(a.at(i), dtype);
        (data as Int32Array)[this.n++] = values[i];
      }
      return;
    }
    for (let i = 0; i < values.length; i++) this.number(values[i], kinds[i], a.bigs?.get(i), undefined, a, i);
  }

  /** One number of any kind; `element` or (`array`, `index`) name it in messages. */
  private number(
    v: number,
    kind: number,
    big: bigint | undefined,
    element?: JsonNumber,
    array?: NumArray,
    index = 0,
  ): void {
    const at = (): JsonNumber => element ?? (array as NumArray).at(index);
    const dtype = this.dtype;
    this.ensure(1);
    const data = this.data as NumericData;
    switch (dtype) {
      case 'float32':
      case 'float64': {
        const limit = dtype === 'float32' ? FLOAT_MAX_INT : DOUBLE_MAX_INT;
        const ok =
          kind === NUM_DOUBLE
            ? !(dtype === 'float32' && Number.isFinite(v) && Math.abs(v) > FLT_MAX)
            : withinInt(v, big, limit);
        if (!ok) throw lossy(at(), dtype);
        (data as Float64Array)[this.n] = v;
        break;
      }
      case 'int8':
      case 'int16':
      case 'int32':
      case 'uint8':
        if (kind !== NUM_INT) throw typeError(at(), dtype);
        (data as Int32Array)[this.n] = v;
        break;
      case 'uint32':
        if (!(kind === NUM_UINT || (kind === NUM_INT && v >= 0))) throw typeError(at(), dtype);
        (data as Uint32Array)[this.n] = v;
        break;
      case 'int64':
        if (kind === NUM_DOUBLE || kind === NUM_UINT64) throw typeError(at(), dtype);
        (data as BigInt64Array)[this.n] = big ?? BigInt(v);
        break;
      case 'uint64':
        if (!(kind === NUM_UINT || kind === NUM_INT64_POS || kind === NUM_UINT64 || (kind === NUM_INT && v >= 0)))
          throw typeError(at(), dtype);
        (data as BigUint64Array)[this.n] = big ?? BigInt(v);
        break;
      case 'float16':
      case 'uint16':
        throw unimplemented(at(), dtype);
      default:
        throw typeError(at(), dtype);
    }
    if (!element) this.n++;
  }

  private ensure(extra: number): void {
    const data = this.data;
    if (Array.isArray(data) || this.n + extra <= data.length) return;
    const grown = allocate(
      this.dtype as Exclude<ServingDType, 'string'>,
      Math.max(this.n + extra, data.length * 2, 16),
    );
    (grown as Float64Array).set(data as Float64Array);
    this.data = grown;
  }
}

/** |integer token| ≤ limit (2^24-1 for float, 2^53-1 for double: IsLosslessDecimal). */
function withinInt(v: number, big: bigint | undefined, limit: number): boolean {
  if (big !== undefined) return (big < 0n ? -big : big) <= BigInt(limit);
  return v <= limit && v >= -limit;
}

function lossy(v: JsonNumber, dtype: ServingDType): ServingError {
  return invalid(
    `Cannot convert JSON value: ${jsonValueToString(v)} to ${DTYPES[dtype].tfName} without loss of precision.`,
  );
}

function unimplemented(v: JsonValue, dtype: ServingDType): ServingError {
  return new ServingError(
    'UNIMPLEMENTED',
    `Conversion of JSON Value: ${jsonValueToString(v)} to type: ${DTYPES[dtype].tfName}`,
  );
}
