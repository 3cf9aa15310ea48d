/**
 * A PredictRequest read without protobufjs for the shape nearly every client sends
 * (`tf.make_tensor_proto`: dtype, shape, tensor_content; ASCII names): one pass over the bytes,
 * no Reader, no Message objects with a dozen empty repeated fields each, no Long per dim.
 * Anything else (typed value fields, dim names, non-ASCII text, unknown or repeated singular
 * fields, int64 beyond 2^49, malformed bytes) returns undefined, and protobufjs reads the
 * message, its errors included.
 */
import type { ModelSpecMessage } from './model-spec';
import type { PredictRequestMessage } from './predict';
import type { TensorProtoMessage } from './tensor-proto';

// The reader's position, and the value of the last varint read (module state: calls never nest).
let pos = 0;
let value = 0;

/**
 * The request as protobufjs would decode it (for what Predict reads), or undefined.
 * @example
 *   const request = readPredictRequest(message) ?? PredictRequest.decode(message);
 */
export function readPredictRequest(buf: Uint8Array): PredictRequestMessage | undefined {
  try {
    return readRequest(buf);
  } catch {
    return undefined; // a RangeError from reading past a length: protobufjs says what is wrong
  }
}

function readRequest(buf: Uint8Array): PredictRequestMessage | undefined {
  pos = 0;
  const end = buf.length;
  let model_spec: ModelSpecMessage | undefined;
  const inputs: Record<string, TensorProtoMessage> = {};
  const output_filter: string[] = [];
  while (pos < end) {
    const tag = buf[pos++]!;
    if (!readLength(buf, end)) return undefined;
    const stop = pos + value;
    if (tag === 10) {
      if (model_spec) return undefined; // merged by protobufjs: leave that to it
      model_spec = readSpec(buf, stop);
      if (!model_spec) return undefined;
    } else if (tag === 18) {
      if (!readInput(buf, stop, inputs)) return undefined;
    } else if (tag === 26) {
      const s = ascii(buf, pos, stop);
      if (s === undefined) return undefined;
      output_filter.push(s);
    } else return undefined;
    pos = stop;
  }
  return pos === end ? { model_spec, inputs, output_filter } : undefined;
}

function readSpec(buf: Uint8Array, end: number): ModelSpecMessage | undefined {
  const spec: ModelSpecMessage = {};
  while (pos < end) {
    const tag = buf[pos++]!;
    if (!readLength(buf, end)) return undefined;
    const stop = pos + value;
    if (tag === 18) {
      // google.protobuf.Int64Value: an empty one is version 0.
      if (spec.version || spec.version_label !== undefined) return undefined;
      let version = 0;
      if (stop > pos) {
        if (buf[pos++] !== 8 || !readVarint(buf, stop) || pos !== stop) return undefined;
        version = value;
      }
      spec.version = { value: version };
      spec.version_choice = 'version';
    } else {
      const s = ascii(buf, pos, stop);
      if (s === undefined) return undefined;
      if (tag === 10 && spec.name === undefined) spec.name = s;
      else if (tag === 26 && spec.signature_name === undefined) spec.signature_name = s;
      else if (tag === 34 && spec.version_label === undefined && !spec.version) {
        spec.version_label = s;
        spec.version_choice = 'version_label';
      } else return undefined;
    }
    pos = stop;
  }
  return pos === end ? spec : undefined;
}

/** One `inputs` map entry: key, then the TensorProto. */
function readInput(buf: Uint8Array, end: number, inputs: Record<string, TensorProtoMessage>): boolean {
  let key: string | undefined;
  let tensor: TensorProtoMessage | undefined;
  while (pos < end) {
    const tag = buf[pos++]!;
    if (!readLength(buf, end)) return false;
    const stop = pos + value;
    if (tag === 10 && key === undefined) {
      key = ascii(buf, pos, stop);
      if (key === undefined) return false;
    } else if (tag === 18 && tensor === undefined) {
      tensor = readTensor(buf, stop);
      if (!tensor) return false;
    } else return false;
    pos = stop;
  }
  if (pos !== end || key === undefined || tensor === undefined || key === '__proto__') return false;
  inputs[key] = tensor;
  return true;
}

function readTensor(buf: Uint8Array, end: number): TensorProtoMessage | undefined {
  const tensor: TensorProtoMessage = {};
  while (pos < end) {
    const tag = buf[pos++]!;
    if (tag === 8 && tensor.dtype === undefined) {
      if (!readVarint(buf, end) || value > 0x7fffffff) return undefined;
      tensor.dtype = value;
      continue;
    }
    if (!readLength(buf, end)) return undefined;
    const stop = pos + value;
    if (tag === 18 && tensor.tensor_shape === undefined) {
      const dim = readShape(buf, stop);
      if (!dim) return undefined;
      tensor.tensor_shape = { dim };
    } else if (tag === 34 && tensor.tensor_content === undefined) {
      tensor.tensor_content = buf.subarray(pos, stop);
    } else return undefined;
    pos = stop;
  }
  return pos === end ? tensor : undefined;
}

function readShape(buf: Uint8Array, end: number): Array<{ size: number }> | undefined {
  const dims: Array<{ size: number }> = [];
  while (pos < end) {
    if (buf[pos++] !== 18 || !readLength(buf, end)) return undefined;
    const stop = pos + value;
    let size = 0;
    if (stop > pos) {
      if (buf[pos++] !== 8 || !readVarint(buf, stop) || pos !== stop) return undefined;
      size = value;
    }
    dims.push({ size });
    pos = stop;
  }
  return pos === end ? dims : undefined;
}

/** A varint of at most 7 bytes (49 bits) into `value`; false past `end` or when longer. */
function readVarint(buf: Uint8Array, end: number): boolean {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 7 && pos < end; i++) {
    const byte = buf[pos++]!;
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      value = result;
      return true;
    }
    scale *= 128;
  }
  return false;
}

/** A length prefix into `value`, false when it runs past `end`. */
function readLength(buf: Uint8Array, end: number): boolean {
  return readVarint(buf, end) && pos + value <= end;
}

// Model, signature and tensor names repeat from request to request: handing back the string
// read before (hash already computed, same key object downstream) beats building a new one.
const RECENT = 32;
const recent: string[] = [];
let next = 0;

/** An ASCII string, or undefined for any other bytes (protobufjs checks and decodes UTF-8). */
function ascii(buf: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  search: for (const known of recent) {
    if (known.length !== n) continue;
    for (let i = 0; i < n; i++) if (known.charCodeAt(i) !== buf[start + i]) continue search;
    return known;
  }
  let s = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return undefined;
    s += String.fromCharCode(c);
  }
  if (n <= 64) {
    recent[next] = s;
    next = (next + 1) % RECENT;
  }
  return s;
}
