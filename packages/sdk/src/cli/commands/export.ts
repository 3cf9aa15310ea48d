import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '../../backend/select-backend';
import { invalidValue } from '../../core/errors';
import { BackendRegistryToken } from '../../core/tokens';
import { exportModel } from '../../export/export-model';
import { tfjsFolder } from '../../io/tfjs-file-handler';
import { createSdkContainerWithPlugins } from '../../sdk-container';
import { loaderFor, modelLoaderRegistry } from '../../training/model-loader';

interface ExportFlags {
  format: string;
  out?: string;
  version?: string;
  overwrite?: boolean;
  backend?: string;
  option?: string[];
  quantize?: string;
}

/** `--option tflite.quantize=dynamic-int8` and `--quantize` as per-format exporter options. */
function exporterOptions(flags: ExportFlags): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const pairs = [...(flags.option ?? [])];
  if (flags.quantize !== undefined) pairs.push(`tflite.quantize=${flags.quantize}`);
  for (const pair of pairs) {
    const m = /^([a-z0-9_-]+)\.([A-Za-z0-9_]+)=(.*)$/s.exec(pair);
    if (!m) throw invalidValue('option', pair, 'format.key=value, e.g. tflite.quantize=dynamic-int8');
    const [, format, key, raw] = m as unknown as [string, string, string, string];
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare string
    }
    out[format] = { ...out[format], [key]: value };
  }
  return out;
}

/** When the path does not exist, say so and show what its folder holds (usually ckpt-NN names). */
function missingHint(file: string): string | undefined {
  if (fs.existsSync(file)) return undefined;
  const parent = path.dirname(file);
  const entries = fs.existsSync(parent) ? fs.readdirSync(parent).sort() : [];
  return `${file} does not exist${entries.length ? `; ${parent} holds: ${entries.slice(-5).join(', ')}` : ''}`;
}

/**
 * `tfscale export <model>`: a TF.js model folder (a checkpoint, or `model.json`) to SavedModel,
 * TF.js and the formats plugins add, under TF Serving's `<base>/<version>` layout.
 * @example
 *   registerExportCommand(program); // tfscale export runs/x/checkpoints/ckpt-10 --format savedmodel,tfjs --out models/x
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export <model>')
    .description('export a trained model (a checkpoint or model.json folder) as savedmodel, tfjs, or a plugin format')
    .option('--format <list>', 'comma-separated formats', 'savedmodel')
    .option('--out <dir>', 'model base folder; versions go in <out>/<version> (default: models/<model folder name>)')
    .option('--version <n>', 'version number (default: the next free one)')
    .option('--overwrite', 'replace an existing version')
    .option('--backend <name>', 'auto, native, wasm or cpu')
    .option(
      '--option <format.key=value>',
      'an exporter option, e.g. tflite.quantize=dynamic-int8 (repeatable; values parse as JSON when they can)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--quantize <mode>', 'TFLite post-training quantization: dynamic-int8 (same as --option tflite.quantize=…)')
    .action(async (model: string, flags: ExportFlags) => {
      const container = await createSdkContainerWithPlugins();
      const file = path.resolve(model.replace(/^file:\/\//, ''));
      const loader = loaderFor(
        modelLoaderRegistry(container)
          .list()
          .map((e) => e.value),
        file,
      );
      const dir = file.replace(/[/\\]model\.json$/, '');
      if (loader ? !fs.existsSync(file) : !fs.existsSync(path.join(dir, 'model.json'))) {
        throw invalidValue(
          'model',
          model,
          'a folder holding a TF.js model.json (e.g. a ModelCheckpoint folder), or a file a model loader reads (.keras, .h5)',
          missingHint(file),
        );
      }
      let version: number | undefined;
      if (flags.version !== undefined) {
        version = Number(flags.version);
        if (!Number.isInteger(version) || version < 1)
          throw invalidValue('version', flags.version, 'a positive integer');
      }
      const { tf } = await selectBackend(container.resolve(BackendRegistryToken), flags.backend);
      const layers = loader ? await loader.load(file) : await tf.loadLayersModel(tfjsFolder(dir));
      const base = path.resolve(flags.out ?? path.join('models', path.basename(dir).replace(/\.[^.]+$/, '')));
      const { version: v, results } = await exportModel(container, layers, {
        formats: flags.format.split(','),
        base,
        version,
        overwrite: flags.overwrite,
        exporterOptions: exporterOptions(flags),
      });
      for (const r of results)
        console.log(
          `${r.format.padEnd(11)} ${r.path}  (${r.files.length} file${r.files.length === 1 ? '' : 's'}, ${(r.bytes / 1024).toFixed(1)} KiB)`,
        );
      console.log(
        `version ${v} of ${base}${results.some((r) => r.format === 'savedmodel') ? `  (serve: tfscale serve --model_name ${path.basename(base)} --model_base_path ${base})` : ''}`,
      );
    });
}
