import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { invalidValue } from '../core/errors';
import { requireScheme } from '../core/scheme-router';
import { writeDirAtomic } from '../io/atomic-dir';
import { filePath, tfjsFolder } from '../io/tfjs-file-handler';
import type { Exporter, ExportOptions, ExportResult } from './exporter';

/**
 * Checks that `model` is a tfjs LayersModel (what every built-in exporter takes).
 * @example
 *   const model = asLayersModel(value, 'tfjs');
 */
export function asLayersModel(model: unknown, format: string): LayersModel {
  const m = model as Partial<LayersModel> | null;
  if (!m || typeof m !== 'object' || typeof m.save !== 'function' || !Array.isArray(m.layers)) {
    throw invalidValue('model', model, `a tfjs LayersModel for the ${format} exporter`);
  }
  return m as LayersModel;
}

/**
 * Files under `dir` (relative) and their total size, for an {@link ExportResult}.
 * @example
 *   const { files, bytes } = await listFiles('models/digits/1');
 */
export async function listFiles(dir: string): Promise<{ files: string[]; bytes: number }> {
  const files: string[] = [];
  let bytes = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) await walk(child);
      else {
        files.push(child);
        bytes += (await fs.stat(path.join(dir, child))).size;
      }
    }
  };
  await walk('');
  return { files: files.sort(), bytes };
}

/**
 * The TF.js Layers format (`model.json` + weight shards), loadable by `tf.loadLayersModel` in
 * Node and in browsers; written in pure JavaScript, so it needs no native addon.
 * @example
 *   await new TfjsExporter().export(model, 'file://models/digits/tfjs/1');
 */
export class TfjsExporter implements Exporter {
  readonly format = 'tfjs';
  readonly schemes = ['file://'] as const;
  readonly fileExtensions = ['.json', '.bin'] as const;

  async export(model: unknown, destination: string, options: ExportOptions = {}): Promise<ExportResult> {
    requireScheme(destination, this.schemes, 'exporter "tfjs"');
    const layers = asLayersModel(model, this.format);
    const dir = path.resolve(filePath(destination));
    if (!options.overwrite && (await exists(dir))) {
      throw invalidValue(
        'destination',
        destination,
        'a folder that does not exist yet',
        'pass { overwrite: true } or choose a new version',
      );
    }
    await writeDirAtomic(dir, async (tmp) => {
      await layers.save(tfjsFolder(tmp));
    });
    return { format: this.format, path: dir, ...(await listFiles(dir)) };
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
