import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { invalidValue, isTfscaleError } from '../../core/errors';
import { readTfRecordStream } from '../../formats/tfrecord';
import { fileError } from './data-errors';

/**
 * Compression of TFRecord files, as `tf.data.TFRecordDataset`'s `compression_type`: none (`''`),
 * gzip or zlib (deflate with a zlib header, TensorFlow's default window).
 * @example
 *   const compression: TfRecordCompression = 'GZIP';
 */
export type TfRecordCompression = '' | 'GZIP' | 'ZLIB';

const WILDCARD = /[*?[]/;

/** A basename pattern (`*`, `?`, `[abc]`, `[!a-z]`) as a regular expression, as fnmatch reads it. */
function patternToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) out += '\\[';
      else {
        let set = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        out += `[${set}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * The files a TFRecord source names, in order: each entry a path, or a pattern whose last part
 * has wildcards (`data/train-*.tfrecord`, as `tf.io.gfile.glob`), expanded to its matches sorted
 * by name. A file listed twice is read twice, as TFRecordDataset would.
 *
 * @example
 * ```ts
 * expandTfRecordFiles(['/data/train-*-of-00004.tfrecord']); // the four shards, in order
 * ```
 */
export function expandTfRecordFiles(entries: string[]): string[] {
  const files: string[] = [];
  for (const entry of entries) {
    const dir = path.dirname(entry);
    const base = path.basename(entry);
    if (!WILDCARD.test(base)) {
      files.push(entry);
      continue;
    }
    if (WILDCARD.test(dir)) {
      throw invalidValue('tfrecord', entry, 'a path with wildcards in its file name only (data/train-*.tfrecord)');
    }
    const re = patternToRegExp(base);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch (err) {
      throw fileError(entry, `its folder cannot be listed (${(err as NodeJS.ErrnoException).code ?? err})`, err);
    }
    const matches = names.filter((name) => re.test(name)).sort();
    if (matches.length === 0) throw fileError(entry, 'no file matches the pattern');
    files.push(...matches.map((name) => path.join(dir, name)));
  }
  return files;
}

/**
 * Streams the raw records of one TFRecord file, decompressing on the fly; errors name the file
 * (CRC mismatch, truncation, a bad compressed stream, a missing file).
 *
 * @example
 * ```ts
 * for await (const record of tfRecordsOf('train.tfrecord.gz', 'GZIP')) count++;
 * ```
 */
export async function* tfRecordsOf(file: string, compression: TfRecordCompression): AsyncGenerator<Buffer> {
  const input = fs.createReadStream(file, { highWaterMark: 1 << 16 });
  const inflater = compression === 'GZIP' ? zlib.createGunzip() : compression === 'ZLIB' ? zlib.createInflate() : null;
  const chunks: AsyncIterable<Uint8Array> = inflater ? input.pipe(inflater) : input;
  if (inflater) input.on('error', (err) => inflater.destroy(err));
  try {
    yield* readTfRecordStream(chunks, { source: file });
  } catch (err) {
    if (isTfscaleError(err)) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw fileError(file, 'the file does not exist', err);
    if (inflater && typeof e.code === 'string' && e.code.startsWith('Z_')) {
      const kind = compression === 'GZIP' ? 'gzip' : 'zlib';
      throw fileError(file, `it is not valid ${kind} data (${e.message})`, err, hintFor(compression));
    }
    throw fileError(file, e.message, err);
  } finally {
    input.destroy();
    inflater?.destroy();
  }
}

function hintFor(compression: TfRecordCompression): string {
  return `Is the file really ${compression}-compressed? Set compressionType to what it was written with ('' for none).`;
}

/**
 * Total size on disk of `files`; compressed files count 4× (a rough inflation estimate) since
 * the size decides whether the decoded samples are kept in memory.
 * @example
 *   await tfRecordBytes(['a.tfrecord'], '');
 */
export async function tfRecordBytes(files: string[], compression: TfRecordCompression): Promise<number> {
  let total = 0;
  for (const file of files) {
    const size = await fs.promises.stat(file).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => {
        throw fileError(file, err.code === 'ENOENT' ? 'the file does not exist' : err.message, err);
      },
    );
    total += compression === '' ? size : size * 4;
  }
  return total;
}
