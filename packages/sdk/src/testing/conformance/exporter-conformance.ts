/**
 * Conformance suite for the exporter plugin point.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeScheme, parseScheme } from '../../core/scheme-router';
import type { Exporter, ExporterFactory } from '../../export/exporter';
import { conformanceContext, expectCodedError } from './helpers';

/**
 * Options for {@link describeExporterConformance}. Give `makeModel` and `makeDestination` to
 * check a real export; without them only the declarations and refusals are checked.
 *
 * @example
 * ```ts
 * const options: ExporterConformanceOptions = {
 *   makeModel: () => tinyModel(),
 *   makeDestination: () => fs.mkdtempSync(path.join(os.tmpdir(), 'export-')),
 * };
 * ```
 */
export interface ExporterConformanceOptions {
  /** Options passed to the factory. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly makeModel?: () => unknown | Promise<unknown>;
  /** A fresh destination per call (a path or URL the exporter supports). */
  readonly makeDestination?: () => string | Promise<string>;
}

/**
 * Defines mocha tests for an exporter: declared format/schemes/extensions, refusal of an
 * unsupported destination scheme with `TFSCALE_E_SCHEME_UNSUPPORTED`, and the shape of an
 * `ExportResult` (for local destinations: listed files exist and their sizes add up to `bytes`).
 *
 * @example
 * ```ts
 * describeExporterConformance('tfjs', () => tfjsExporterFactory, { makeModel, makeDestination });
 * ```
 */
export function describeExporterConformance(
  name: string,
  makeFactory: () => ExporterFactory | Promise<ExporterFactory>,
  options: ExporterConformanceOptions = {},
): void {
  const create = async (): Promise<Exporter> => (await makeFactory())(options.options ?? {}, conformanceContext());

  describe(`Exporter conformance: ${name}`, () => {
    it('declares a format, the schemes it writes and its file extensions', async () => {
      const exporter = await create();
      assert.equal(typeof exporter.format, 'string');
      assert.notEqual(exporter.format, '');
      assert.ok(Array.isArray(exporter.schemes) && exporter.schemes.length > 0, 'schemes must be a non-empty array');
      for (const scheme of exporter.schemes) normalizeScheme(scheme);
      for (const ext of exporter.fileExtensions ?? []) assert.match(ext, /^\.[\w.-]+$/);
    });

    it('rejects a destination with an unsupported scheme with TFSCALE_E_SCHEME_UNSUPPORTED', async () => {
      const exporter = await create();
      const model = options.makeModel ? await options.makeModel() : {};
      await expectCodedError(
        () => exporter.export(model, 'tfscale-conformance-unsupported://bucket/model'),
        'TFSCALE_E_SCHEME_UNSUPPORTED',
      );
    });

    it('returns a well-formed ExportResult', async function () {
      if (!options.makeModel || !options.makeDestination) return this.skip();
      const exporter = await create();
      const destination = await options.makeDestination();
      const result = await exporter.export(await options.makeModel(), destination);
      assert.equal(result.format, exporter.format);
      assert.equal(typeof result.path, 'string');
      assert.notEqual(result.path, '');
      assert.ok(Array.isArray(result.files) && result.files.length > 0, 'files must list what was written');
      assert.ok(Number.isSafeInteger(result.bytes) && result.bytes >= 0, `bytes=${result.bytes}`);
      const scheme = parseScheme(result.path);
      if (scheme === undefined || scheme === 'file://') {
        const root = scheme ? fileURLToPath(result.path) : result.path;
        assert.ok(path.isAbsolute(root), `path must be absolute, got ${result.path}`);
        let total = 0;
        for (const file of result.files) {
          assert.ok(!path.isAbsolute(file), `files are relative to path, got ${file}`);
          total += statSync(path.join(root, file)).size;
        }
        assert.equal(result.bytes, total, 'bytes must equal the sizes of the listed files');
      }
    });
  });
}
