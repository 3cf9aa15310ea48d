import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf } from '@tfscale/sdk';
import { canonicalModel, describeExporterConformance, expectCodedError } from '@tfscale/sdk/testing';
import { unzipSync } from 'fflate';
import { KerasExporter, saveKerasModel } from './keras-exporter';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-export-'));

describeExporterConformance('keras', () => () => new KerasExporter(), {
  makeModel: () => canonicalModel(),
  makeDestination: () => path.join(tmp(), 'keras', '1'),
});

describe('plugin-keras/KerasExporter', () => {
  it('writes a zip of metadata.json, config.json and model.weights.h5 (an HDF5 file)', async () => {
    const dir = tmp();
    const result = await new KerasExporter().export(canonicalModel(), path.join(dir, 'digits.keras'));
    assert.equal(result.path, dir);
    assert.deepEqual(result.files, ['digits.keras']);
    const entries = unzipSync(fs.readFileSync(path.join(dir, 'digits.keras')));
    assert.deepEqual(Object.keys(entries).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
    const hdf5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    assert.deepEqual([...entries['model.weights.h5']!.subarray(0, 8)], hdf5);
    const config = JSON.parse(Buffer.from(entries['config.json']!).toString('utf8'));
    assert.equal(config.class_name, 'Sequential');
  });

  it('refuses an existing destination unless overwrite is set', async () => {
    const dir = path.join(tmp(), 'v1');
    const exporter = new KerasExporter();
    await exporter.export(canonicalModel(), dir);
    await expectCodedError(() => exporter.export(canonicalModel(), dir), 'TFSCALE_E_INVALID_VALUE');
    await exporter.export(canonicalModel(), dir, { overwrite: true });
    await expectCodedError(() => exporter.export({ layers: 'no' }, path.join(dir, 'x')), 'TFSCALE_E_INVALID_VALUE');
  });

  it('an unsupported layer is a coded error naming layer, class and format, and writes nothing', async () => {
    const tf = loadTf();
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ inputShape: [8, 2], filters: 2, kernelSize: 3, name: 'c1' })],
    });
    const file = path.join(tmp(), 'm.keras');
    const err = await expectCodedError(() => saveKerasModel(model, file), 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER');
    assert.match(err.message, /layer `c1` \(Conv1D\) to keras: layer class Conv1D is not supported/);
    assert.equal(fs.existsSync(file), false);
  });

  it('an unsupported option is a coded error naming the layer and the option', async () => {
    const tf = loadTf();
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 1, kernelSize: 2, padding: 'causal', name: 'c' })],
    });
    const err = await expectCodedError(
      () => saveKerasModel(model, path.join(tmp(), 'm.keras')),
      'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
    );
    assert.match(
      err.message,
      /layer `c` \(Conv2D\) to keras: unsupported value for `padding`. Received: padding="causal"/,
    );
  });
});
