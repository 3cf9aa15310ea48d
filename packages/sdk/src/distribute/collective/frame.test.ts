import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { decodeHeader, describeTag, encodeHeader, FrameKind, fingerprint, HEADER_BYTES, OpCode } from './frame';

describe('distribute/collective/frame', () => {
  it('round-trips a header through its 24-byte little-endian layout', () => {
    const header = {
      kind: FrameKind.Data,
      op: OpCode.AllReduce,
      seq: 7,
      part: 2,
      step: 5,
      check: 0xdeadbeef,
      length: 1 << 30,
    };
    const bytes = encodeHeader(header);
    assert.equal(bytes.length, HEADER_BYTES);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x54, 1, FrameKind.Data, OpCode.AllReduce]);
    assert.equal(bytes.readUInt32LE(4), 7);
    assert.equal(bytes.readUInt32LE(20), 1 << 30);
    assert.deepEqual(decodeHeader(bytes), header);
  });

  it('refuses bytes that are not a frame, and payloads over 4 GiB', () => {
    const bytes = encodeHeader({ kind: FrameKind.Hello, op: 0, seq: 0, part: 0, step: 0, check: 0, length: 3 });
    bytes[0] = 0x47; // 'G' of an HTTP request, say
    assert.throws(
      () => decodeHeader(bytes),
      (err) => isTfscaleError(err, 'TFSCALE_E_COLLECTIVE_PROTOCOL'),
    );
    assert.throws(
      () => encodeHeader({ kind: FrameKind.Data, op: 1, seq: 0, part: 0, step: 0, check: 0, length: 2 ** 32 }),
      (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
    );
  });

  it('fingerprints arguments stably and tells types and order apart', () => {
    assert.equal(fingerprint(['allReduce', 'mean', 10]), fingerprint(['allReduce', 'mean', 10]));
    assert.notEqual(fingerprint(['allReduce', 'mean', 10]), fingerprint(['allReduce', 'sum', 10]));
    assert.notEqual(fingerprint(['a', 1]), fingerprint(['a', '1']));
    assert.notEqual(fingerprint([1, 2]), fingerprint([2, 1]));
  });

  it('describes tags for error messages', () => {
    assert.equal(
      describeTag({ op: OpCode.Barrier, seq: 4, part: 0, step: 2, check: 0 }),
      'barrier #4 (part 0, step 2)',
    );
  });
});
