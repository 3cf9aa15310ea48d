import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalModel } from '../../testing/canonical';
import { describeExporterConformance } from '../../testing/conformance/exporter-conformance';
import { SavedModelExporter } from './savedmodel-exporter';

describe('SavedModelExporter', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-savedmodel-exporter-'));
  let n = 0;
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describeExporterConformance('savedmodel', () => () => new SavedModelExporter(), {
    makeModel: () => canonicalModel(),
    makeDestination: () => `file://${path.join(tmp, String(++n))}`,
  });
});
