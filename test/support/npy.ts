/**
 * NumPy `.npy` (format 1.0) for handing tensors to Python interop scripts: little-endian
 * float32 (`<f4`) and int32 (`<i4`), C order.
 */
import * as fs from 'node:fs';

/**
 * Writes `data` with `shape` as a `.npy` file.
 *
 * @example
 * ```ts
 * writeNpy('x.npy', new Float32Array([1, 2, 3, 4]), [2, 2]);
 * ```
 */
export function writeNpy(file: string, data: Float32Array | Int32Array, shape: readonly number[]): void {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to 64 bytes, '\n'-ended.
  header += ' '.repeat(63 - ((10 + header.length) % 64));
  header += '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  fs.writeFileSync(
    file,
    Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
  );
}
