import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');

// `npm start` runs this example; here with fewer epochs, checking what it prints is true.
describe('examples/quickstart (npm start)', function () {
  this.timeout(120_000);

  it('trains on the committed digits data and prints Keras-style metrics and a held-out accuracy', () => {
    const r = spawnSync(process.execPath, [path.join(repo, 'examples/dist/quickstart/train.js')], {
      encoding: 'utf8',
      env: { ...process.env, EPOCHS: '8' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^backend: \S+/m);
    assert.match(r.stdout, /^data: 1438 train \/ 359 test samples, 64 features, 10 classes$/m);
    const epochs = r.stdout.match(
      /^Epoch \d+\/8 - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+$/gm,
    );
    assert.equal(epochs?.length, 8);
    const acc = Number(/^test: loss [\d.]+ - accuracy ([\d.]+)/m.exec(r.stdout)?.[1]);
    assert.ok(acc > 0.9, `held-out accuracy ${acc} is too low for this data set`);
    if (process.env.TFSCALE_SKIP_NATIVE !== '1') assert.match(r.stdout, /^backend: native \(TensorFlow 2\.21\.\d+\)$/m);
  });
});
