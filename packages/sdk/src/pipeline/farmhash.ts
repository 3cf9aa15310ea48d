/**
 * FarmHash Fingerprint64 (farmhashna::Hash64, farmhash.cc) over BigInt: the hash TensorFlow's
 * `StringToHashBucketFast` (`tf.strings.to_hash_bucket_fast`) and TFX's out-of-vocabulary buckets
 * use, so a bucket computed here equals the one the served graph computes, bit for bit.
 */

const M64 = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const add = (...xs: bigint[]): bigint => xs.reduce((s, x) => s + x, 0n) & M64;
const rot = (v: bigint, s: bigint): bigint => ((v >> s) | (v << (64n - s))) & M64;
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

function fetch64(b: Uint8Array, i: number): bigint {
  return new DataView(b.buffer, b.byteOffset + i, 8).getBigUint64(0, true);
}

function fetch32(b: Uint8Array, i: number): bigint {
  return BigInt(new DataView(b.buffer, b.byteOffset + i, 4).getUint32(0, true));
}

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array): bigint {
  const len = s.length;
  if (len >= 8) {
    const m = K2 + BigInt(len) * 2n;
    const a = add(fetch64(s, 0), K2);
    const b = fetch64(s, len - 8);
    const c = add(mul(rot(b, 37n), m), a);
    const d = mul(add(rot(a, 25n), b), m);
    return hashLen16(c, d, m);
  }
  if (len >= 4) {
    const m = K2 + BigInt(len) * 2n;
    const a = fetch32(s, 0);
    return hashLen16(add(BigInt(len), a << 3n), fetch32(s, len - 4), m);
  }
  if (len > 0) {
    const y = BigInt(s[0]! + (s[len >> 1]! << 8));
    const z = BigInt(len + (s[len - 1]! << 2));
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: Uint8Array): bigint {
  const len = s.length;
  const m = K2 + BigInt(len) * 2n;
  const a = mul(fetch64(s, 0), K1);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  return hashLen16(add(rot(add(a, b), 43n), rot(c, 30n), d), add(a, rot(add(b, K2), 18n), c), m);
}

function hashLen33to64(s: Uint8Array): bigint {
  const len = s.length;
  const m = K2 + BigInt(len) * 2n;
  const a = mul(fetch64(s, 0), K2);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  const y = add(rot(add(a, b), 43n), rot(c, 30n), d);
  const z = hashLen16(y, add(a, rot(add(b, K2), 18n), c), m);
  const e = mul(fetch64(s, 16), m);
  const f = fetch64(s, 24);
  const g = mul(add(y, fetch64(s, len - 32)), m);
  const h = mul(add(z, fetch64(s, len - 24)), m);
  return hashLen16(add(rot(add(e, f), 43n), rot(g, 30n), h), add(e, rot(add(f, a), 18n), g), m);
}

function weak32(s: Uint8Array, i: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const [w, x, y, z] = [fetch64(s, i), fetch64(s, i + 8), fetch64(s, i + 16), fetch64(s, i + 24)];
  let a = add(a0, w);
  let b = rot(add(b0, a, z), 21n);
  const c = a;
  a = add(a, x, y);
  b = add(b, rot(a, 44n));
  return [add(a, z), add(b, c)];
}

/**
 * FarmHash Fingerprint64 of `input` (a string is hashed as its UTF-8 bytes), as an unsigned BigInt.
 * @example
 *   fingerprint64(''); // 0x9ae16a3b2f90404fn
 */
export function fingerprint64(input: string | Uint8Array): bigint {
  const s = typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'utf8')) : input;
  const len = s.length;
  if (len <= 16) return hashLen0to16(s);
  if (len <= 32) return hashLen17to32(s);
  if (len <= 64) return hashLen33to64(s);
  const seed = 81n;
  let x = seed;
  let y = add(mul(seed, K1), 113n);
  let z = mul(shiftMix(add(mul(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = add(mul(x, K2), fetch64(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = len - 64;
  let i = 0;
  do {
    x = mul(rot(add(x, y, v[0], fetch64(s, i + 8)), 37n), K1);
    y = mul(rot(add(y, v[1], fetch64(s, i + 48)), 42n), K1);
    x ^= w[1];
    y = add(y, v[0], fetch64(s, i + 40));
    z = mul(rot(add(z, w[0]), 33n), K1);
    v = weak32(s, i, mul(v[1], K1), add(x, w[0]));
    w = weak32(s, i + 32, add(z, w[1]), add(y, fetch64(s, i + 16)));
    [z, x] = [x, z];
    i += 64;
  } while (i !== end);
  const m = add(K1, (z & 0xffn) << 1n);
  i = last64;
  w[0] = add(w[0], BigInt((len - 1) & 63));
  v[0] = add(v[0], w[0]);
  w[0] = add(w[0], v[0]);
  x = mul(rot(add(x, y, v[0], fetch64(s, i + 8)), 37n), m);
  y = mul(rot(add(y, v[1], fetch64(s, i + 48)), 42n), m);
  x ^= mul(w[1], 9n);
  y = add(y, mul(v[0], 9n), fetch64(s, i + 40));
  z = mul(rot(add(z, w[0]), 33n), m);
  v = weak32(s, i, mul(v[1], m), add(x, w[0]));
  w = weak32(s, i + 32, add(z, w[1]), add(y, fetch64(s, i + 16)));
  [z, x] = [x, z];
  return hashLen16(add(hashLen16(v[0], w[0], m), mul(shiftMix(y), K0), z), add(hashLen16(v[1], w[1], m), x), m);
}

/**
 * The bucket TensorFlow's `StringToHashBucketFast` gives `input`: Fingerprint64 mod `buckets`.
 * @example
 *   hashBucket('setosa', 8); // equals tf.strings.to_hash_bucket_fast('setosa', 8)
 */
export function hashBucket(input: string | Uint8Array, buckets: number): number {
  return Number(fingerprint64(input) % BigInt(buckets));
}
