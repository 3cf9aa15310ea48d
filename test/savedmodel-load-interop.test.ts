import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSavedModel, loadTf } from '@tfscale/sdk';
import { interopPython } from './support/python';

describe('loading a SavedModel written by Python TensorFlow 2.21 (Keras model.export)', function () {
  this.timeout(120_000);
  const python = interopPython();

  before(function () {
    if (!python.path) {
      console.log(`      (skipped: ${python.reason})`);
      this.skip();
    }
  });

  it('predicts what TensorFlow predicts, through the signature Keras wrote', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-export-'));
    const modelDir = path.join(dir, 'model');
    const json = path.join(dir, 'expected.json');
    const r = spawnSync(
      python.path as string,
      [path.join(__dirname, '..', 'interop', 'keras_export.py'), modelDir, json],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      inputKey: string;
      outputKey: string;
      x: number[][];
      y: number[][];
    };

    const sm = await loadSavedModel(modelDir);
    assert.deepEqual(
      sm.inputs.map((i) => [i.key, i.dtype, i.shape]),
      [[expected.inputKey, 'float32', [-1, 12]]],
    );
    assert.deepEqual(
      sm.outputs.map((o) => o.key),
      [expected.outputKey],
    );
    const tf = loadTf();
    const y = sm.predict({ [expected.inputKey]: tf.tensor2d(expected.x) })[expected.outputKey];
    const got = y.arraySync() as number[][];
    for (const [i, row] of expected.y.entries()) {
      for (const [j, v] of row.entries())
        assert.ok(Math.abs(got[i][j] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `y[${i}][${j}] ${got[i][j]} vs ${v}`);
    }
    sm.dispose();
  });

  it('names the signatures there are when asked for one that is not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-export-'));
    const r = spawnSync(
      python.path as string,
      [path.join(__dirname, '..', 'interop', 'keras_export.py'), path.join(dir, 'm'), path.join(dir, 'e.json')],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    await assert.rejects(
      loadSavedModel(path.join(dir, 'm'), { signature: 'predict' }),
      /has no signature "predict" under tags \[serve\]\. It has: \[serve\]: serve, serving_default\./,
    );
  });
});
