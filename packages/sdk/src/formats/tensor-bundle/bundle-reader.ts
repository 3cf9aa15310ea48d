/**
 * Reads the tensors of a TensorBundle, checking each one's CRC-32C as TensorFlow's
 * BundleReader::GetValue does (tensor_bundle.cc): the entry's `size` must be exactly the
 * tensor's byte size (string tensors: at least one byte per element), and the unmasked stored
 * `crc32c` must equal the CRC-32C of the bytes `[offset, offset + size)` of shard `shard_id`.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { closestMatch } from '../../core/did-you-mean';
import { invalidValue, TfscaleError } from '../../core/errors';
import { crc32c, unmaskCrc32c } from '../crc32c';
import { assertLittleEndianHost, BUNDLE_DTYPES, type BundleTensor, bundleDataPath } from './bundle-format';
import { type BundleIndexEntry, readTensorBundleIndex } from './bundle-index';
import { decodeStringTensor } from './string-tensor';
import { tensorFromBytes } from './tensor-bytes';

/**
 * Options of {@link readTensorBundle}.
 *
 * @example
 * ```ts
 * await readTensorBundle(prefix, { names: ['dense/kernel/.ATTRIBUTES/VARIABLE_VALUE'] });
 * ```
 */
export interface ReadTensorBundleOptions {
  /** Read only these tensors (in this order); default: every tensor, in key order. */
  readonly names?: readonly string[];
}

class ShardFiles {
  private readonly files = new Map<number, Promise<FileHandle>>();

  constructor(
    private readonly prefix: string,
    private readonly numShards: number,
  ) {}

  /** Exactly `size` bytes at `offset` of shard `shard`, or `undefined` when the file is shorter. */
  async read(shard: number, offset: number, size: number): Promise<Buffer | undefined> {
    const file = await this.open(shard);
    const out = Buffer.alloc(size);
    for (let done = 0; done < size; ) {
      const { bytesRead } = await file.read(out, done, size - done, offset + done);
      if (bytesRead === 0) return undefined;
      done += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    const files = await Promise.allSettled(this.files.values());
    await Promise.all(files.map((f) => (f.status === 'fulfilled' ? f.value.close() : undefined)));
  }

  private open(shard: number): Promise<FileHandle> {
    let file = this.files.get(shard);
    if (!file) {
      const path = bundleDataPath(this.prefix, shard, this.numShards);
      file = open(path, 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        throw new TfscaleError(
          'TFSCALE_E_BUNDLE_SHARD_MISSING',
          `The data shard ${path} of bundle ${this.prefix} is missing.`,
          {
            hint: 'Copy every `<prefix>.data-*` file along with `<prefix>.index`.',
            cause: err,
          },
        );
      });
      this.files.set(shard, file);
    }
    return file;
  }
}

async function readEntry(entry: BundleIndexEntry, shards: ShardFiles, prefix: string): Promise<BundleTensor> {
  const { name, dtype, shape } = entry;
  const corrupt = (what: string) =>
    new TfscaleError('TFSCALE_E_BUNDLE_CORRUPT', `Tensor ${JSON.stringify(name)} of bundle ${prefix}: ${what}.`, {
      hint: 'The checkpoint is damaged; restore it from another copy or write it again.',
    });
  const unsupported = (what: string, hint: string) =>
    new TfscaleError('TFSCALE_E_BUNDLE_UNSUPPORTED', `Tensor ${JSON.stringify(name)} of bundle ${prefix} ${what}.`, {
      hint,
    });
  if (entry.sliced) {
    throw unsupported('is partitioned into slices', 'Save the variable unpartitioned, or read its slices by name.');
  }
  if (dtype === undefined) {
    throw unsupported(
      `has dtype ${entry.tfDtype}, which tfscale does not read`,
      'Pass `names` to read only the tensors you need; readTensorBundleIndex() lists them all.',
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * BUNDLE_DTYPES[dtype].bytes;
  if (dtype === 'string' ? entry.size < count : entry.size !== expected) {
    throw corrupt(`its entry says ${entry.size} bytes, expected ${dtype === 'string' ? 'at least ' : ''}${expected}`);
  }
  const bytes = await shards.read(entry.shardId, entry.offset, entry.size);
  if (!bytes) throw corrupt(`the data shard ends before byte ${entry.offset + entry.size}`);
  const checked = (crc: number) => {
    const stored = unmaskCrc32c(entry.crc32c);
    if (crc !== stored) {
      const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
      throw corrupt(`its data fails the CRC check (stored ${hex(stored)}, computed ${hex(crc)})`);
    }
  };
  if (dtype === 'string') {
    const decoded = decodeStringTensor(bytes, count);
    if (typeof decoded === 'string') throw corrupt(decoded);
    checked(decoded.crc);
    return { name, dtype, shape, data: decoded.values };
  }
  checked(crc32c(bytes));
  return { name, dtype, shape, data: tensorFromBytes(dtype, bytes, count) } as BundleTensor;
}

/**
 * Reads the tensors of the bundle at `prefix` (`<prefix>.index` + `<prefix>.data-*`): a TF2
 * checkpoint, or a SavedModel's `<dir>/variables/variables`. Every table block and every tensor
 * is CRC-checked. Errors: `TFSCALE_E_BUNDLE_NOT_FOUND`, `TFSCALE_E_BUNDLE_CORRUPT`,
 * `TFSCALE_E_BUNDLE_SHARD_MISSING`, `TFSCALE_E_BUNDLE_UNSUPPORTED` (dtypes other than float32,
 * float64, int32, int64, bool and string; partitioned tensors), and `TFSCALE_E_INVALID_VALUE`
 * for a name in `names` that the bundle lacks.
 *
 * @example
 * ```ts
 * for (const t of await readTensorBundle('model/variables/variables')) {
 *   if (t.dtype === 'float32') console.log(t.name, t.shape, t.data.length);
 * }
 * ```
 */
export async function readTensorBundle(prefix: string, options: ReadTensorBundleOptions = {}): Promise<BundleTensor[]> {
  assertLittleEndianHost();
  const index = await readTensorBundleIndex(prefix);
  let entries = index.entries;
  if (options.names) {
    const byName = new Map(entries.map((e) => [e.name, e]));
    entries = options.names.map((name, i) => {
      const entry = byName.get(name);
      if (entry) return entry;
      const near = closestMatch(name, byName.keys());
      throw invalidValue(`names[${i}]`, name, 'the name of a tensor in the bundle', near && `Did you mean "${near}"?`);
    });
  }
  const shards = new ShardFiles(prefix, index.numShards);
  try {
    const tensors: BundleTensor[] = [];
    for (const entry of entries) tensors.push(await readEntry(entry, shards, prefix));
    return tensors;
  } finally {
    await shards.close();
  }
}
