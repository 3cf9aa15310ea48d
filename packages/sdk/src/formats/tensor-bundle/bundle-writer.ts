/**
 * Writes a TensorBundle (a TF2 checkpoint / SavedModel `variables/`), byte for byte as
 * TensorFlow's BundleWriter does (tensorflow/core/util/tensor_bundle/tensor_bundle.cc):
 * tensor bytes back to back in one data shard in the order given (data_alignment 1: no padding),
 * and an uncompressed table whose first key "" holds the BundleHeaderProto
 * {num_shards: 1, endianness: LITTLE, version: {producer: 1}} and whose other keys, sorted
 * bytewise, hold one BundleEntryProto each, with crc32c = the *masked* CRC-32C of the tensor's bytes.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Type } from 'protobufjs';
import { describeValue, invalidValue } from '../../core/errors';
import { crc32c, maskCrc32c } from '../crc32c';
import { tensorflowRoot } from '../proto/proto-root';
import {
  assertLittleEndianHost,
  BUNDLE_DTYPES,
  type BundleDtype,
  bundleDataPath,
  bundleIndexPath,
} from './bundle-format';
import { buildTable, type TableEntry } from './sstable';
import { encodeStringTensor } from './string-tensor';
import { numericTensorBytes } from './tensor-bytes';

/**
 * A tensor to write. `data` is row-major with one element per position of `shape`: a typed array
 * or plain array of numbers (`int64` also takes bigints, `bool` booleans or 0/1), or for
 * `string` JS strings (written as UTF-8) or raw bytes.
 *
 * @example
 * ```ts
 * const kernel: BundleTensorInput = { name: 'dense/kernel', dtype: 'float32', shape: [2, 2], data: new Float32Array(4) };
 * ```
 */
export interface BundleTensorInput {
  readonly name: string;
  readonly dtype: BundleDtype;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean> | ArrayLike<string | Uint8Array>;
}

/**
 * The files {@link writeTensorBundle} wrote.
 *
 * @example
 * ```ts
 * const { indexPath, dataPath } = await writeTensorBundle('ckpt/model', tensors);
 * ```
 */
export interface WrittenTensorBundle {
  readonly indexPath: string;
  readonly dataPath: string;
}

function checkTensors(tensors: readonly BundleTensorInput[]): void {
  const seen = new Set<string>();
  tensors.forEach((t, i) => {
    const at = `tensors[${i}]`;
    if (typeof t.name !== 'string' || t.name === '' || Buffer.from(t.name).toString() !== t.name) {
      throw invalidValue(`${at}.name`, t.name, 'a non-empty Unicode string (the empty key holds the bundle header)');
    }
    if (seen.has(t.name)) throw invalidValue(`${at}.name`, t.name, 'a name not used by an earlier tensor');
    seen.add(t.name);
    if (!Object.hasOwn(BUNDLE_DTYPES, t.dtype)) {
      throw invalidValue(`${at}.dtype`, t.dtype, `one of ${Object.keys(BUNDLE_DTYPES).join(', ')}`);
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw invalidValue(`${at}.shape`, t.shape, 'an array of non-negative integers ([] for a scalar)');
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data?.length !== count) {
      const received = t.data ? `${t.data.length} elements` : t.data;
      throw invalidValue(`${at}.data`, received, `${count} elements for shape ${describeValue(t.shape)}`);
    }
  });
}

/** The data-file parts of one tensor and their unmasked CRC-32C. */
function encodeTensor(t: BundleTensorInput, index: number): { parts: Buffer[]; crc: number } {
  if (t.dtype !== 'string') {
    const bytes = numericTensorBytes(t.dtype, t.data, `tensors[${index}].data`);
    return { parts: [bytes], crc: crc32c(bytes) };
  }
  const values = Array.from(t.data as ArrayLike<unknown>, (v, i) => {
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    if (v instanceof Uint8Array) return v;
    throw invalidValue(`tensors[${index}].data[${i}]`, v, 'a string or a Uint8Array (dtype string)');
  });
  return encodeStringTensor(values);
}

/** proto3 leaves zero-valued scalars off the wire; so must we, to match TensorFlow's bytes. */
function nonZero(fields: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== 0));
}

async function writeAll(file: FileHandle, buffer: Buffer): Promise<void> {
  for (let done = 0; done < buffer.length; ) done += (await file.write(buffer, done)).bytesWritten;
}

async function writeFileAtomically(path: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  // TensorFlow's BundleWriter also writes `<name>.tempstate<random>` and renames it into place.
  const temp = `${path}.tempstate${BigInt(`0x${randomBytes(8).toString('hex')}`)}`;
  try {
    const file = await open(temp, 'w');
    try {
      await write(file);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Writes `tensors` as the bundle `<prefix>.index` + `<prefix>.data-00000-of-00001` (creating the
 * directory), each file written to a temporary name and renamed into place, data first, so no
 * reader ever sees a half-written file. `tf.train.load_checkpoint(prefix)` and
 * `tf.raw_ops.RestoreV2` read the result; a SavedModel keeps its variables at
 * `<dir>/variables/variables`.
 *
 * @example
 * ```ts
 * await writeTensorBundle('out/ckpt', [
 *   { name: 'w', dtype: 'float32', shape: [2], data: new Float32Array([0.5, -1]) },
 *   { name: 'step', dtype: 'int64', shape: [], data: [100n] },
 *   { name: 'vocab', dtype: 'string', shape: [2], data: ['a', 'b'] },
 * ]);
 * ```
 */
export async function writeTensorBundle(
  prefix: string,
  tensors: readonly BundleTensorInput[],
): Promise<WrittenTensorBundle> {
  if (typeof prefix !== 'string' || prefix === '') throw invalidValue('prefix', prefix, 'a non-empty path prefix');
  if (!Array.isArray(tensors as unknown)) throw invalidValue('tensors', tensors, 'an array of tensors');
  checkTensors(tensors);
  assertLittleEndianHost();
  const root = tensorflowRoot();
  const entryType = root.lookupType('tensorflow.BundleEntryProto');
  const encode = (type: Type, value: object) => Buffer.from(type.encode(type.fromObject(value)).finish());

  const entries: TableEntry[] = [];
  const dataPath = bundleDataPath(prefix, 0, 1);
  await mkdir(dirname(prefix), { recursive: true });
  await writeFileAtomically(dataPath, async (file) => {
    let offset = 0;
    for (const [i, t] of tensors.entries()) {
      const { parts, crc } = encodeTensor(t, i);
      const size = parts.reduce((n, p) => n + p.length, 0);
      for (const part of parts) await writeAll(file, part);
      const entry = {
        dtype: BUNDLE_DTYPES[t.dtype].code,
        shape: { dim: t.shape.map((size) => nonZero({ size })) },
        ...nonZero({ offset, size, crc32c: maskCrc32c(crc) }),
      };
      entries.push({ key: Buffer.from(t.name, 'utf8'), value: encode(entryType, entry) });
      offset += size;
    }
  });

  const header = { numShards: 1, version: { producer: 1 } }; // endianness LITTLE = 0 stays off the wire
  entries.sort((a, b) => Buffer.compare(a.key, b.key));
  entries.unshift({ key: Buffer.alloc(0), value: encode(root.lookupType('tensorflow.BundleHeaderProto'), header) });
  const indexPath = bundleIndexPath(prefix);
  await writeFileAtomically(indexPath, (file) => writeAll(file, buildTable(entries)));
  return { indexPath, dataPath };
}
