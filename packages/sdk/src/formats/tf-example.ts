/**
 * tf.Example encode/decode (tensorflow/core/example/{example,feature}.proto): Example.features=1
 * → Features.feature=1 map<string, Feature>; Feature oneof bytes_list=1, float_list=2,
 * int64_list=3, each a `repeated value = 1` (floats and int64s packed when we write, either form
 * when we read, as protobuf requires). Hand-written: a few dozen lines against protobufjs'
 * reflection per record.
 */
import { TfscaleError } from '../core/errors';

/**
 * One feature's values. int64 values are JS numbers (exact up to 2^53).
 * @example
 *   const f: FeatureValue = { kind: 'float', values: [5.1] };
 */
export type FeatureValue =
  | { kind: 'float'; values: number[] }
  | { kind: 'int64'; values: number[] }
  | { kind: 'bytes'; values: Uint8Array[] };

/**
 * A tf.Example as a plain object, feature name → values.
 * @example
 *   const ex: ExampleRecord = { sepal_length: { kind: 'float', values: [5.1] } };
 */
export type ExampleRecord = Record<string, FeatureValue>;

class Writer {
  readonly bytes: number[] = [];
  varint(v: bigint | number): void {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
  }
  lenField(no: number, data: ArrayLike<number>): void {
    this.varint((no << 3) | 2);
    this.varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]!);
  }
}

/**
 * Serializes a tf.Example (features in the record's key order).
 * @example
 *   const bytes = encodeTfExample({ x: { kind: 'float', values: [1, 2] } });
 */
export function encodeTfExample(record: ExampleRecord): Uint8Array {
  const features = new Writer();
  for (const [name, f] of Object.entries(record)) {
    const list = new Writer();
    if (f.kind === 'bytes') for (const v of f.values) list.lenField(1, v);
    else if (f.kind === 'float') list.lenField(1, new Uint8Array(new Float32Array(f.values).buffer));
    else {
      const packed = new Writer();
      for (const v of f.values) packed.varint(BigInt(Math.trunc(v)));
      list.lenField(1, packed.bytes);
    }
    const feature = new Writer();
    feature.lenField(f.kind === 'bytes' ? 1 : f.kind === 'float' ? 2 : 3, list.bytes);
    const entry = new Writer();
    entry.lenField(1, Buffer.from(name, 'utf8'));
    entry.lenField(2, feature.bytes);
    features.lenField(1, entry.bytes);
  }
  const example = new Writer();
  example.lenField(1, features.bytes);
  return Uint8Array.from(example.bytes);
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw corrupt('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw corrupt('varint too long');
    }
  }
  /** Next field: number, wire type, and for length-delimited fields its [start, end). */
  field(): { no: number; wire: number; start: number; end: number } {
    const tag = Number(this.varint());
    const wire = tag & 7;
    const no = tag >>> 3;
    if (wire === 2) {
      const len = Number(this.varint());
      const start = this.pos;
      if (start + len > this.end) throw corrupt('length past end');
      this.pos += len;
      return { no, wire, start, end: start + len };
    }
    if (wire === 0) this.varint();
    else if (wire === 5) this.pos += 4;
    else if (wire === 1) this.pos += 8;
    else throw corrupt(`unsupported wire type ${wire}`);
    return { no, wire, start: this.pos, end: this.pos };
  }
}

function corrupt(why: string): TfscaleError {
  return new TfscaleError('TFSCALE_E_TFRECORD_CORRUPT', `Not a tf.Example record: ${why}.`, {
    hint: 'TFRecord inputs must hold serialized tf.train.Example protos.',
  });
}

/**
 * Parses a serialized tf.Example.
 * @example
 *   decodeTfExample(encodeTfExample({ x: { kind: 'int64', values: [3] } })).x; // { kind: 'int64', values: [3] }
 */
export function decodeTfExample(bytes: Uint8Array): ExampleRecord {
  const out: ExampleRecord = {};
  const ex = new Reader(bytes);
  while (!ex.done) {
    const f = ex.field();
    if (f.no !== 1 || f.wire !== 2) continue;
    const features = new Reader(bytes, f.start, f.end);
    while (!features.done) {
      const e = features.field();
      if (e.no !== 1 || e.wire !== 2) continue;
      let name = '';
      let value: FeatureValue | undefined;
      const entry = new Reader(bytes, e.start, e.end);
      while (!entry.done) {
        const k = entry.field();
        if (k.no === 1 && k.wire === 2) name = Buffer.from(bytes.subarray(k.start, k.end)).toString('utf8');
        else if (k.no === 2 && k.wire === 2) value = decodeFeature(bytes, k.start, k.end);
      }
      out[name] = value ?? { kind: 'float', values: [] };
    }
  }
  return out;
}

function decodeFeature(buf: Uint8Array, start: number, end: number): FeatureValue | undefined {
  const r = new Reader(buf, start, end);
  let result: FeatureValue | undefined;
  while (!r.done) {
    const f = r.field();
    if (f.wire !== 2) continue;
    const list = new Reader(buf, f.start, f.end);
    if (f.no === 1) {
      const values: Uint8Array[] = [];
      while (!list.done) {
        const v = list.field();
        if (v.no === 1 && v.wire === 2) values.push(buf.slice(v.start, v.end));
      }
      result = { kind: 'bytes', values };
    } else if (f.no === 2) {
      const values: number[] = [];
      const view = new DataView(buf.buffer, buf.byteOffset);
      while (!list.done) {
        const v = list.field();
        if (v.no !== 1) continue;
        if (v.wire === 2) for (let p = v.start; p + 4 <= v.end; p += 4) values.push(view.getFloat32(p, true));
        else if (v.wire === 5) values.push(view.getFloat32(list.pos - 4, true));
      }
      result = { kind: 'float', values };
    } else if (f.no === 3) {
      const values: number[] = [];
      while (!list.done) {
        const tagNo = Number(list.varint());
        if (tagNo >>> 3 !== 1) throw corrupt('unexpected field in Int64List');
        if ((tagNo & 7) === 0) values.push(Number(BigInt.asIntN(64, list.varint())));
        else if ((tagNo & 7) === 2) {
          const len = Number(list.varint());
          const packed = new Reader(buf, list.pos, list.pos + len);
          while (!packed.done) values.push(Number(BigInt.asIntN(64, packed.varint())));
          list.pos += len;
        } else throw corrupt('bad Int64List wire type');
      }
      result = { kind: 'int64', values };
    }
  }
  return result;
}

/**
 * A feature's values as numbers or strings (bytes decoded as UTF-8).
 * @example
 *   featureValues({ kind: 'bytes', values: [Buffer.from('setosa')] }); // ['setosa']
 */
export function featureValues(f: FeatureValue): Array<number | string> {
  return f.kind === 'bytes' ? f.values.map((v) => Buffer.from(v).toString('utf8')) : f.values;
}
