/**
 * Where a data frame's payload goes while it arrives, socket chunk by socket chunk: copied into a
 * buffer, or added element-wise into a Float32Array. Adding on arrival (instead of receiving into
 * a scratch buffer, then adding) saves a pass over the data and a buffer the size of a chunk, and
 * interleaves the additions with the transfer in 64 KiB socket reads.
 */

/**
 * A payload consumer. `write` gets consecutive byte ranges of the payload; `offset` is how many
 * payload bytes came before `chunk[start]`.
 *
 * @example
 * ```ts
 * const sink = new CopySink(new Uint8Array(8));
 * sink.write(Buffer.from([1, 2, 3]), 0, 3, 0);
 * ```
 */
export interface PayloadSink {
  readonly byteLength: number;
  write(chunk: Uint8Array, start: number, end: number, offset: number): void;
  /** The received bytes (for an adding sink: the target's bytes). */
  result(): Uint8Array;
}

/**
 * Copies the payload into `dest`.
 *
 * @example
 * ```ts
 * await connection.receive(tag, new CopySink(new Uint8Array(floats.buffer)));
 * ```
 */
export class CopySink implements PayloadSink {
  constructor(private readonly dest: Uint8Array) {}

  get byteLength(): number {
    return this.dest.byteLength;
  }

  write(chunk: Uint8Array, start: number, end: number, offset: number): void {
    this.dest.set(chunk.subarray(start, end), offset);
  }

  result(): Uint8Array {
    return this.dest;
  }
}

/**
 * Adds a float32 payload into `target` (`target[i] += payload[i]`, rounded to float32). Floats
 * split across socket chunks are reassembled in a 4-byte carry; chunks whose floats are not
 * 4-byte aligned in memory go through a small aligned copy.
 *
 * @example
 * ```ts
 * await connection.receive(tag, new AddSink(chunkOfGradients));
 * ```
 */
export class AddSink implements PayloadSink {
  private readonly carry = new Float32Array(1);
  private readonly carryBytes = new Uint8Array(this.carry.buffer);
  private aligned = new Float32Array(0);

  constructor(private readonly target: Float32Array) {}

  get byteLength(): number {
    return this.target.byteLength;
  }

  write(chunk: Uint8Array, start: number, end: number, offset: number): void {
    let p = start;
    let index = offset >>> 2;
    let partial = offset & 3;
    if (partial !== 0) {
      while (partial < 4 && p < end) this.carryBytes[partial++] = chunk[p++];
      if (partial < 4) return;
      this.target[index++] += this.carry[0];
    }
    const whole = (end - p) >>> 2;
    if (whole > 0) {
      const at = chunk.byteOffset + p;
      let src: Float32Array;
      if (at % 4 === 0) src = new Float32Array(chunk.buffer, at, whole);
      else {
        if (this.aligned.length < whole) this.aligned = new Float32Array(whole);
        src = this.aligned.subarray(0, whole);
        new Uint8Array(src.buffer, 0, whole * 4).set(chunk.subarray(p, p + whole * 4));
      }
      addInto(this.target.subarray(index, index + whole), src);
      p += whole * 4;
    }
    for (let k = 0; p < end; k++) this.carryBytes[k] = chunk[p++];
  }

  result(): Uint8Array {
    return new Uint8Array(this.target.buffer, this.target.byteOffset, this.target.byteLength);
  }
}

/**
 * `dst[i] += src[i]` in float32 (a JS add of two float32 values rounded back to float32 is
 * exactly IEEE float32 addition). Kept monomorphic so V8 compiles a tight loop.
 *
 * @example
 * ```ts
 * addInto(sum, incoming);
 * ```
 */
export function addInto(dst: Float32Array, src: Float32Array): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}
