import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadGraphAddon, loadTf, tfjsFolder } from '@tfscale/sdk';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');
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

function finalWeights(args: string[], ckpt: string): number[][] {
  const r = spawnSync(process.execPath, [cli, ...args, '--checkpoint-dir', ckpt], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(r.status, 0, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  // Asked for 'compiled', a fallback to eager would warn: it must not have happened.
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /Training step: eager/);
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
        Math.abs(actual[i]![j]! - v) <= 1e-5 * Math.max(1, Math.abs(v)),
        `${what}: weight ${i}[${j}] ${actual[i]![j]} vs ${v}`,
      );
    }
  }
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
    const eager = finalWeights(
      ['launch', runFile('eager'), '--replicas', '2', '--fresh'],
      path.join(dir, 'ckpt-eager'),
    );
    const compiled = finalWeights(
      ['launch', runFile('compiled'), '--replicas', '2', '--fresh'],
      path.join(dir, 'ckpt-compiled'),
    );
    const single = finalWeights(['train', runFile('compiled'), '--quiet', '--fresh'], path.join(dir, 'ckpt-one'));
    assert.ok(eager.flat().some((v) => v !== 0));
    assertClose(compiled, eager, 'compiled mirrored vs eager mirrored');
    assertClose(single, eager, 'compiled one device vs eager mirrored');
  });
});
