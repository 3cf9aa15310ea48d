/**
 * CRC-32C (Castagnoli), the checksum of TFRecord files and TensorFlow checkpoints, and the
 * "masked" form TFRecord stores (so that a CRC of data holding CRCs stays well distributed).
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** TensorFlow's `kMaskDelta` (tsl/lib/hash/crc32c.h). */
const MASK_DELTA = 0xa282ead8;

/**
 * The CRC-32C of `data` as an unsigned 32-bit integer (SSE4.2/ARMv8 CRC instructions via
 * `@node-rs/crc32`).
 *
 * @example
 * ```ts
 * crc32c(Buffer.from('123456789')).toString(16); // 'e3069283'
 * ```
 */
export function crc32c(data: Uint8Array | string): number {
  return nativeCrc32c(data) >>> 0;
}

/**
 * TensorFlow's `crc32c::Mask`: rotate right by 15 bits, then add `0xa282ead8` (mod 2^32).
 *
 * @example
 * ```ts
 * maskCrc32c(0); // 0xa282ead8
 * ```
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * The inverse of {@link maskCrc32c} (`crc32c::Unmask`).
 *
 * @example
 * ```ts
 * unmaskCrc32c(maskCrc32c(0xe3069283)); // 0xe3069283
 * ```
 */
export function unmaskCrc32c(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/**
 * The masked CRC-32C of `data`, as stored in TFRecord framing.
 *
 * @example
 * ```ts
 * const length = Buffer.alloc(8);
 * length.writeBigUInt64LE(5n);
 * const lengthCrc = maskedCrc32c(length); // stored right after the 8 length bytes
 * ```
 */
export function maskedCrc32c(data: Uint8Array | string): number {
  return maskCrc32c(crc32c(data));
}
