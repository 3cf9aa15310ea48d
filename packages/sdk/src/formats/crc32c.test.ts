import assert from 'node:assert/strict';
import { crc32c, maskCrc32c, maskedCrc32c, unmaskCrc32c } from './crc32c';

describe('formats/crc32c', () => {
  it('matches the CRC-32C check value and the RFC 3720 (iSCSI) test vectors', () => {
    assert.equal(crc32c('123456789'), 0xe3069283);
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
    assert.equal(crc32c(new Uint8Array()), 0);
  });

  it("masks as TensorFlow's crc32c::Mask (rotate right 15, add 0xa282ead8) and unmasks back", () => {
    assert.equal(maskCrc32c(0), 0xa282ead8);
    // By hand: rotr15(0xe3069283) = 0x2507c60d; + 0xa282ead8 = 0xc78ab0e5.
    assert.equal(maskCrc32c(0xe3069283), 0xc78ab0e5);
    for (const crc of [0, 1, 0xe3069283, 0xffffffff, 0x80000000]) assert.equal(unmaskCrc32c(maskCrc32c(crc)), crc);
  });

  it('gives the masked CRCs of a record that tf.io.TFRecordWriter wrote', () => {
    // First record of a TF 2.21 file holding b'': uint64 length 0, then its masked CRC, then the
    // masked CRC of the empty payload (bytes `29039807` and `d8ea82a2`, little-endian).
    assert.equal(maskedCrc32c(new Uint8Array(8)), 0x07980329);
    assert.equal(maskedCrc32c(new Uint8Array()), 0xa282ead8);
    assert.equal(maskedCrc32c(Buffer.from('hello')), 0x191c1fbb);
  });
});
