import * as assert from 'node:assert/strict';
import { fingerprint64, hashBucket } from './farmhash';

const LONG = 'The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! '.repeat(4);

// Values printed by TensorFlow 2.21: `tf.fingerprint` (FarmHash Fingerprint64, little-endian bytes),
// one string per length branch of farmhashna::Hash64. test/pipeline-transform.test.ts compares
// against TensorFlow live (when Python is there); these keep the check in the SDK's unit tests.
const FROM_TF: Array<[string, bigint]> = [
  ['', 0x9ae16a3b2f90404fn],
  ['a', 0xb3454265b6df75e3n],
  ['abc', 0x24a5b3a074e7f369n],
  ['setosa', 0x87cd96c8ab6bc1cdn],
  ['Iris-virginica', 0x516256d9250da169n],
  ['0123456789abcdefg', 0xa6ddff87a449d24an],
  ['héllo wörld ✓ 日本語', 0xa9231daf832f9e1en],
  [LONG.slice(0, 54), 0xfee6a6c13d5c9019n],
  [LONG.slice(0, 64), 0x7412be74acf1d269n],
  [LONG.slice(0, 65), 0x60fb151d1a24affn],
  [LONG.slice(0, 200), 0x774d0461029c37b2n],
  [LONG.slice(0, 300), 0xd22957317bfbb45dn],
];

describe('pipeline/farmhash', () => {
  it('fingerprint64 equals TensorFlow’s Fingerprint64 in every length branch, UTF-8 included', () => {
    for (const [s, want] of FROM_TF) assert.equal(fingerprint64(s), want, JSON.stringify(s));
  });

  it('hashBucket is the fingerprint mod the bucket count (StringToHashBucketFast), bytes or string alike', () => {
    for (const [s, want] of FROM_TF) {
      assert.equal(hashBucket(s, 1000003), Number(want % 1000003n));
      assert.equal(hashBucket(new Uint8Array(Buffer.from(s, 'utf8')), 7), Number(want % 7n));
    }
  });
});
