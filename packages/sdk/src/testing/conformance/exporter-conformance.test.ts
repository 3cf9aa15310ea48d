import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidValue } from '../../core/errors';
import { parseScheme, requireScheme } from '../../core/scheme-router';
import type { Exporter, ExportResult } from '../../export/exporter';
import { describeExporterConformance } from './exporter-conformance';

/** A real minimal exporter: writes a model's weights as JSON into a local folder. */
class JsonWeightsExporter implements Exporter {
  readonly format = 'json-weights';
  readonly schemes = ['file://'];

  async export(model: unknown, destination: string): Promise<ExportResult> {
    requireScheme(destination, this.schemes, `exporter "${this.format}"`);
    const weights = (model as { weights?: unknown } | null)?.weights;
    if (!Array.isArray(weights)) throw invalidValue('model', model, 'an object with a `weights` array');
    const dir = parseScheme(destination) ? fileURLToPath(destination) : path.resolve(destination);
    mkdirSync(dir, { recursive: true });
    const body = JSON.stringify({ format: this.format, weights });
    writeFileSync(path.join(dir, 'weights.json'), body);
    return { format: this.format, path: dir, files: ['weights.json'], bytes: Buffer.byteLength(body) };
  }
}

describe('exporter conformance (in-test json-weights)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tfscale-exporter-conformance-'));
  let n = 0;
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describeExporterConformance('json-weights (in-test)', () => () => new JsonWeightsExporter(), {
    makeModel: () => ({ weights: [0.5, -1, 2] }),
    makeDestination: () => path.join(tmp, `export-${n++}`),
  });
  describeExporterConformance('json-weights, declarations only (in-test)', () => () => new JsonWeightsExporter());
});
