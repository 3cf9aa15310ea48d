/**
 * TensorProto's `tensor_content`: the raw row-major buffer, little-endian for numbers, one byte
 * per bool, and for strings TF's string list (every length as a varint32, then the bytes), as
 * TF's `Tensor::AsProtoTensorContent` writes it and `Tensor::FromProto` reads it.
 */
import { type NumericData, TYPED_ARRAYS } from '../rest/dtypes';
import type { ServingDType, ServingTensor } from '../types';

/**
 * Bytes per element in `tensor_content` (strings have none: they are length-prefixed).
 * @example
 *   ELEMENT_BYTES.float32; // 4
 */
export const ELEMENT_BYTES: Readonly<Record<Exclude<ServingDType, 'string'>, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Decodes `count` elements of `dtype` from `content` into a copy (small ones are views of a
 * shared slab, like pooled Buffers: mind byteOffset); undefined when the byte length is wrong
 * (TF then reports "tensor parsing error").
 * @example
 *   decodeTensorContent('float32', Buffer.from(Float32Array.of(1, 2).buffer), 2); // Float32Array [1, 2]
 */
export function decodeTensorContent(
  dtype: ServingDType,
  content: Uint8Array,
  count: number,
): ServingTensor['data'] | undefined {
  if (dtype === 'string') return decodeStringList(content, count);
  const width = ELEMENT_BYTES[dtype];
  const bytes = content.byteLength;
  if (bytes !== width * count) return undefined;
  // Copy to an aligned place: the proto's bytes are an unaligned slice of the request message.
  let buffer: ArrayBuffer;
  let offset = 0;
  if (bytes > SLAB_SHARE) {
    buffer = new ArrayBuffer(bytes);
    new Uint8Array(buffer).set(content);
  } else {
    if (slabUsed + bytes > SLAB_BYTES) {
      slab = new Uint8Array(SLAB_BYTES);
      slabUsed = 0;
    }
    buffer = slab.buffer as ArrayBuffer;
    offset = slabUsed;
    slab.set(content, offset);
    slabUsed += (bytes + 7) & ~7; // the next tensor starts 8-byte aligned
  }
  if (!LITTLE_ENDIAN && width > 1) swapBytes(new Uint8Array(buffer, offset, bytes), width);
  return new (TYPED_ARRAYS[dtype] as unknown as ViewClass)(buffer, offset, count);
}

// Small tensors share slabs, as Buffer.allocUnsafe shares its pool: an ArrayBuffer of its own
// costs a request ~1 µs (zeroed allocation, backing-store bookkeeping, finalisation by the GC).
const SLAB_BYTES = 256 << 10;
const SLAB_SHARE = 16 << 10;
let slab = new Uint8Array(0);
let slabUsed = SLAB_BYTES; // the first call makes the first slab
type ViewClass = new (buffer: ArrayBuffer, byteOffset: number, length: number) => NumericData;

/**
 * Encodes a tensor's data as `tensor_content`.
 * @example
 *   encodeTensorContent({ dtype: 'int32', shape: [2], data: Int32Array.of(1, 2) }); // 8 bytes
 */
export function encodeTensorContent(tensor: ServingTensor): Uint8Array {
  if (tensor.dtype === 'string') return encodeStringList(tensor.data as Uint8Array[]);
  const data = tensor.data as NumericData;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = Uint8Array.from(bytes);
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

function decodeStringList(content: Uint8Array, count: number): Uint8Array[] | undefined {
  const lengths: number[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (pos >= content.length || shift > 28) return undefined;
      const byte = content[pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    lengths.push(value);
  }
  const out: Uint8Array[] = [];
  for (const length of lengths) {
    if (pos + length > content.length) return undefined;
    out.push(content.slice(pos, pos + length));
    pos += length;
  }
  return pos === content.length ? out : undefined;
}

function encodeStringList(strings: Uint8Array[]): Uint8Array {
  const header: number[] = [];
  let total = 0;
  for (const s of strings) {
    let n = s.length;
    while (n >= 0x80) {
      header.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    header.push(n);
    total += s.length;
  }
  const out = new Uint8Array(header.length + total);
  out.set(header);
  let pos = header.length;
  for (const s of strings) {
    out.set(s, pos);
    pos += s.length;
  }
  return out;
}
