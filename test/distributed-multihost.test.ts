import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, tfjsFolder } from '@tfscale/sdk';
import { makeHostPair } from './support/netns';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');

function weights(ckpt: string): Float32Array {
  const bin = fs.readFileSync(path.join(ckpt, 'ckpt-02', 'group1-shard1of1.bin'));
  return new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
}

function run(cmd: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c) => {
      out += c;
    });
    p.stderr.on('data', (c) => {
      out += c;
    });
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, out }));
  });
}

// Two workers on two hosts (network namespaces with their own addresses, joined by a veth pair),
// configured by TF_CONFIG exactly as on two machines.
describe('multi-worker-mirrored across hosts (network namespaces)', function () {
  this.timeout(300_000);

  it('two workers on distinct addresses train to one-device’s weights', async function () {
    const pair = makeHostPair(77);
    if ('reason' in pair) {
      console.log(`      (skipped: cannot create network namespaces here: ${pair.reason})`);
      return this.skip();
    }
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-multihost-'));
      const tf = loadTf();
      const model = tf.sequential({
        layers: [
          // Pixels scaled to [0, 1]: on raw 0..16 inputs this training is chaotic enough that
          // float summation-order differences (one 64-sample mean vs two 32-sample sums) grow
          // past any tolerance within two epochs, on one device as much as on two.
          tf.layers.rescaling({ inputShape: [64], scale: 1 / 16 }),
          tf.layers.dense({
            units: 24,
            activation: 'tanh',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }),
          }),
          tf.layers.dense({
            units: 10,
            activation: 'softmax',
            kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }),
          }),
        ],
      });
      await model.save(tfjsFolder(path.join(dir, 'init')));
      const file = path.join(dir, 'tfscale.json');
      const base = {
        model: { path: path.join(dir, 'init') },
        compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'sparse_categorical_crossentropy' },
        data: {
          train: { csv: path.join(repo, 'examples/data/digits/digits.csv'), label: 'label' },
          batchSize: 64,
          seed: 4,
        },
        epochs: 2,
      };
      fs.writeFileSync(file, JSON.stringify({ ...base, outputDir: path.join(dir, 'one') }));
      // Same TensorFlow thread count everywhere: it changes float summation order inside kernels.
      const one = spawnSync(
        process.execPath,
        [cli, 'train', file, '--quiet', '--checkpoint-dir', path.join(dir, 'ckpt-one')],
        {
          encoding: 'utf8',
          env: { ...process.env, TF_NUM_INTRAOP_THREADS: '1' },
        },
      );
      assert.equal(one.status, 0, one.stderr);

      fs.writeFileSync(file, JSON.stringify({ ...base, outputDir: path.join(dir, 'multi') }));
      const cluster = { worker: pair.addresses.map((a) => `${a}:7070`) };
      const workers = await Promise.all(
        pair.names.map((ns, index) =>
          run(
            [
              'ip',
              'netns',
              'exec',
              ns,
              process.execPath,
              cli,
              'train',
              file,
              '--quiet',
              '--strategy',
              'multi-worker-mirrored',
              '--checkpoint-dir',
              path.join(dir, `ckpt-multi-${index}`),
            ],
            {
              TF_CONFIG: JSON.stringify({ cluster, task: { type: 'worker', index } }),
              TF_NUM_INTRAOP_THREADS: '1',
            },
          ),
        ),
      );
      for (const w of workers) assert.equal(w.code, 0, w.out);
      assert.equal(fs.existsSync(path.join(dir, 'ckpt-multi-1')), false, 'only the chief writes checkpoints');
      const a = weights(path.join(dir, 'ckpt-one'));
      const b = weights(path.join(dir, 'ckpt-multi-0'));
      for (let i = 0; i < a.length; i++)
        assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(a[i])), `weight ${i}: ${b[i]} vs ${a[i]}`);
    } finally {
      pair.destroy();
    }
  });
});
