/**
 * `loadKerasModel`: a Keras model file (`.keras` archive, or legacy `.h5` from `model.save`) as a
 * tfjs LayersModel with its weights, ready to predict, compile and fine-tune.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { filePath, loadTf, type Tf } from '@tfscale/sdk';
import { badFile } from './errors';
import { fuseActivationOps } from './fuse-ops';
import { attrString, getGroup, withH5Bytes, withH5File } from './h5';
import { readKerasArchive } from './keras-archive';
import { saveables } from './keras-graph';
import { kerasToTfjs } from './keras-to-model';
import { loadKeras3Weights, loadLegacyWeights } from './load-weights';
import { parseModel } from './parse-keras';

/**
 * Options of {@link loadKerasModel}.
 *
 * @example
 * ```ts
 * const options: LoadKerasOptions = { tf: await import('@tensorflow/tfjs') };
 * ```
 */
export interface LoadKerasOptions {
  /** The tfjs namespace to build with; the SDK's by default. */
  readonly tf?: Tf;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Loads a Keras model: the format is recognized by content (zip → `.keras`, HDF5 → legacy `.h5`
 * with a `model_config` attribute and a `model_weights` group). Layers and options tfjs cannot
 * reproduce fail with `TFSCALE_E_IMPORT_UNSUPPORTED_LAYER`; a file that is not a Keras model
 * with `TFSCALE_E_INVALID_VALUE`. The compile config (optimizer, loss) is not restored:
 * compile the model in tfjs to fine-tune it.
 *
 * @example
 * ```ts
 * const model = await loadKerasModel('models/classifier.keras');
 * model.predict(tf.zeros([1, 28, 28, 1]));
 * ```
 */
export async function loadKerasModel(file: string, options: LoadKerasOptions = {}): Promise<LayersModel> {
  const target = path.resolve(filePath(file));
  const bytes = await fs.readFile(target).catch((err: NodeJS.ErrnoException) => {
    throw badFile(file, err.code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${err.code})`);
  });
  const tf = options.tf ?? loadTf();
  const starts = (magic: number[]) => magic.every((b, i) => bytes[i] === b);
  if (starts(ZIP_MAGIC)) {
    const archive = readKerasArchive(bytes, file);
    const source = { file, kerasMajor: archive.kerasMajor };
    const parsed = parseModel(archive.config, source);
    const slots = saveables(parsed); // before fusing: Keras counts ops when it orders layers
    fuseActivationOps(parsed);
    const built = kerasToTfjs(tf, parsed, source);
    await withH5Bytes(archive.weights, (f) => loadKeras3Weights(tf, f, slots, built.layers, file));
    return built.model;
  }
  if (starts(HDF5_MAGIC)) {
    return withH5File(target, (f) => {
      const config = attrString(f, 'model_config');
      if (config === undefined) {
        throw badFile(file, 'the HDF5 file has no model_config attribute (a weights-only file from save_weights?)');
      }
      const version = attrString(f, 'keras_version') ?? attrString(getGroup(f, 'model_weights') ?? f, 'keras_version');
      const source = { file, kerasMajor: Number.parseInt(version ?? '2', 10) || 2 };
      let json: unknown;
      try {
        json = JSON.parse(config);
      } catch {
        throw badFile(file, 'model_config is not valid JSON');
      }
      const parsed = parseModel(json, source);
      fuseActivationOps(parsed);
      const built = kerasToTfjs(tf, parsed, source);
      const weights = getGroup(f, 'model_weights');
      if (!weights) throw badFile(file, 'the HDF5 file has no model_weights group');
      loadLegacyWeights(tf, weights, parsed, built.layers, file);
      return built.model;
    });
  }
  throw badFile(file, 'it is neither a zip (.keras) nor an HDF5 (.h5) file');
}
