import * as assert from 'node:assert/strict';
import { NativeBackend, readNativeStatus } from '@tfscale/sdk';

// The native backend is the product's default; a machine where it did not build fails here, with
// the recorded reason, unless the run says on purpose that it skipped the build.
describe('native TensorFlow backend (smoke)', function () {
  this.timeout(120_000);
  const skipped = process.env.TFSCALE_SKIP_NATIVE === '1';

  before(function () {
    if (skipped) this.skip();
  });

  it('was built by setup-native against TensorFlow 2.21', () => {
    const status = readNativeStatus('@tensorflow/tfjs-node');
    assert.ok(status, '@tensorflow/tfjs-node is not installed');
    assert.equal(status.ok, true, `native build failed: ${status.reason} (fix: ${status.fix})`);
    assert.match(status.tensorflow ?? '', /^2\.21\./);
  });

  it('activates as the tensorflow backend and reports TF 2.21 from the loaded library', async () => {
    const tf = (await new NativeBackend(false).activate()) as typeof import('@tensorflow/tfjs');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.match(NativeBackend.loadedVersion(tf) ?? '', /^2\.21\./);
  });

  it('computes matMul exactly', async () => {
    const tf = (await new NativeBackend(false).activate()) as typeof import('@tensorflow/tfjs');
    const y = tf.matMul(
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tf.tensor2d([
        [7, 8],
        [9, 10],
        [11, 12],
      ]),
    );
    assert.deepEqual(Array.from(y.dataSync()), [58, 64, 139, 154]);
    y.dispose();
  });

  it('reduces the loss over a few fit steps', async () => {
    const tf = (await new NativeBackend(false).activate()) as typeof import('@tensorflow/tfjs');
    const x = tf.randomUniform([256, 8], -1, 1, 'float32', 7);
    const w = tf.tensor2d([[1], [-2], [3], [0.5], [-1], [2], [0], [1.5]]);
    const y = tf.matMul(x, w).add(0.25);
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [8], units: 1, kernelInitializer: tf.initializers.zeros() })],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 8, batchSize: 32, shuffle: false, verbose: 0 });
    const losses = history.history.loss as number[];
    assert.ok(losses.at(-1)! < losses[0] * 0.1, `loss did not fall enough: ${losses.join(', ')}`);
    tf.dispose([x, w, y]);
    model.dispose();
  });
});
