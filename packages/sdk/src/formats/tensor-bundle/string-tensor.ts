/**
 * How a DT_STRING tensor lies in a bundle's data file (tensor_bundle.cc WriteStringTensor /
 * ReadStringTensor):
 *
 *   varint64 length[n] | uint32 masked_crc(lengths) | bytes[0] | … | bytes[n-1]
 *
 * The length checksum covers each length as a little-endian uint32 (uint64 only above
 * UINT32_MAX, which a Node Buffer never reaches), not the varint bytes. The entry's CRC then
 * continues over those 4 checksum bytes and the string bytes.
 */
import { crc32c } from '@node-rs/crc32';
import { maskCrc32c, unmaskCrc32c } from '../crc32c';
import { ByteCursor, putVarint } from './varint';

/**
 * The on-disk parts of a string tensor and the (unmasked) CRC-32C a BundleEntryProto stores masked.
 *
 * @example
 * ```ts
 * const { parts, crc } = encodeStringTensor([Buffer.from('hi'), Buffer.from('world')]);
 * ```
 */
export function encodeStringTensor(values: readonly Uint8Array[]): { parts: Buffer[]; crc: number } {
  const lengths: number[] = [];
  const lengthWords = Buffer.alloc(4 * values.length);
  values.forEach((value, i) => {
    putVarint(lengths, value.length);
    lengthWords.writeUInt32LE(value.length, 4 * i);
  });
  const lengthCrc = crc32c(lengthWords) >>> 0;
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(maskCrc32c(lengthCrc));
  let crc = crc32c(checksum, lengthCrc);
  const parts: Buffer[] = [Buffer.from(lengths), checksum];
  for (const value of values) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    parts.push(bytes);
    crc = crc32c(bytes, crc);
  }
  return { parts, crc: crc >>> 0 };
}

/**
 * Decodes `count` strings from exactly the bytes of one entry. Returns the values and the CRC to
 * compare with the entry's, or an error text when the bytes cannot be a string tensor.
 *
 * @example
 * ```ts
 * const result = decodeStringTensor(bytes, 3);
 * if (typeof result === 'string') throw new Error(result);
 * ```
 */
export function decodeStringTensor(bytes: Buffer, count: number): { values: Buffer[]; crc: number } | string {
  if (bytes.length === 0) return count === 0 ? { values: [], crc: 0 } : 'no bytes for a non-empty string tensor';
  const cursor = new ByteCursor(bytes);
  const lengths: number[] = [];
  const lengthWords = Buffer.alloc(4 * count);
  for (let i = 0; i < count; i++) {
    const length = cursor.varint();
    if (length === undefined || length > 0xffffffff) return `string length #${i} is malformed`;
    lengths.push(length);
    lengthWords.writeUInt32LE(length, 4 * i);
  }
  const checksum = cursor.bytes(4);
  if (!checksum) return 'the string lengths run past the entry';
  const lengthCrc = crc32c(lengthWords) >>> 0;
  if (unmaskCrc32c(checksum.readUInt32LE(0)) !== lengthCrc) return 'the string length checksum does not match';
  let crc = crc32c(checksum, lengthCrc);
  const values: Buffer[] = [];
  for (const length of lengths) {
    const value = cursor.bytes(length);
    if (!value) return 'the string bytes run past the entry';
    crc = crc32c(value, crc);
    values.push(Buffer.from(value)); // a copy: the caller may drop the file buffer
  }
  return { values, crc: crc >>> 0 };
}
