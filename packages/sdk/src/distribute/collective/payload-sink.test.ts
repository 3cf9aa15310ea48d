import assert from 'node:assert/strict';
import { AddSink, CopySink } from './payload-sink';

describe('distribute/collective/payload-sink', () => {
  const incoming = Float32Array.from({ length: 37 }, (_, i) => i * 0.37 - 3);
  const base = Float32Array.from({ length: 37 }, (_, i) => 1 / (i + 1));
  const expected = base.map((b, i) => b + incoming[i]);
  const bytes = new Uint8Array(incoming.buffer);

  it('adds a float32 payload however the socket splits it', () => {
    for (const cut of [1, 2, 3, 5, 7, 64, 148]) {
      const target = base.slice();
      const sink = new AddSink(target);
      for (let o = 0; o < bytes.length; o += cut) {
        const piece = Buffer.from(bytes.subarray(o, Math.min(o + cut, bytes.length)));
        sink.write(piece, 0, piece.length, o);
      }
      assert.deepEqual(target, expected, `pieces of ${cut} bytes`);
    }
  });

  it('adds from chunks whose floats are not 4-byte aligned in memory', () => {
    const target = base.slice();
    const shifted = Buffer.alloc(bytes.length + 1);
    shifted.set(bytes, 1);
    new AddSink(target).write(shifted, 1, shifted.length, 0);
    assert.deepEqual(target, expected);
  });

  it('copies a payload into place', () => {
    const dest = new Uint8Array(6);
    const sink = new CopySink(dest);
    sink.write(Buffer.from([9, 1, 2, 3]), 1, 4, 0);
    sink.write(Buffer.from([4, 5, 6]), 0, 3, 3);
    assert.deepEqual([...sink.result()], [1, 2, 3, 4, 5, 6]);
  });
});
