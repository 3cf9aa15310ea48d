import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, tfjsFolder } from '@tfscale/sdk';
import { assertWeightsClose, finalWeights } from './support/final-weights';

const repo = path.resolve(__dirname, '..', '..');
const digits = path.join(repo, 'examples/data/digits/digits.csv');

type Optimizer = { type: string; learningRate: number; momentum?: number; nesterov?: boolean };

/** Saves a seeded initial model and a run file training it for one epoch of the digits data. */
async function setup(dir: string, kind: 'dense' | 'conv', optimizer: Optimizer): Promise<string> {
  const tf = loadTf();
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const layers =
    kind === 'dense'
      ? [
          tf.layers.dense({ inputShape: [64], units: 32, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
        ]
      : [
          tf.layers.reshape({ inputShape: [64], targetShape: [8, 8, 1] }),
          tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(3) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }),
        ];
  await tf.sequential({ layers }).save(tfjsFolder(path.join(dir, 'init')));
  const run = {
    model: { path: path.join(dir, 'init') },
    compile: { optimizer, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
    data: { train: { csv: digits, label: 'label' }, batchSize: 64, seed: 3 },
    epochs: 1,
    outputDir: path.join(dir, 'out'),
  };
  const file = path.join(dir, 'tfscale.json');
  fs.writeFileSync(file, JSON.stringify(run));
  return file;
}

describe('distributed training equals one device with the same global batch (real processes)', function () {
  this.timeout(300_000);

  for (const [kind, optimizer] of [
    ['dense', { type: 'adam', learningRate: 0.01 }],
    ['conv', { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }],
  ] as const) {
    it(`${kind} + ${optimizer.type}: mirrored ×2 and multi-worker-mirrored ×2 end with one-device's weights`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tfscale-equiv-${kind}-`));
      const file = await setup(dir, kind, optimizer);
      const one = finalWeights(['train', file, '--quiet', '--fresh'], path.join(dir, 'ckpt-one')).weights;
      const mirrored = finalWeights(
        ['launch', file, '--replicas', '2', '--fresh'],
        path.join(dir, 'ckpt-mirrored'),
      ).weights;
      const workers = finalWeights(
        ['launch', file, '--workers', '2', '--fresh'],
        path.join(dir, 'ckpt-workers'),
      ).weights;
      assert.notDeepEqual(
        one,
        JSON.parse(JSON.stringify(one)).map((w: number[]) => w.map(() => 0)),
      );
      assertWeightsClose(mirrored, one, 'mirrored');
      assertWeightsClose(workers, one, 'multi-worker-mirrored');
      if (kind === 'conv') {
        // 64 over 3 replicas splits 22/21/21, and the last global batch (5) 2/2/1. Checked with
        // SGD: Adam turns summation-order noise in near-zero gradients into visible differences.
        const three = finalWeights(
          ['launch', file, '--replicas', '3', '--fresh'],
          path.join(dir, 'ckpt-three'),
        ).weights;
        assertWeightsClose(three, one, 'mirrored ×3 (uneven split)');
      }
    });
  }
});
