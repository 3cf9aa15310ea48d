/**
 * The `onnx` exporter: {@link modelToOnnx} behind the exporter contract. A destination folder
 * gets `model.onnx` (the layout `tfscale export` uses, `<base>/onnx/<version>/model.onnx`); a
 * destination ending in `.onnx` is written as that one file.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
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
import { modelToOnnx } from './model-to-onnx';

/**
 * The file name the exporter writes into a version folder and the runtime loads.
 *
 * @example
 * ```ts
 * path.join('models/digits/onnx/3', ONNX_MODEL_FILE); // 'models/digits/onnx/3/model.onnx'
 * ```
 */
export const ONNX_MODEL_FILE = 'model.onnx';

/**
 * Writes a tfjs LayersModel as ONNX (opset 17); `file://` destinations only. Nothing is written
 * when the model has a layer ONNX export does not support.
 *
 * @example
 * ```ts
 * await new OnnxExporter().export(model, 'models/digits/onnx/1'); // .../1/model.onnx
 * await new OnnxExporter().export(model, 'out/digits.onnx');
 * ```
 */
export class OnnxExporter implements Exporter {
  readonly format = 'onnx';
  readonly schemes = ['file://'] as const;
  readonly fileExtensions = ['.onnx'] as const;

  async export(model: unknown, destination: string, options: ExportOptions = {}): Promise<ExportResult> {
    requireScheme(destination, this.schemes, 'exporter "onnx"');
    const layers = asLayersModel(model, this.format);
    const target = path.resolve(filePath(destination));
    const single = target.toLowerCase().endsWith('.onnx');
    if (!options.overwrite && (await exists(target))) {
      throw invalidValue(
        'destination',
        destination,
        single ? 'a file that does not exist yet' : 'a folder that does not exist yet',
        'pass { overwrite: true } or choose a new version',
      );
    }
    options.signal?.throwIfAborted();
    const { bytes } = modelToOnnx(layers);
    if (single) {
      await writeFileAtomic(target, bytes);
      return { format: this.format, path: path.dirname(target), files: [path.basename(target)], bytes: bytes.length };
    }
    await writeDirAtomic(target, (tmp) => fs.writeFile(path.join(tmp, ONNX_MODEL_FILE), bytes));
    return { format: this.format, path: target, files: [ONNX_MODEL_FILE], bytes: bytes.length };
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
