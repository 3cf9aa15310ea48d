import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSavedModel, loadTf, tfjsFolder } from '@tfscale/sdk';
import { canonicalModel } from '@tfscale/sdk/testing';

const cli = path.resolve(__dirname, '..', '..', 'packages/sdk/dist/cli/main.js');
const tfscale = (args: string[], cwd?: string) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });

describe('tfscale export', function () {
  this.timeout(120_000);

  it('exports a checkpoint folder as SavedModel + TF.js under the next free version, and the SavedModel predicts like the model', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-cli-export-'));
    const model = canonicalModel();
    await model.save(tfjsFolder(path.join(dir, 'ckpt')));
    const base = path.join(dir, 'models', 'tiny');
    for (const v of [1, 2]) {
      const r = tfscale(['export', path.join(dir, 'ckpt'), '--format', 'savedmodel,tfjs', '--out', base]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(
          `^version ${v} of ${base}  \\(serve: tfscale serve --model_name tiny --model_base_path ${base}\\)$`,
          'm',
        ),
      );
    }
    assert.deepEqual(fs.readdirSync(base).sort(), ['1', '2', 'tfjs']);
    assert.deepEqual(fs.readdirSync(path.join(base, 'tfjs')).sort(), ['1', '2']);

    if (process.env.TFSCALE_SKIP_NATIVE === '1') return;
    const tf = loadTf();
    const sm = await loadSavedModel(path.join(base, '2'));
    const x = tf.randomNormal([4, 8], 0, 1, 'float32', 9);
    const got = sm.predict({ [sm.inputs[0].key]: x })[sm.outputs[0].key].arraySync() as number[][];
    const want = (model.predict(x) as import('@tensorflow/tfjs').Tensor).arraySync() as number[][];
    for (const [i, row] of want.entries())
      for (const [j, v] of row.entries()) assert.ok(Math.abs(got[i][j] - v) < 1e-6);
    sm.dispose();
  });

  it('names the plugin package for a format whose plugin is not installed, and refuses a folder without model.json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-cli-export-'));
    const missing = tfscale(['export', dir, '--format', 'tflite']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Invalid value for `model`.*Expected: a folder holding a TF\.js model\.json/);
    await canonicalModel().save(tfjsFolder(path.join(dir, 'ckpt')));
    const typo = tfscale(['export', path.join(dir, 'ckpt-10')]);
    assert.equal(typo.status, 1);
    assert.match(
      typo.stderr,
      /HINT: .*ckpt-10 does not exist; .* holds: ckpt$/m,
      'a missing path says so and lists its folder',
    );
    // Run from outside the repository: its workspace installs the tflite plugin.
    const plugin = tfscale(
      ['export', path.join(dir, 'ckpt'), '--format', 'savedmodel,tflite', '--out', path.join(dir, 'm')],
      dir,
    );
    assert.equal(plugin.status, 1);
    assert.match(
      plugin.stderr,
      /The tflite exporter is not installed\.\nHINT: npm install @tfscale\/plugin-exporter-tflite/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'm')), false, 'nothing is written when one format cannot be exported');
  });

  it('passes exporter options: --quantize dynamic-int8 gives a smaller TFLite file; a malformed --option is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-cli-export-'));
    const tf = loadTf();
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [256], units: 256 }), tf.layers.dense({ units: 4 })],
    });
    await model.save(tfjsFolder(path.join(dir, 'ckpt')));
    const size = (args: string[]) => {
      const r = tfscale([
        'export',
        path.join(dir, 'ckpt'),
        '--format',
        'tflite',
        '--out',
        path.join(dir, 'm'),
        ...args,
      ]);
      assert.equal(r.status, 0, r.stderr);
      const v = /^version (\d+) of/m.exec(r.stdout)![1]!;
      return fs.statSync(path.join(dir, 'm', 'tflite', v, 'model.tflite')).size;
    };
    const float = size([]);
    const int8 = size(['--quantize', 'dynamic-int8']);
    assert.ok(int8 * 3 < float, `int8 ${int8} bytes vs float ${float}`);
    assert.equal(size(['--option', 'tflite.quantize="dynamic-int8"']), int8);
    const bad = tfscale(['export', path.join(dir, 'ckpt'), '--format', 'tflite', '--option', 'quantize']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Invalid value for `option`/);
    const other = tfscale(['export', path.join(dir, 'ckpt'), '--format', 'tfjs', '--quantize', 'dynamic-int8']);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /Invalid value for `exporter options`/);
  });
});
