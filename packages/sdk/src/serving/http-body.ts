/**
 * Reads an HTTP request body under a size limit, inflating `Content-Encoding: gzip` as TF
 * Serving's evhttp server does. The limit holds for the declared length, the bytes received and
 * the inflated size (so a small gzip bomb is refused too).
 */
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';

/**
 * A body the server refuses: 413 (too large), 400 (bad gzip), 415 (unknown encoding).
 * @example
 *   throw new BodyError(413, 'Request body is over the limit of 33554432 bytes (--max-body-bytes).');
 */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

function tooLarge(limit: number, size?: number): BodyError {
  const what = size === undefined ? 'Request body is' : `Request body of ${size} bytes is`;
  return new BodyError(413, `${what} over the limit of ${limit} bytes (--max-body-bytes).`);
}

/**
 * The whole (inflated) body of `req`. On refusal the rest of the upload is drained so the
 * client can read the answer; the caller should close the connection afterwards.
 * @example
 *   const body = await readBody(req, 32 * 1024 * 1024);
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
    if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
      req.resume();
      reject(new BodyError(415, `Unsupported Content-Encoding: ${encoding} (this server accepts gzip).`));
      return;
    }
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(tooLarge(maxBytes, declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => reject(err));
    req.on('end', () => {
      if (refused) return;
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      if (encoding === 'identity') return resolve(raw);
      zlib.gunzip(raw, { maxOutputLength: maxBytes }, (err, inflated) => {
        if (!err) return resolve(inflated);
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return reject(tooLarge(maxBytes));
        reject(new BodyError(400, `Request body is not valid gzip: ${err.message}`));
      });
    });
  });
}
