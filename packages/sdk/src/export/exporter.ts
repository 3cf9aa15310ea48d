/**
 * The exporter plugin point: what a trained model becomes (tfjs layers, SavedModel, ONNX, …) and
 * where it is written, addressed by URL (`file://`, `gs://`, …; plain paths are `file://`).
 */
import type { FactoryContext } from '../core/factory-context';
import { createToken } from '../core/tokens';

/**
 * Options of one export; exporters define their own extra keys.
 *
 * @example
 * ```ts
 * await exporter.export(model, 'models/mnist/1', { overwrite: true, quantize: 'float16' });
 * ```
 */
export interface ExportOptions {
  /** Replace an existing export at the destination instead of failing. */
  readonly overwrite?: boolean;
  readonly signal?: AbortSignal;
  readonly [option: string]: unknown;
}

/**
 * What an export wrote.
 *
 * @example
 * ```ts
 * const result: ExportResult = { format: 'tfjs', path: '/abs/models/mnist', files: ['model.json', 'group1-shard1of1.bin'], bytes: 814_000 };
 * ```
 */
export interface ExportResult {
  readonly format: string;
  /** The destination, as an absolute path (file://) or a URL. */
  readonly path: string;
  /** Files written, relative to `path`. */
  readonly files: readonly string[];
  /** Total bytes written. */
  readonly bytes: number;
}

/**
 * Writes a model in one format. Must reject an unsupported destination scheme with
 * `TFSCALE_E_SCHEME_UNSUPPORTED` (use `requireScheme`) before doing any work.
 *
 * @example
 * ```ts
 * const exporter = await exporters.get('tfjs')({}, ctx);
 * const { files } = await exporter.export(model, 'file:///tmp/mnist');
 * ```
 */
export interface Exporter {
  /** Registry name of the format: 'tfjs', 'savedmodel', 'onnx', … */
  readonly format: string;
  /** Destination schemes it can write, e.g. `['file://']`. */
  readonly schemes: readonly string[];
  /** Extensions of a single-file format, e.g. `['.onnx']`. */
  readonly fileExtensions?: readonly string[];
  /**
   * @param model - a tfjs `LayersModel` for the built-in exporters; `unknown` so this contract
   *   does not load tfjs. Exporters check what they accept and throw `invalidValue` otherwise.
   */
  export(model: unknown, destination: string, options?: ExportOptions): Promise<ExportResult>;
}

/**
 * What the exporter registry holds.
 *
 * @example
 * ```ts
 * exporters.register('json-weights', () => new JsonWeightsExporter());
 * ```
 */
export type ExporterFactory = (
  options: Readonly<Record<string, unknown>>,
  ctx: FactoryContext,
) => Exporter | Promise<Exporter>;

/**
 * The run's chosen exporter.
 *
 * @example
 * ```ts
 * run.registerInstance(ExporterToken, exporter);
 * ```
 */
export const ExporterToken = createToken<Exporter>('Exporter');
