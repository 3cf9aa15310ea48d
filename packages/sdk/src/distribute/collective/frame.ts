/**
 * The wire format between ranks: every message is a 24-byte little-endian header followed by
 * `length` payload bytes.
 *
 * | offset | type | field                                                         |
 * |-------:|------|---------------------------------------------------------------|
 * | 0      | u8   | magic `0x54` ('T')                                            |
 * | 1      | u8   | protocol version (1)                                          |
 * | 2      | u8   | frame kind ({@link FrameKind})                                |
 * | 3      | u8   | collective ({@link OpCode}; 0 for control frames)             |
 * | 4      | u32  | seq: the collective's number on this group (ops are ordered)  |
 * | 8      | u32  | part: pack (all-reduce) or segment (broadcast) index          |
 * | 12     | u32  | step: ring step within the part                               |
 * | 16     | u32  | check: fingerprint of the op's arguments (sizes, names, root) |
 * | 20     | u32  | payload length in bytes                                       |
 *
 * Data payloads are raw float32/bytes in host order (every platform Node runs on is little-endian);
 * control payloads (hello, welcome, abort, goodbye) are small UTF-8 JSON objects.
 */
import { TfscaleError } from '../../core/errors';

/** Bytes in a frame header. @example const h = Buffer.alloc(HEADER_BYTES); */
export const HEADER_BYTES = 24;
/** Largest control payload accepted, so a stray client cannot make a rank allocate much. @example if (n > MAX_CONTROL_BYTES) reject(); */
export const MAX_CONTROL_BYTES = 64 * 1024;
/** Wire protocol version, checked on every frame and in the handshake. @example hello.protocol === PROTOCOL_VERSION */
export const PROTOCOL_VERSION = 1;
const MAGIC = 0x54;

/**
 * What a frame is.
 *
 * @example
 * ```ts
 * if (header.kind === FrameKind.Data) consumePayload();
 * ```
 */
export enum FrameKind {
  /** Dialer to acceptor: who I am (JSON: protocol, runId, worldSize, rank, to, addresses). */
  Hello = 1,
  /** Acceptor's reply with the same fields; a refusal is an abort frame instead. */
  Welcome = 2,
  /** A collective's payload. */
  Data = 3,
  /** The sender failed; JSON: code, summary, hint, peerRank, peerAddress. Forwarded by every rank. */
  Abort = 4,
  /** The sender called close(); its end of stream follows. */
  Goodbye = 5,
}

/**
 * Which collective a data frame belongs to (checked so that diverged ranks fail loudly).
 *
 * @example
 * ```ts
 * const tag = { op: OpCode.AllReduce, seq: 3, part: 0, step: 0, check: 0 };
 * ```
 */
export enum OpCode {
  None = 0,
  AllReduce = 1,
  Broadcast = 2,
  Barrier = 3,
  AllGather = 4,
}

const OP_NAMES: Record<number, string> = { 0: 'control', 1: 'allReduce', 2: 'broadcast', 3: 'barrier', 4: 'allGather' };

/**
 * Identifies one data frame of one collective; sender and receiver compute the same tag.
 *
 * @example
 * ```ts
 * const tag: FrameTag = { op: OpCode.Barrier, seq: 7, part: 0, step: 1, check: fingerprint(['barrier', 'ckpt']) };
 * ```
 */
export interface FrameTag {
  readonly op: OpCode;
  readonly seq: number;
  readonly part: number;
  readonly step: number;
  readonly check: number;
}

/**
 * A decoded header.
 *
 * @example
 * ```ts
 * const header: FrameHeader = decodeHeader(bytes);
 * ```
 */
export interface FrameHeader extends FrameTag {
  readonly kind: FrameKind;
  readonly length: number;
}

/**
 * Encodes a header into a new 24-byte buffer.
 *
 * @example
 * ```ts
 * socket.write(encodeHeader({ kind: FrameKind.Data, ...tag, length: payload.byteLength }));
 * ```
 */
export function encodeHeader(header: FrameHeader): Buffer {
  if (!Number.isInteger(header.length) || header.length < 0 || header.length > 0xffffffff) {
    throw new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `A collective frame carries at most 4 GiB; this one has ${header.length} bytes.`,
      { hint: 'Use a smaller `bytesPerPack`, or split the tensor.' },
    );
  }
  const b = Buffer.allocUnsafe(HEADER_BYTES);
  b[0] = MAGIC;
  b[1] = PROTOCOL_VERSION;
  b[2] = header.kind;
  b[3] = header.op;
  b.writeUInt32LE(header.seq >>> 0, 4);
  b.writeUInt32LE(header.part >>> 0, 8);
  b.writeUInt32LE(header.step >>> 0, 12);
  b.writeUInt32LE(header.check >>> 0, 16);
  b.writeUInt32LE(header.length, 20);
  return b;
}

/**
 * Decodes a header; throws `TFSCALE_E_COLLECTIVE_PROTOCOL` on a bad magic, version or kind.
 *
 * @example
 * ```ts
 * const { kind, length } = decodeHeader(buffer.subarray(0, HEADER_BYTES));
 * ```
 */
export function decodeHeader(b: Uint8Array): FrameHeader {
  const view = Buffer.from(b.buffer, b.byteOffset, HEADER_BYTES);
  if (view[0] !== MAGIC || view[1] !== PROTOCOL_VERSION || view[2] < FrameKind.Hello || view[2] > FrameKind.Goodbye) {
    throw new TfscaleError(
      'TFSCALE_E_COLLECTIVE_PROTOCOL',
      `Received bytes that are not a tfscale collective frame (protocol ${PROTOCOL_VERSION}): ${view.toString('hex')}.`,
      { hint: 'Check that the address belongs to a tfscale rank of the same SDK version.' },
    );
  }
  return {
    kind: view[2],
    op: view[3],
    seq: view.readUInt32LE(4),
    part: view.readUInt32LE(8),
    step: view.readUInt32LE(12),
    check: view.readUInt32LE(16),
    length: view.readUInt32LE(20),
  };
}

/**
 * Human-readable name of a tag for error messages.
 *
 * @example
 * ```ts
 * describeTag({ op: OpCode.AllReduce, seq: 4, part: 1, step: 2, check: 0 }); // 'allReduce #4 (part 1, step 2)'
 * ```
 */
export function describeTag(tag: FrameTag): string {
  return `${OP_NAMES[tag.op] ?? `op ${tag.op}`} #${tag.seq} (part ${tag.part}, step ${tag.step})`;
}

/**
 * Name of a collective for error messages.
 *
 * @example
 * ```ts
 * opName(OpCode.Broadcast); // 'broadcast'
 * ```
 */
export function opName(op: OpCode): string {
  return OP_NAMES[op] ?? `op ${op}`;
}

/**
 * 32-bit FNV-1a over strings and numbers: the `check` field, so ranks that pass different sizes,
 * names, roots or reduce ops to the same collective fail with a mismatch instead of mixing data.
 *
 * @example
 * ```ts
 * fingerprint(['allReduce', 'mean', 1000]); // the same on every rank for the same call
 * ```
 */
export function fingerprint(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${part};`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}
