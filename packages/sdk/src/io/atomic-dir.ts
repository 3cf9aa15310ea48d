import * as fs from 'node:fs/promises';
import * as path from 'node:path';

let counter = 0;

/**
 * Writes a directory atomically: `write` fills a hidden temporary sibling, which is then
 * renamed onto `dir` (an existing `dir` is moved aside first and removed after). A crash at any
 * point leaves either the old or the new directory complete, plus at most a `.tmp-*` leftover.
 * @example
 *   await writeDirAtomic('ckpt/epoch-3', async (tmp) => fs.writeFile(path.join(tmp, 'a.json'), '{}'));
 */
export async function writeDirAtomic(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await fs.mkdir(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}-${counter++}`;
  const tmp = path.join(parent, `.tmp-${path.basename(dir)}-${stamp}`);
  await fs.mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const old = path.join(parent, `.old-${path.basename(dir)}-${stamp}`);
  const hadOld = await fs.rename(dir, old).then(
    () => true,
    () => false,
  );
  await fs.rename(tmp, dir);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/**
 * Writes a file atomically (temporary sibling + rename).
 * @example
 *   await writeFileAtomic('backup/checkpoint', 'ckpt-12\n');
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${counter++}`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}
