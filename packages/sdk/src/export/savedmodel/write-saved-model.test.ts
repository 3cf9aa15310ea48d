import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isTfscaleError } from '../../core/errors';
import { readTensorBundle } from '../../formats/tensor-bundle/bundle-reader';
import { loadSavedModel } from '../load-saved-model';
import { decodeSavedModel } from './saved-model-proto';
import { writeSavedModel } from './write-saved-model';

function smallCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv',
        inputShape: [6, 6, 2],
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ name: 'out', units: 2, activation: 'softmax' }),
    ],
  });
}

describe('writeSavedModel', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-write-savedmodel-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes saved_model.pb and a variables bundle holding every weight under its variable name', async () => {
    const model = smallCnn();
    const dir = path.join(tmp, '1');
    const written = await writeSavedModel(model, dir);
    assert.deepEqual(written.files, [
      'saved_model.pb',
      'variables/variables.data-00000-of-00001',
      'variables/variables.index',
    ]);
    assert.equal(
      written.bytes,
      written.files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0),
    );
    assert.deepEqual(written.inputs, [
      { key: 'conv_input', name: 'conv_input:0', dtype: 'float32', shape: [-1, 6, 6, 2] },
    ]);
    assert.deepEqual(written.outputs, [
      { key: 'out', name: 'out/softmax/Softmax:0', dtype: 'float32', shape: [-1, 2] },
    ]);
    const bundle = await readTensorBundle(path.join(dir, 'variables', 'variables'));
    const byName = new Map(bundle.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), [
      'bn/beta',
      'bn/gamma',
      'bn/moving_mean',
      'bn/moving_variance',
      'conv/bias',
      'conv/kernel',
      'out/bias',
      'out/kernel',
    ]);
    const kernel = byName.get('conv/kernel')!;
    assert.deepEqual(kernel.shape, [3, 3, 2, 3]);
    assert.deepEqual([...kernel.data], [...model.layers[0]!.getWeights()[0]!.dataSync()]);
    const sm = decodeSavedModel(fs.readFileSync(path.join(dir, 'saved_model.pb')));
    assert.deepEqual(sm.metaGraphs[0].metaInfoDef.tags, ['serve']);
    assert.deepEqual(Object.keys(sm.metaGraphs[0].signatureDef), ['serving_default']);
  });

  it('refuses an existing folder unless overwrite, and replaces it atomically with overwrite', async () => {
    const dir = path.join(tmp, '1');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'stale.txt'), 'x');
    await assert.rejects(writeSavedModel(smallCnn(), dir), (err: unknown) =>
      isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
    );
    await writeSavedModel(smallCnn(), dir, { overwrite: true, signatureKey: 'predict', tags: ['serve', 'gpu'] });
    assert.equal(fs.existsSync(path.join(dir, 'stale.txt')), false);
    const sm = decodeSavedModel(fs.readFileSync(path.join(dir, 'saved_model.pb')));
    assert.deepEqual(sm.metaGraphs[0].metaInfoDef.tags, ['serve', 'gpu']);
    assert.deepEqual(Object.keys(sm.metaGraphs[0].signatureDef), ['predict']);
    assert.deepEqual(
      fs.readdirSync(tmp).filter((n) => n.startsWith('.')),
      [],
    );
  });

  it('writes a model without weights with no SaverDef and an empty variables folder', async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] })] });
    const written = await writeSavedModel(model, path.join(tmp, 'plain'));
    assert.deepEqual(written.files, ['saved_model.pb']);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'plain', 'variables')), []);
  });

  it('writes nothing when a layer cannot be exported', async () => {
    const model = tf.sequential({ layers: [tf.layers.simpleRNN({ inputShape: [3, 2], units: 2, name: 'rnn' })] });
    const dir = path.join(tmp, 'rnn');
    await assert.rejects(writeSavedModel(model, dir), (err: unknown) =>
      isTfscaleError(err, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER'),
    );
    assert.deepEqual(fs.readdirSync(tmp), []);
  });

  it("TensorFlow's C++ SavedModel loader (native backend) predicts what tfjs predicts", async function () {
    if (tf.getBackend() !== 'tensorflow') this.skip();
    const model = smallCnn();
    const dir = path.join(tmp, '1');
    await writeSavedModel(model, dir);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 3);
    const sm = await loadSavedModel(dir);
    try {
      const got = sm.predict({ conv_input: x }).out!;
      const want = model.predict(x) as tf.Tensor;
      assert.deepEqual(got.shape, [2, 2]);
      assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]! < 1e-6);
    } finally {
      sm.dispose();
    }
  });
});
