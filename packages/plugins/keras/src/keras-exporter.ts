/**
 * The `keras` exporter and `saveKerasModel`: a tfjs LayersModel as a Keras 3 `.keras` archive
 * that `keras.saving.load_model` loads.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import {
  asLayersModel,
  type Exporter,
  type ExportOptions,
  type ExportResult,
  filePath,
  invalidValue,
  requireScheme,
  writeDirAtomic,
  writeFileAtomic,
} from '@tfscale/sdk';
import { FORMAT } from './errors';
import { kerasArchive } from './keras-archive';
import { tfjsToKeras } from './model-to-keras';

/**
 * The archive's name inside an export folder.
 *
 * @example
 * ```ts
 * path.join('models/digits/keras/1', KERAS_FILE); // …/model.keras
 * ```
 */
export const KERAS_FILE = 'model.keras';
const PLUGIN = '@tfscale/plugin-keras';

/**
 * Options of {@link saveKerasModel}.
 *
 * @example
 * ```ts
 * await saveKerasModel(model, 'out/model.keras', { overwrite: true });
 * ```
 */
export interface SaveKerasOptions {
  /** Replace an existing file. */
  readonly overwrite?: boolean;
}

/**
 * Writes `model` as one `.keras` file (atomically). The model is translated before anything is
 * written, so an unsupported layer (`TFSCALE_E_EXPORT_UNSUPPORTED_LAYER`) leaves no file.
 *
 * @example
 * ```ts
 * const { bytes } = await saveKerasModel(model, 'models/digits.keras');
 * ```
 */
export async function saveKerasModel(
  model: LayersModel,
  file: string,
  options: SaveKerasOptions = {},
): Promise<{ file: string; bytes: number }> {
  const target = path.resolve(filePath(file));
  const bytes = await kerasArchive(tfjsToKeras(model));
  if (!options.overwrite && (await exists(target))) {
    throw invalidValue('file', file, 'a file that does not exist yet', 'pass { overwrite: true }');
  }
  await writeFileAtomic(target, bytes);
  return { file: target, bytes: bytes.length };
}

/**
 * Exporter `keras`: a destination ending in `.keras` is the file itself; any other destination
 * is a folder (e.g. `<base>/keras/<version>` from `exportModel`) that receives `model.keras`.
 *
 * @example
 * ```ts
 * registry.register('keras', () => new KerasExporter());
 * await new KerasExporter().export(model, 'models/digits/keras/1'); // models/digits/keras/1/model.keras
 * ```
 */
export class KerasExporter implements Exporter {
  readonly format = FORMAT;
  readonly schemes = ['file://'] as const;
  readonly fileExtensions = ['.keras'] as const;

  async export(model: unknown, destination: string, options: ExportOptions = {}): Promise<ExportResult> {
    requireScheme(destination, this.schemes, `exporter "${FORMAT}"`, PLUGIN);
    const layers = asLayersModel(model, FORMAT);
    const target = path.resolve(filePath(destination));
    if (target.endsWith('.keras')) {
      const { bytes } = await saveKerasModel(layers, target, { overwrite: options.overwrite === true });
      return { format: this.format, path: path.dirname(target), files: [path.basename(target)], bytes };
    }
    const bytes = await kerasArchive(tfjsToKeras(layers));
    if (!options.overwrite && (await exists(target))) {
      throw invalidValue(
        'destination',
        destination,
        'a folder that does not exist yet',
        'pass { overwrite: true } or choose a new version',
      );
    }
    await writeDirAtomic(target, (tmp) => fs.writeFile(path.join(tmp, KERAS_FILE), bytes));
    return { format: this.format, path: target, files: [KERAS_FILE], bytes: bytes.length };
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
