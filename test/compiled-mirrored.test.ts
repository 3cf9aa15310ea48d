import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadGraphAddon, loadTf, tfjsFolder } from '@tfscale/sdk';
import { assertWeightsClose, finalWeights } from './support/final-weights';

const repo = path.resolve(__dirname, '..', '..');
const digits = path.join(repo, 'examples/data/digits/digits.csv');

/** A seeded conv model and a run file training it one epoch on the digits data in `stepMode`. */
async function setup(dir: string): Promise<(stepMode: string) => string> {
  const tf = loadTf();
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const layers = [
    tf.layers.reshape({ inputShape: [64], targetShape: [8, 8, 1] }),
    tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(3) }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }),
  ];
  await tf.sequential({ layers }).save(tfjsFolder(path.join(dir, 'init')));
  return (stepMode) => {
    const run = {
      model: { path: path.join(dir, 'init') },
      compile: {
        optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
        stepMode,
      },
      data: { train: { csv: digits, label: 'label' }, batchSize: 64, seed: 3 },
      epochs: 1,
      outputDir: path.join(dir, `out-${stepMode}`),
    };
    const file = path.join(dir, `${stepMode}.json`);
    fs.writeFileSync(file, JSON.stringify(run));
    return file;
  };
}

/** ckpt-01's weights of a run that must not have fallen back to the eager step. */
function compiledWeights(args: string[], ckpt: string): number[][] {
  const { weights, output } = finalWeights(args, ckpt);
  // Asked for 'compiled', a fallback to eager would warn: it must not have happened.
  assert.doesNotMatch(output, /Training step: eager/);
  return weights;
}

describe('compiled train step under the mirrored strategy (real processes)', function () {
  this.timeout(600_000);
  before(function () {
    if (!loadGraphAddon().addon) {
      if (process.env.CI) throw new Error(`compiled-step addon missing in CI: ${loadGraphAddon().reason}`);
      this.skip();
    }
  });

  it('mirrored ×2 with the compiled step (gradients out, all-reduced, fed back) ends with eager mirrored ×2 weights', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-compiled-mirrored-'));
    const runFile = await setup(dir);
    const eager = compiledWeights(
      ['launch', runFile('eager'), '--replicas', '2', '--fresh'],
      path.join(dir, 'ckpt-eager'),
    );
    const compiled = compiledWeights(
      ['launch', runFile('compiled'), '--replicas', '2', '--fresh'],
      path.join(dir, 'ckpt-compiled'),
    );
    const single = compiledWeights(['train', runFile('compiled'), '--quiet', '--fresh'], path.join(dir, 'ckpt-one'));
    assert.ok(eager.flat().some((v) => v !== 0));
    assertWeightsClose(compiled, eager, 'compiled mirrored vs eager mirrored');
    assertWeightsClose(single, eager, 'compiled one device vs eager mirrored');
  });
});
