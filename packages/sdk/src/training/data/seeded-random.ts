import { invalidValue } from '../../core/errors';

// 32-bit integer arithmetic only (Math.imul, >>> 0): results are bit-identical on every JS engine
// and platform, which is what exact resume and replica agreement rely on.

const TWO_32 = 2 ** 32;

/** Murmur3's 32-bit finalizer: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds one 32-bit word into a running hash (boost-style combine, then mixed). */
function combine(hash: number, word: number): number {
  return fmix32((hash ^ (fmix32(word >>> 0) + 0x9e3779b9 + (hash << 6) + (hash >>> 2))) >>> 0);
}

/** A safe integer as two 32-bit words (two's complement for negatives), so any int seed works. */
function seedWords(seed: number, name: string): [number, number] {
  if (!Number.isSafeInteger(seed)) throw invalidValue(name, seed, 'a safe integer');
  return [seed >>> 0, Math.floor(seed / TWO_32) >>> 0];
}

/**
 * A small, fast, seedable PRNG (xoshiro128**, state seeded by splitmix32). Streams are derived,
 * not advanced: `derive(seed, epoch)` depends only on its arguments, never on draws made before.
 *
 * @example
 * ```ts
 * const random = SeededRandom.derive(42, 3); // the stream of epoch 3 of seed 42
 * random.nextInt(10); // same number on every run and platform
 * ```
 */
export class SeededRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** Hash of this stream's lineage (seed and keys); `fork` builds on it. */
  private key: number;

  /** A stream for `seed` (any safe integer, negative included). */
  constructor(seed: number) {
    const [low, high] = seedWords(seed, 'seed');
    this.key = combine(combine(0x6a09e667, low), high);
    this.reseed(this.key);
  }

  /**
   * The stream for `seed` refined by `keys` (e.g. the epoch): a pure function of its arguments.
   * @example
   * ```ts
   * SeededRandom.derive(42, 0).nextUint32() === SeededRandom.derive(42, 0).nextUint32(); // true
   * ```
   */
  static derive(seed: number, ...keys: number[]): SeededRandom {
    let random = new SeededRandom(seed);
    for (const key of keys) random = random.fork(key);
    return random;
  }

  /**
   * An independent child stream for `key`; unaffected by how many numbers this one has drawn.
   * @example
   * ```ts
   * const epochRandom = new SeededRandom(42).fork(epoch);
   * ```
   */
  fork(key: number): SeededRandom {
    const [low, high] = seedWords(key, 'key');
    const child = new SeededRandom(0);
    child.key = combine(combine(this.key, low), high);
    child.reseed(child.key);
    return child;
  }

  private reseed(key: number): void {
    // splitmix32 fills the 128-bit state; it never yields the all-zero state xoshiro must avoid.
    let s = key;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return fmix32(s) || 1;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /**
   * The next uniformly distributed integer in [0, 2^32).
   * @example
   * ```ts
   * new SeededRandom(1).nextUint32(); // an integer below 4294967296
   * ```
   */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /**
   * A float in [0, 1) with 32 random bits.
   * @example
   * ```ts
   * if (new SeededRandom(7).nextFloat() < 0.5) console.log('heads');
   * ```
   */
  nextFloat(): number {
    return this.nextUint32() / TWO_32;
  }

  /**
   * An unbiased integer in [0, n) for 1 ≤ n ≤ 2^32 (rejection sampling, no modulo bias).
   * @example
   * ```ts
   * new SeededRandom(7).nextInt(6) + 1; // a die roll
   * ```
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw invalidValue('n', n, 'an integer in [1, 2^32]');
    const limit = TWO_32 - (TWO_32 % n);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return value % n;
  }

  /**
   * Shuffles `items` in place (Fisher–Yates, from the end) and returns it.
   * @example
   * ```ts
   * new SeededRandom(3).shuffle([1, 2, 3, 4]);
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const item = items[i];
      items[i] = items[j];
      items[j] = item;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The order of `n` samples in epoch `epoch` of a run seeded with `seed`: a Fisher–Yates
 * permutation of 0..n-1 that depends only on (n, seed, epoch).
 *
 * @example
 * ```ts
 * permutation(5, 42, 0); // e.g. Int32Array [3, 0, 4, 1, 2], identical on every run
 * ```
 */
export function permutation(n: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 31) throw invalidValue('n', n, 'an integer in [0, 2^31)');
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return SeededRandom.derive(seed, epoch).shuffle(order);
}
