import assert from 'node:assert/strict';
import { ByteBuffer } from 'flatbuffers';
import { encodeTflite } from './flatbuffer-writer';
import { FIELDS } from './schema';
import type { TfliteModel } from './tflite-ir';

/** Minimal raw reads (field ids from ./schema; the interop test loads files in TensorFlow). */
class Reader {
  readonly bb: ByteBuffer;
  constructor(bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
  }
  root(): number {
    return this.bb.readInt32(this.bb.position()) + this.bb.position();
  }
  field(table: number, id: number): number {
    return this.bb.__offset(table, 4 + 2 * id);
  }
  int(table: number, id: number, size: 1 | 4, fallback: number): number {
    const o = this.field(table, id);
    if (!o) return fallback;
    return size === 1 ? this.bb.readInt8(table + o) : this.bb.readInt32(table + o);
  }
  /** Start of vector field `id` and its length. */
  vector(table: number, id: number): [number, number] {
    const o = this.field(table, id);
    if (!o) return [0, 0];
    return [this.bb.__vector(table + o), this.bb.__vector_len(table + o)];
  }
  table(vectorStart: number, i: number): number {
    return this.bb.__indirect(vectorStart + 4 * i);
  }
}

const bytes = (a: Float32Array) => new Uint8Array(a.buffer);

function tinyModel(): TfliteModel {
  return {
    tensors: [
      { name: 'x', type: 'float32', shape: [1, 3], signature: [-1, 3] },
      { name: 'w', type: 'float32', shape: [2, 3], data: bytes(Float32Array.of(1, 2, 3, 4, 5, 6)) },
      { name: 'y', type: 'float32', shape: [1, 2], signature: [-1, 2] },
      { name: 'z', type: 'float32', shape: [1, 2], signature: [-1, 2] },
      { name: 'b', type: 'float32', shape: [2], data: bytes(Float32Array.of(7, 8)) },
    ],
    operators: [
      {
        op: 'FULLY_CONNECTED',
        inputs: [0, 1, 4],
        outputs: [2],
        options: {
          type: 'FullyConnectedOptions',
          activation: 'RELU',
          keepNumDims: false,
          asymmetricQuantizeInputs: false,
        },
      },
      { op: 'GELU', inputs: [2], outputs: [3], options: { type: 'GeluOptions', approximate: false } },
    ],
    inputs: [{ name: 'x', tensor: 0 }],
    outputs: [{ name: 'out', tensor: 3 }],
    description: 'test',
    signatureKey: 'serving_default',
  };
}

describe('plugin-exporter-tflite/flatbuffer-writer', () => {
  const r = new Reader(encodeTflite(tinyModel()));
  const model = r.root();

  it('writes schema version 3 with file identifier TFL3', () => {
    assert.equal(r.bb.getBufferIdentifier(), 'TFL3');
    assert.equal(r.int(model, FIELDS.Model.version, 4, 0), 3);
  });

  it('keeps buffer 0 empty and aligns constant data to 16 bytes', () => {
    const [buffers, count] = r.vector(model, FIELDS.Model.buffers);
    assert.equal(count, 3, 'the empty buffer and one per constant');
    assert.deepEqual(r.vector(r.table(buffers, 0), FIELDS.Buffer.data), [0, 0]);
    for (let i = 1; i < count; i++) {
      const [start, length] = r.vector(r.table(buffers, i), FIELDS.Buffer.data);
      assert.equal(start % 16, 0, `buffer ${i} starts at ${start}`);
      assert.ok(length === 24 || length === 8);
    }
  });

  it('writes codes above 127 in builtin_code with deprecated_builtin_code 127', () => {
    const [codes, count] = r.vector(model, FIELDS.Model.operatorCodes);
    const read = Array.from({ length: count }, (_, i) => {
      const t = r.table(codes, i);
      const F = FIELDS.OperatorCode;
      return [r.int(t, F.deprecatedBuiltinCode, 1, 0), r.int(t, F.builtinCode, 4, 0), r.int(t, F.version, 4, 1)];
    });
    assert.deepEqual(read, [
      [9, 9, 1],
      [127, 150, 1],
    ]);
  });
});
