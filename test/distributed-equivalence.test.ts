import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, tfjsFolder } from '@tfscale/sdk';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');
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

function finalWeights(args: string[], ckpt: string): number[][] {
  const r = spawnSync(process.execPath, [cli, ...args, '--checkpoint-dir', ckpt], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  const weights = JSON.parse(fs.readFileSync(path.join(ckpt, 'ckpt-01', 'model.json'), 'utf8')).weightsManifest[0]
    .weights as Array<{ shape: number[] }>;
  const bin = fs.readFileSync(path.join(ckpt, 'ckpt-01', 'group1-shard1of1.bin'));
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let offset = 0;
  return weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const out = Array.from(all.subarray(offset, offset + n));
    offset += n;
    return out;
  });
}

function assertClose(actual: number[][], expected: number[][], what: string): void {
  for (const [i, w] of expected.entries()) {
    for (const [j, v] of w.entries()) {
      assert.ok(
        Math.abs(actual[i][j] - v) <= 1e-5 * Math.max(1, Math.abs(v)),
        `${what}: weight ${i}[${j}] ${actual[i][j]} vs ${v}`,
      );
    }
  }
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
      const one = finalWeights(['train', file, '--quiet', '--fresh'], path.join(dir, 'ckpt-one'));
      const mirrored = finalWeights(['launch', file, '--replicas', '2', '--fresh'], path.join(dir, 'ckpt-mirrored'));
      const workers = finalWeights(['launch', file, '--workers', '2', '--fresh'], path.join(dir, 'ckpt-workers'));
      assert.notDeepEqual(
        one,
        JSON.parse(JSON.stringify(one)).map((w: number[]) => w.map(() => 0)),
      );
      assertClose(mirrored, one, 'mirrored');
      assertClose(workers, one, 'multi-worker-mirrored');
      if (kind === 'conv') {
        // 64 over 3 replicas splits 22/21/21, and the last global batch (5) 2/2/1. Checked with
        // SGD: Adam turns summation-order noise in near-zero gradients into visible differences.
        const three = finalWeights(['launch', file, '--replicas', '3', '--fresh'], path.join(dir, 'ckpt-three'));
        assertClose(three, one, 'mirrored ×3 (uneven split)');
      }
    });
  }
});
