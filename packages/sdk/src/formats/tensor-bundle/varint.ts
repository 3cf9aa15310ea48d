/**
 * LEB128 varints as TensorFlow's `core::PutVarint64` / `GetVarint64` write them (7 bits a byte,
 * low group first; tsl/platform/coding.cc). Values stay JS numbers: every length and offset in a
 * bundle is far below 2^53.
 */

/**
 * Appends the varint encoding of a non-negative safe integer to `out`.
 *
 * @example
 * ```ts
 * const bytes: number[] = [];
 * putVarint(bytes, 300); // bytes = [0xac, 0x02]
 * ```
 */
export function putVarint(out: number[], value: number): void {
  // Division, not bit shifts: shifts would truncate values above 2^31.
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/**
 * The varint encoding of `value` as a Buffer.
 *
 * @example
 * ```ts
 * encodeVarint(1); // <Buffer 01>
 * ```
 */
export function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  putVarint(bytes, value);
  return Buffer.from(bytes);
}

/**
 * A cursor over a byte range that reads varints and fixed32s, returning `undefined` (not throwing)
 * when the data ends early or a varint is malformed, so callers can raise their own coded error.
 *
 * @example
 * ```ts
 * const cursor = new ByteCursor(Buffer.from([0xac, 0x02]));
 * cursor.varint(); // 300
 * ```
 */
export class ByteCursor {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** The next varint (at most 10 bytes; values must be safe integers). */
  varint(): number | undefined {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10 && this.pos < this.end; i++) {
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return Number.isSafeInteger(value) ? value : undefined;
      scale *= 0x80;
    }
    return undefined;
  }

  /** The next `n` bytes (a view, not a copy). */
  bytes(n: number): Buffer | undefined {
    if (n > this.remaining) return undefined;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
