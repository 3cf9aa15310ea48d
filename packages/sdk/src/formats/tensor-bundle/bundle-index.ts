/**
 * Reads a TensorBundle's `.index`: the table (sstable.ts), its header entry under the empty key
 * (checked as tensor_bundle.cc's BundleReader does: endianness, then CheckVersions against
 * format version 1) and one BundleEntryProto per tensor. No tensor data is read.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TfscaleError } from '../../core/errors';
import { tensorflowRoot } from '../proto/proto-root';
import { type BundleDtype, bundleIndexPath, dtypeFromCode, tfDtypeName } from './bundle-format';
import { readTable } from './sstable';

/** tensor_bundle.cc kTensorBundleVersion: the format version this reader implements. */
const BUNDLE_VERSION = 1;

/**
 * Where and what one tensor of a bundle is, as its BundleEntryProto says.
 *
 * @example
 * ```ts
 * const { entries } = await readTensorBundleIndex('ckpt/c');
 * entries.map((e) => `${e.name} ${e.tfDtype} [${e.shape}]`);
 * ```
 */
export interface BundleIndexEntry {
  readonly name: string;
  /** The tfscale dtype, or `undefined` for one tfscale does not read (see `tfDtype`). */
  readonly dtype: BundleDtype | undefined;
  /** TensorFlow's name of the dtype, e.g. `DT_FLOAT`. */
  readonly tfDtype: string;
  readonly shape: number[];
  readonly shardId: number;
  readonly offset: number;
  readonly size: number;
  /** The stored, masked CRC-32C of the tensor's bytes. */
  readonly crc32c: number;
  /** True for a partitioned tensor, whose data lies in its slices' own entries. */
  readonly sliced: boolean;
}

/**
 * A bundle's header and entries, the latter in (bytewise) key order.
 *
 * @example
 * ```ts
 * const index = await readTensorBundleIndex('model/variables/variables');
 * index.numShards; // 1
 * ```
 */
export interface BundleIndex {
  readonly numShards: number;
  readonly entries: BundleIndexEntry[];
}

interface EntryMessage {
  dtype?: number;
  shape?: { dim?: Array<{ size?: number }>; unknownRank?: boolean };
  shardId?: number;
  offset?: number;
  size?: number;
  crc32c?: number;
  slices?: unknown[];
}

interface HeaderMessage {
  numShards?: number;
  endianness?: number;
  version?: { producer?: number; minConsumer?: number; badConsumers?: number[] };
}

function decode<T>(typeName: string, bytes: Buffer): T | undefined {
  const type = tensorflowRoot().lookupType(`tensorflow.${typeName}`);
  try {
    return type.toObject(type.decode(bytes), { longs: Number, enums: Number }) as T;
  } catch {
    return undefined;
  }
}

async function notFound(prefix: string, path: string, cause: unknown): Promise<TfscaleError> {
  let hint = 'Pass the bundle prefix: the index file path without `.index`.';
  if (/\.(index|data-\d{5}-of-\d{5})$/.test(prefix)) hint = 'Pass the prefix without the `.index` / `.data-…` suffix.';
  else if (await stat(join(prefix, 'variables', 'variables.index')).catch(() => undefined)) {
    hint = `${prefix} is a SavedModel directory; its variables bundle is ${join(prefix, 'variables', 'variables')}.`;
  }
  return new TfscaleError('TFSCALE_E_BUNDLE_NOT_FOUND', `No tensor bundle index at ${path}.`, { hint, cause });
}

/**
 * Reads and checks the index of the bundle at `prefix` (`<prefix>.index`): every table block's
 * CRC, the header, and each entry's proto and shape. Throws `TFSCALE_E_BUNDLE_NOT_FOUND`,
 * `TFSCALE_E_BUNDLE_CORRUPT` or `TFSCALE_E_BUNDLE_UNSUPPORTED` (big-endian or newer-format bundles).
 *
 * @example
 * ```ts
 * const { entries } = await readTensorBundleIndex('model/variables/variables');
 * const shapes = Object.fromEntries(entries.map((e) => [e.name, e.shape])); // like get_variable_to_shape_map()
 * ```
 */
export async function readTensorBundleIndex(prefix: string): Promise<BundleIndex> {
  const path = bundleIndexPath(prefix);
  const file = await readFile(path).catch(async (err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? await notFound(prefix, path, err) : err;
  });
  const corrupt = (what: string) =>
    new TfscaleError('TFSCALE_E_BUNDLE_CORRUPT', `Tensor bundle index ${path}: ${what}.`, {
      hint: 'The checkpoint is damaged; restore it from another copy or write it again.',
    });
  const [first, ...rest] = readTable(file, path);
  const header = first?.key.length === 0 ? decode<HeaderMessage>('BundleHeaderProto', first.value) : undefined;
  if (!header) throw corrupt('no parseable header entry under the empty key');
  const numShards = header.numShards ?? 0;
  if (numShards < 1) throw corrupt(`the header says num_shards=${numShards}`);
  const unsupported = (what: string, hint: string) =>
    new TfscaleError('TFSCALE_E_BUNDLE_UNSUPPORTED', `Tensor bundle ${prefix} ${what}.`, { hint });
  if (header.endianness === 1) {
    throw unsupported('was written on a big-endian machine', 'Re-save it on a little-endian (x86-64, arm64) machine.');
  }
  const version = header.version ?? {};
  if ((version.minConsumer ?? 0) > BUNDLE_VERSION || version.badConsumers?.includes(BUNDLE_VERSION)) {
    throw unsupported(
      `needs a reader of format version ${version.minConsumer} (this one is ${BUNDLE_VERSION})`,
      'It was written by a newer TensorFlow; re-save it with TensorFlow 2.x.',
    );
  }

  const entries = rest.map(({ key, value }): BundleIndexEntry => {
    const name = key.toString('utf8');
    const entry = decode<EntryMessage>('BundleEntryProto', value);
    if (!entry) throw corrupt(`the entry for ${JSON.stringify(name)} is not parseable`);
    const dims = entry.shape?.dim ?? [];
    const shape = dims.map((d) => d.size ?? 0);
    if (entry.shape?.unknownRank || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw corrupt(`the entry for ${JSON.stringify(name)} has an invalid shape`);
    }
    const code = entry.dtype ?? 0;
    const shardId = entry.shardId ?? 0;
    if (shardId < 0 || shardId >= numShards)
      throw corrupt(`${JSON.stringify(name)} is in shard ${shardId} of ${numShards}`);
    return {
      name,
      dtype: dtypeFromCode(code),
      tfDtype: tfDtypeName(code),
      shape,
      shardId,
      offset: entry.offset ?? 0,
      size: entry.size ?? 0,
      crc32c: entry.crc32c ?? 0,
      sliced: (entry.slices?.length ?? 0) > 0,
    };
  });
  return { numShards, entries };
}
