import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, tfjsFolder } from '@tfscale/sdk';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');

async function runFile(dir: string): Promise<string> {
  const tf = loadTf();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [64],
        units: 32,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      }),
      tf.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
      }),
    ],
  });
  await model.save(tfjsFolder(path.join(dir, 'init')));
  const file = path.join(dir, 'tfscale.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      model: { path: path.join(dir, 'init') },
      compile: {
        optimizer: { type: 'adam', learningRate: 0.005 },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
      },
      data: {
        train: { csv: path.join(repo, 'examples/data/digits/digits.csv'), label: 'label' },
        batchSize: 32,
        seed: 11,
      },
      epochs: 8,
      outputDir: path.join(dir, 'out'),
    }),
  );
  return file;
}

function lastCheckpoint(dir: string): Float32Array {
  const bin = fs.readFileSync(path.join(dir, 'ckpt-08', 'group1-shard1of1.bin'));
  return new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
}

function launchAndSignal(
  file: string,
  ckpt: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stderr: string; stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, 'launch', file, '--workers', '2', '--checkpoint-dir', ckpt], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalledAt = 0;
    p.stdout.setEncoding('utf8');
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (c: string) => {
      stderr += c;
    });
    p.stdout.on('data', (c: string) => {
      stdout += c;
      const pid = Number(/replica 1 pid (\d+)/.exec(stderr)?.[1]);
      if (!signalledAt && pid && /^Epoch 3\/8/m.test(stdout)) {
        signalledAt = Date.now();
        process.kill(pid, signal);
      }
    });
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, stderr, stdout, ms: Date.now() - signalledAt }));
  });
}

function assertSameWeights(a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(a[i])), `weight ${i}: ${b[i]} vs ${a[i]}`);
}

describe('multi-worker fault tolerance (real processes)', function () {
  this.timeout(300_000);
  let dir = '';
  let file = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-fault-'));
    file = await runFile(dir);
    const straight = spawnSync(
      process.execPath,
      [cli, 'launch', file, '--workers', '2', '--checkpoint-dir', path.join(dir, 'ckpt-a')],
      { encoding: 'utf8' },
    );
    assert.equal(straight.status, 0, straight.stderr);
  });

  it('a SIGKILLed worker makes the others fail fast naming it; the relaunch resumes and ends with the uninterrupted weights', async () => {
    const killed = await launchAndSignal(file, path.join(dir, 'ckpt-b'), 'SIGKILL');
    assert.notEqual(killed.code, 0, 'the launch fails when a worker dies');
    assert.ok(killed.ms < 15_000, `the surviving worker took ${killed.ms} ms to give up`);
    assert.match(killed.stderr, /TFSCALE_E_COLLECTIVE_PEER_LOST: Peer rank 1 .*disconnected/);
    assert.match(killed.stderr, /launch failed: replica 0 exited 1, replica 1 killed by SIGKILL/);
    const epochsBefore = (killed.stdout.match(/^Epoch \d+\/8/gm) ?? []).length;
    assert.ok(epochsBefore < 8, 'the kill landed before the end');

    const resumed = spawnSync(
      process.execPath,
      [cli, 'launch', file, '--workers', '2', '--resume', '--checkpoint-dir', path.join(dir, 'ckpt-b')],
      { encoding: 'utf8' },
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    const ran = Number(/^done: (\d+) epochs/m.exec(resumed.stdout)?.[1]);
    assert.ok(ran < 8 && ran >= 8 - epochsBefore, `resumed run trained ${ran} epochs after ${epochsBefore} were done`);

    assertSameWeights(lastCheckpoint(path.join(dir, 'ckpt-a')), lastCheckpoint(path.join(dir, 'ckpt-b')));
  });

  it('SIGTERM to one worker (a preemption notice) stops both after the same batch with a backup; the relaunch ends with the uninterrupted weights', async () => {
    const preempted = await launchAndSignal(file, path.join(dir, 'ckpt-c'), 'SIGTERM');
    assert.equal(preempted.code, 143, preempted.stderr);
    assert.match(preempted.stdout, /^stopped early: preempted \(another replica was asked to stop\)$/m);
    assert.match(preempted.stdout, /^backup kept in .*backup; run the same command again to continue$/m);
    assert.doesNotMatch(preempted.stderr, /TFSCALE_E_COLLECTIVE/, 'no replica lost its peer: they stopped together');
    const resumed = spawnSync(
      process.execPath,
      [cli, 'launch', file, '--workers', '2', '--resume', '--checkpoint-dir', path.join(dir, 'ckpt-c')],
      { encoding: 'utf8' },
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    assertSameWeights(lastCheckpoint(path.join(dir, 'ckpt-a')), lastCheckpoint(path.join(dir, 'ckpt-c')));
  });
});
