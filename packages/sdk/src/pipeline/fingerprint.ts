/**
 * Fingerprints for caching: a folder's files (relative paths + contents) and JSON parameters in
 * canonical form (sorted keys), both as SHA-256 hex.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * JSON with object keys sorted at every level, so equal values fingerprint equally.
 * Functions and class instances are named by their source text / constructor, not serialized.
 * @example
 *   canonicalJson({ b: 1, a: [2] }); // '{"a":[2],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (typeof value === 'function') return `function:${value.toString()}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && !(value instanceof Date)) {
      return `instance:${proto?.constructor?.name ?? 'object'}`;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * SHA-256 hex of strings joined by NUL.
 * @example
 *   sha256('a', 'b');
 */
export function sha256(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/**
 * SHA-256 hex over every file under `root` (sorted relative paths and contents), streaming;
 * a single file fingerprints by its contents. A missing path fingerprints as 'missing'.
 * @example
 *   await fingerprintPath('pipeline_root/ExampleGen/examples/1');
 */
export async function fingerprintPath(root: string): Promise<string> {
  const stat = await fs.promises.stat(root).catch(() => undefined);
  if (!stat) return 'missing';
  const files = stat.isDirectory() ? (await listFiles(root)).sort() : [''];
  const h = createHash('sha256');
  for (const rel of files) {
    h.update(rel).update('\0');
    const stream = fs.createReadStream(rel ? path.join(root, rel) : root);
    for await (const chunk of stream) h.update(chunk as Buffer);
    h.update('\0');
  }
  return h.digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}
