import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { encodeMessage, MessageDecoder } from './message-codec';

describe('distribute/parameter-server/message-codec', () => {
  const bytes = (parts: Buffer[]) => Buffer.concat(parts);

  it('round-trips heads and float32 arrays, however the stream is cut', () => {
    const a = Float32Array.of(1.5, -2, 3.25);
    const b = new Float32Array(0);
    const stream = bytes([
      ...encodeMessage({ t: 'push', id: 7, note: 'ünï' }, [a, b]),
      ...encodeMessage({ t: 'pull', id: 8 }),
    ]);
    for (const cut of [1, 3, 5, stream.length]) {
      const decoder = new MessageDecoder();
      const got = [];
      for (let i = 0; i < stream.length; i += cut) got.push(...decoder.push(stream.subarray(i, i + cut)));
      assert.equal(got.length, 2, `cut every ${cut} bytes`);
      assert.deepEqual(got[0].head, { t: 'push', id: 7, note: 'ünï' });
      assert.deepEqual(got[0].arrays, [a, b]);
      assert.deepEqual(got[1], { head: { t: 'pull', id: 8 }, arrays: [] });
    }
  });

  it('sends a subarray without its neighbours', () => {
    const whole = Float32Array.of(0, 1, 2, 3, 4);
    const [m] = new MessageDecoder().push(bytes(encodeMessage({ t: 'x' }, [whole.subarray(1, 3)])));
    assert.deepEqual(m.arrays, [Float32Array.of(1, 2)]);
  });

  it('rejects bytes that are not messages with TFSCALE_E_PS_MISMATCH', () => {
    const garbage = Buffer.alloc(12);
    garbage.writeUInt32LE(8, 0);
    garbage.writeUInt32LE(1_000, 4);
    assert.throws(
      () => new MessageDecoder().push(garbage),
      (err) => isTfscaleError(err, 'TFSCALE_E_PS_MISMATCH'),
    );
    const lying = bytes(encodeMessage({ t: 'x' }, [Float32Array.of(1)]));
    lying.writeUInt32LE(lying.readUInt32LE(0) - 4, 0);
    assert.throws(() => new MessageDecoder().push(lying.subarray(0, lying.length - 4)), /array bytes/);
  });
});
