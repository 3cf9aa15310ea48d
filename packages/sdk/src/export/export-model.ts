import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { invalidValue, TfscaleError } from '../core/errors';
import { ExporterRegistryToken, LoggerToken } from '../core/tokens';
import type { ExportResult } from './exporter';

/** Formats whose exporter ships as a first-party plugin package, for the "not installed" hint. */
const PLUGIN_PACKAGES: Record<string, string> = {
  onnx: '@tfscale/plugin-exporter-onnx',
  tflite: '@tfscale/plugin-exporter-tflite',
  keras: '@tfscale/plugin-keras',
};

/** Options of {@link exportModel}. */
export interface ExportModelOptions {
  /** Format names, e.g. ['savedmodel', 'tfjs']. */
  formats: string[];
  /** The model's base folder (TF Serving's `--model_base_path`). */
  base: string;
  /** Version number; the next free one by default. */
  version?: number;
  overwrite?: boolean;
  /** Extra options per format, given to that exporter's `export()`, e.g. `{ tflite: { quantize: 'dynamic-int8' } }`. */
  exporterOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** What {@link exportModel} wrote. */
export interface ExportModelResult {
  version: number;
  results: ExportResult[];
}

/**
 * Where a format's version goes: a SavedModel in `<base>/<version>` (the layout TF Serving
 * watches), every other format in `<base>/<format>/<version>` (TF Serving ignores non-numeric
 * folders, so they can share the base).
 * @example
 *   versionDir('models/digits', 'tfjs', 3); // 'models/digits/tfjs/3'
 */
export function versionDir(base: string, format: string, version: number): string {
  return format === 'savedmodel' ? path.join(base, String(version)) : path.join(base, format, String(version));
}

/**
 * One more than the highest version any format has under `base` (1 for a new base), so one
 * export run gives every format the same version number.
 * @example
 *   await nextVersion('models/digits'); // 4 when models/digits/3 exists
 */
export async function nextVersion(base: string): Promise<number> {
  const numeric = async (dir: string) =>
    (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n)).map(Number);
  const versions = await numeric(base);
  for (const entry of await fs.readdir(base, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory() && !/^\d+$/.test(entry.name))
      versions.push(...(await numeric(path.join(base, entry.name))));
  }
  return versions.length ? Math.max(...versions) + 1 : 1;
}

/**
 * Exports `model` in each format through the exporter registered for it.
 * @example
 *   const { version, results } = await exportModel(container, model, { formats: ['savedmodel', 'tfjs'], base: 'models/digits' });
 */
export async function exportModel(
  container: DependencyContainer,
  model: unknown,
  options: ExportModelOptions,
): Promise<ExportModelResult> {
  const registry = container.resolve(ExporterRegistryToken);
  const logger = container.resolve(LoggerToken);
  const formats = [...new Set(options.formats.map((f) => f.trim().toLowerCase()).filter(Boolean))];
  for (const format of Object.keys(options.exporterOptions ?? {})) {
    if (!formats.includes(format))
      throw invalidValue('exporter options', format, `one of the formats being exported (${formats.join(', ')})`);
  }
  for (const format of formats) {
    if (!registry.has(format) && PLUGIN_PACKAGES[format]) {
      throw new TfscaleError('TFSCALE_E_REGISTRY_UNKNOWN', `The ${format} exporter is not installed.`, {
        hint: `npm install ${PLUGIN_PACKAGES[format]} (tfscale finds installed plugins by itself)`,
      });
    }
  }
  const exporters = await Promise.all(formats.map(async (f) => registry.get(f)({}, { container, logger })));
  const version = options.version ?? (await nextVersion(options.base));
  const results: ExportResult[] = [];
  for (const exporter of exporters) {
    results.push(
      await exporter.export(model, versionDir(options.base, exporter.format, version), {
        ...options.exporterOptions?.[exporter.format],
        overwrite: options.overwrite,
      }),
    );
  }
  return { version, results };
}
