/**
 * The parameter-server wire format: request/reply messages of a small JSON head and float32
 * arrays (weights, gradients, losses). Unlike the collective frames, whose receives are posted
 * in a fixed order, these messages arrive in any order and are matched by id.
 *
 * | offset | type | field                                                    |
 * |-------:|------|----------------------------------------------------------|
 * | 0      | u32  | bytes after this field                                   |
 * | 4      | u32  | head length in bytes                                     |
 * | 8      | utf8 | head JSON; its `n` lists the arrays' lengths             |
 * | …      |      | zero padding to a multiple of 4                          |
 * | …      | f32  | the arrays, back to back, little-endian                  |
 */
import { psMismatch } from './ps-errors';

/**
 * A message's JSON part: `t` says what it is, `id` pairs a request with its reply.
 *
 * @example
 * ```ts
 * const head: MessageHead = { t: 'pull', id: 7 };
 * ```
 */
export interface MessageHead {
  readonly t: string;
  readonly id?: number;
  readonly [key: string]: unknown;
}

/**
 * One decoded message.
 *
 * @example
 * ```ts
 * const { head, arrays } = message; // arrays: the weights of a pull reply
 * ```
 */
export interface Message {
  readonly head: MessageHead;
  readonly arrays: Float32Array[];
}

/** Wire protocol version, checked when tasks first meet. @example hello.proto === PS_PROTOCOL */
export const PS_PROTOCOL = 1;
const MAX_HEAD_BYTES = 1 << 20;

/**
 * Encodes a message as buffers to write in order (the arrays are not copied).
 *
 * @example
 * ```ts
 * for (const b of encodeMessage({ t: 'push', id: 3 }, grads)) socket.write(b);
 * ```
 */
export function encodeMessage(head: MessageHead, arrays: readonly Float32Array[] = []): Buffer[] {
  const json = Buffer.from(JSON.stringify({ ...head, n: arrays.map((a) => a.length) }));
  const pad = (4 - (json.length % 4)) % 4;
  const floats = arrays.reduce((sum, a) => sum + a.byteLength, 0);
  const prefix = Buffer.alloc(8 + json.length + pad);
  prefix.writeUInt32LE(4 + json.length + pad + floats, 0);
  prefix.writeUInt32LE(json.length, 4);
  json.copy(prefix, 8);
  return [prefix, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
}

/**
 * Incremental decoder of a byte stream into messages; throws `TFSCALE_E_PS_MISMATCH` on bytes
 * that are not this format.
 *
 * @example
 * ```ts
 * const decoder = new MessageDecoder();
 * socket.on('data', (chunk) => { for (const m of decoder.push(chunk)) handle(m); });
 * ```
 */
export class MessageDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Message[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Message[] = [];
    for (;;) {
      if (this.buffered < 4) return out;
      const first = this.chunks[0].length >= 4 ? this.chunks[0] : this.take(4, false);
      const total = 4 + first.readUInt32LE(0);
      if (this.buffered < total) return out;
      out.push(decodeBody(this.take(total, true).subarray(4)));
    }
  }

  /** The first `n` buffered bytes as one buffer, removed when `consume`. */
  private take(n: number, consume: boolean): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [joined];
    if (!consume) return joined;
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return joined.subarray(0, n);
  }
}

function decodeBody(body: Buffer): Message {
  const headLength = body.length >= 4 ? body.readUInt32LE(0) : -1;
  if (headLength < 2 || headLength > MAX_HEAD_BYTES || 4 + headLength > body.length) {
    throw psMismatch(`Received a parameter-server message with a bad head length (${headLength}).`);
  }
  let head: MessageHead & { n?: unknown };
  try {
    head = JSON.parse(body.toString('utf8', 4, 4 + headLength));
  } catch {
    throw psMismatch('Received a parameter-server message whose head is not JSON.');
  }
  const lengths = head.n;
  if (typeof head.t !== 'string' || !Array.isArray(lengths) || !lengths.every((n) => Number.isSafeInteger(n))) {
    throw psMismatch(`Received a parameter-server message without a type or array lengths: ${JSON.stringify(head)}.`);
  }
  let offset = 4 + headLength + ((4 - (headLength % 4)) % 4);
  const floats = (lengths as number[]).reduce((sum, n) => sum + n * 4, 0);
  if (offset + floats !== body.length) {
    throw psMismatch(`A '${head.t}' message carries ${body.length - offset} array bytes, its head says ${floats}.`);
  }
  const arrays = (lengths as number[]).map((n) => {
    // Copied: a Float32Array needs 4-byte alignment, which a socket chunk does not promise.
    const a = new Float32Array(n);
    body.copy(new Uint8Array(a.buffer), 0, offset, offset + n * 4);
    offset += n * 4;
    return a;
  });
  const { n: _, ...rest } = head;
  return { head: rest as MessageHead, arrays };
}
