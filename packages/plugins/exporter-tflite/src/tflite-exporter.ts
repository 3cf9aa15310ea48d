/**
 * The `tflite` exporter: {@link convertToTflite} behind the exporter contract. A destination
 * folder (the `<base>/tflite/<version>` of versioned exports) receives `model.tflite`; a
 * destination ending in `.tflite` is written as that single file.
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
import { convertToTflite, resolveConvertOptions, type TfliteConvertOptions } from './convert';

/** File name inside a destination folder. */
export const TFLITE_FILE = 'model.tflite';

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/**
 * Writes TFLite flatbuffers; `file://` destinations only. Options (factory defaults, overridden
 * per export): `quantize: 'none' | 'dynamic-int8'`, `quantizeMinElements`.
 *
 * @example
 * ```ts
 * const exporter = new TfliteExporter({ quantize: 'dynamic-int8' });
 * await exporter.export(model, 'models/digits/tflite/1'); // models/digits/tflite/1/model.tflite
 * ```
 */
export class TfliteExporter implements Exporter {
  readonly format = 'tflite';
  readonly schemes = ['file://'] as const;
  readonly fileExtensions = ['.tflite'] as const;
  private readonly defaults: Required<TfliteConvertOptions>;

  constructor(options: Readonly<Record<string, unknown>> = {}) {
    this.defaults = resolveConvertOptions(options);
  }

  async export(model: unknown, destination: string, options: ExportOptions = {}): Promise<ExportResult> {
    requireScheme(destination, this.schemes, 'exporter "tflite"');
    const layers = asLayersModel(model, this.format);
    const convert = resolveConvertOptions({ ...this.defaults, ...pick(options) });
    const target = path.resolve(filePath(destination));
    const single = target.toLowerCase().endsWith('.tflite');
    if (!options.overwrite && (await exists(target))) {
      throw invalidValue(
        'destination',
        destination,
        single ? 'a file that does not exist yet' : 'a folder that does not exist yet',
        'pass { overwrite: true } or choose a new version',
      );
    }
    // Converted before anything is written, so an unsupported layer leaves no trace.
    const { bytes } = convertToTflite(layers, convert);
    if (single) {
      await writeFileAtomic(target, bytes);
      return { format: this.format, path: path.dirname(target), files: [path.basename(target)], bytes: bytes.length };
    }
    await writeDirAtomic(target, (tmp) => fs.writeFile(path.join(tmp, TFLITE_FILE), bytes));
    return { format: this.format, path: target, files: [TFLITE_FILE], bytes: bytes.length };
  }
}

function pick(options: ExportOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options.quantize !== undefined) out.quantize = options.quantize;
  if (options.quantizeMinElements !== undefined) out.quantizeMinElements = options.quantizeMinElements;
  return out;
}
