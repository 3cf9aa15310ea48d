import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf } from '../backend/tf';
import { isTfscaleError } from '../core/errors';
import { tfjsFolder } from '../io/tfjs-file-handler';
import { describeExporterConformance } from '../testing';
import { canonicalModel } from '../testing/canonical';
import { TfjsExporter } from './tfjs-exporter';

describeExporterConformance('tfjs', () => () => new TfjsExporter(), {
  makeModel: () => canonicalModel(),
  makeDestination: () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tfjs-conf-')), 'out'),
});

describe('export/TfjsExporter', () => {
  it('writes a TF.js folder that tf.loadLayersModel reloads and that predicts identically', async () => {
    const tf = loadTf();
    const model = canonicalModel();
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tfjs-')), 'm', '1');
    const result = await new TfjsExporter().export(model, `file://${dir}`);
    assert.deepEqual(result.files, ['group1-shard1of1.bin', 'model.json']);
    assert.equal(
      result.bytes,
      fs.statSync(path.join(dir, 'model.json')).size + fs.statSync(path.join(dir, 'group1-shard1of1.bin')).size,
    );
    const again = await tf.loadLayersModel(tfjsFolder(dir));
    const x = tf.randomNormal([5, 8], 0, 1, 'float32', 3);
    assert.deepEqual(
      (again.predict(x) as import('@tensorflow/tfjs').Tensor).arraySync(),
      (model.predict(x) as import('@tensorflow/tfjs').Tensor).arraySync(),
    );
  });

  it('refuses to overwrite a version unless asked, and refuses other schemes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tfjs-'));
    await assert.rejects(new TfjsExporter().export(canonicalModel(), dir), /a folder that does not exist yet/);
    await new TfjsExporter().export(canonicalModel(), dir, { overwrite: true });
    await assert.rejects(new TfjsExporter().export(canonicalModel(), 'gs://bucket/m'), (e: unknown) =>
      isTfscaleError(e, 'TFSCALE_E_SCHEME_UNSUPPORTED'),
    );
  });
});
