/**
 * Classify / Regress request JSON → serialized tf.Example protos, as json_tensor.cc's
 * `FillClassifyRegressRequestFromJson` reads them: `examples` (required, a non-empty list of
 * objects) and optional `context`, each feature a value or a list of one kind (strings and
 * `{"b64": ...}` → bytes_list, decimals → float_list, integers and booleans → int64_list).
 * With a context, each example is serialized after it, which is how TF Serving merges them.
 */
import { ServingError } from '../types';
import { type JsonNumber, JsonObject, type JsonValue, NUM_DOUBLE, NUM_UINT64, NumArray } from './json-value';
import { jsonValueToString } from './json-writer';
import { decodeBase64Object, isBase64Object, jsonTypeString } from './tensor-sink';

/**
 * One tf.Feature: a kind and its values (an empty list leaves the kind unset).
 * @example
 *   const f: ExampleFeature = { kind: 'int64', values: [1n] };
 */
export interface ExampleFeature {
  kind?: 'bytes' | 'float' | 'int64';
  values: Array<Uint8Array | number | bigint>;
}

const FLT_MAX = 3.4028234663852886e38;

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

/**
 * The serialized examples of a classify/regress request body (already parsed).
 * @example
 *   const examples = examplesFromJson(doc); // Uint8Array[] — one serialized tf.Example each
 */
export function examplesFromJson(doc: JsonObject): Uint8Array[] {
  const context = doc.get('context');
  const contextBytes = context === undefined ? undefined : encodeExample(exampleFromJson(context));
  const examples = doc.get('examples');
  if (examples === undefined)
    throw invalid(
      `JSON Value: ${jsonValueToString(doc)} When method is classify, key 'examples' is expected and was not found`,
    );
  if (!Array.isArray(examples) && !(examples instanceof NumArray))
    throw invalid(`JSON Value: ${jsonValueToString(doc)} Expecting 'examples' value to be an list/array`);
  if (examples.length === 0) throw invalid(`JSON Value: ${jsonValueToString(doc)} 'examples' value is an empty array`);
  const list = examples instanceof NumArray ? [examples.at(0)] : examples;
  return list.map((e) => {
    const bytes = encodeExample(exampleFromJson(e));
    return contextBytes ? Buffer.concat([contextBytes, bytes]) : bytes;
  });
}

function exampleFromJson(v: JsonValue): Map<string, ExampleFeature> {
  if (!(v instanceof JsonObject)) throw invalid(`Example must be JSON object but got JSON ${jsonTypeString(v)}`);
  const features = new Map<string, ExampleFeature>();
  v.keys.forEach((name, k) => {
    const content = v.values[k];
    const feature: ExampleFeature = { values: [] };
    if (content instanceof NumArray) for (let i = 0; i < content.length; i++) addValue(content.at(i), name, feature);
    else if (Array.isArray(content)) for (const item of content) addValue(item, name, feature);
    else addValue(content, name, feature);
    features.set(name, feature);
  });
  return features;
}

/** AddValueToFeature. */
function addValue(v: JsonValue, name: string, f: ExampleFeature): void {
  const want = (kind: ExampleFeature['kind']): void => {
    if (f.kind !== undefined && f.kind !== kind)
      throw invalid(`Unexpected element type in feature: ${name} expecting type: ${f.kind}`);
    f.kind = kind;
  };
  if (v === null || Array.isArray(v) || v instanceof NumArray || (v instanceof JsonObject && !isBase64Object(v)))
    throw invalid(`Feature: ${name} has element with unexpected JSON type: ${jsonTypeString(v)}`);
  if (typeof v === 'boolean') {
    want('int64');
    f.values.push(v ? 1n : 0n);
  } else if (v instanceof JsonObject) {
    want('bytes');
    f.values.push(decodeBase64Object(v));
  } else if (typeof v === 'string' || v instanceof Uint8Array) {
    want('bytes');
    f.values.push(typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  } else if ((v as JsonNumber).kind === NUM_DOUBLE) {
    want('float');
    const d = (v as JsonNumber).value;
    if (Number.isFinite(d) && Math.abs(d) > FLT_MAX)
      throw invalid(`Cannot convert JSON value: ${jsonValueToString(v)} to float without loss of precision.`);
    f.values.push(d);
  } else {
    want('int64');
    const n = v as JsonNumber;
    if (n.kind === NUM_UINT64) throw invalid(`Feature: ${name} has uint64 element. Only int64 is supported.`);
    f.values.push(n.big ?? BigInt(n.value));
  }
}

/** Protobuf wire bytes, appended as numbers. */
class ProtoBytes {
  readonly out: number[] = [];
  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.out.push(Number(x));
  }
  /** A length-delimited field. */
  field(no: number, bytes: ArrayLike<number>): void {
    this.varint(BigInt((no << 3) | 2));
    this.varint(BigInt(bytes.length));
    for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i]);
  }
}

/**
 * tf.Example wire bytes (Example.features=1 → Features.feature=1 map<string, Feature>; Feature
 * bytes_list=1, float_list=2 packed, int64_list=3 packed).
 * @example
 *   encodeExample(new Map([['x', { kind: 'float', values: [1] }]]));
 */
export function encodeExample(features: Map<string, ExampleFeature>): Uint8Array {
  const map = new ProtoBytes();
  for (const [name, f] of features) {
    const list = new ProtoBytes();
    if (f.kind === 'bytes') for (const v of f.values) list.field(1, v as Uint8Array);
    else if (f.kind === 'float') {
      const floats = new Uint8Array(new Float32Array(f.values as number[]).buffer);
      list.field(1, floats);
    } else if (f.kind === 'int64') {
      const packed = new ProtoBytes();
      for (const v of f.values) packed.varint(v as bigint);
      list.field(1, packed.out);
    }
    const feature = new ProtoBytes();
    if (f.kind) feature.field(f.kind === 'bytes' ? 1 : f.kind === 'float' ? 2 : 3, list.out);
    const entry = new ProtoBytes();
    entry.field(1, Buffer.from(name, 'utf8'));
    entry.field(2, feature.out);
    map.field(1, entry.out);
  }
  const example = new ProtoBytes();
  example.field(1, map.out);
  return Uint8Array.from(example.out);
}
