import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const out = path.join(repo, 'runs', 'quickstart');

// `npm start` runs this example; here with fewer epochs, checking that what it prints is true.
describe('examples/quickstart (npm start)', function () {
  this.timeout(180_000);

  it('trains the digits run with Keras-style progress, TensorBoard logs and checkpoints', () => {
    fs.rmSync(out, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [path.join(repo, 'examples/dist/quickstart/train.js')], {
      encoding: 'utf8',
      env: { ...process.env, EPOCHS: '6', SERVE: '0' },
    });
    assert.equal(r.status, 0, r.stderr);
    const epochs = r.stdout.match(
      /^Epoch \d+\/6 - \d+(?:ms|us)\/step - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+ - lr: 0\.0050$/gm,
    );
    assert.equal(epochs?.length, 6, r.stdout);
    const valAcc = Number(/^final: .* val_accuracy ([\d.]+)$/m.exec(r.stdout)?.[1]);
    assert.ok(valAcc > 0.8, `validation accuracy ${valAcc} is too low for this data set`);
    if (process.env.TFSCALE_SKIP_NATIVE !== '1') assert.match(r.stdout, /^backend: native \(TensorFlow 2\.21\.\d+\)$/m);

    assert.match(r.stdout, new RegExp(`^TensorBoard logs: ${path.join(out, 'logs')}`, 'm'));
    for (const split of ['train', 'validation']) {
      const files = fs.readdirSync(path.join(out, 'logs', split));
      assert.ok(
        files.some((f) => f.startsWith('events.out.tfevents.')),
        `no event file in logs/${split}`,
      );
    }
    assert.deepEqual(fs.readdirSync(path.join(out, 'checkpoints')).sort(), [
      'ckpt-01',
      'ckpt-02',
      'ckpt-03',
      'ckpt-04',
      'ckpt-05',
      'ckpt-06',
    ]);
    assert.ok(fs.existsSync(path.join(out, 'checkpoints', 'ckpt-06', 'model.json')));
    assert.equal(fs.existsSync(path.join(out, 'backup')), false, 'a finished run removes its backup');
    assert.match(r.stdout, new RegExp(`^exported tfjs +${path.join(out, 'models', 'digits', 'tfjs', '1')}$`, 'm'));
    assert.ok(fs.existsSync(path.join(out, 'models', 'digits', 'tfjs', '1', 'model.json')));
    assert.match(r.stdout, new RegExp(`^exported savedmodel +${path.join(out, 'models', 'digits', '1')}$`, 'm'));
    for (const f of ['saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001']) {
      assert.ok(fs.existsSync(path.join(out, 'models', 'digits', '1', f)), f);
    }
    assert.match(r.stdout, new RegExp(`^model version 1 in ${path.join(out, 'models', 'digits')}$`, 'm'));
  });

  it('ends serving the export (npm start) with a curl line that works, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [path.join(repo, 'examples/dist/quickstart/train.js')], {
      env: { ...process.env, EPOCHS: '4', REST_PORT: '0', GRPC_PORT: '0' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = once(child, 'exit');
    try {
      const deadline = Date.now() + 120_000;
      while (!/^Ctrl-C stops the server\.$/m.test(stdout)) {
        if (child.exitCode !== null || Date.now() > deadline) assert.fail(`no server: ${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const curl = /^ {2}(curl -s -d '.*' -X POST http:\/\/127\.0\.0\.1:\d+\/v1\/models\/digits:predict)$/m.exec(
        stdout,
      )?.[1];
      assert.ok(curl, stdout);
      const label = Number(/first digit in the data set \(a (\d)\)/.exec(stdout)?.[1]);
      // The printed line, run by a shell, exactly as a user would paste it.
      const answer = JSON.parse(execFileSync('sh', ['-c', curl], { encoding: 'utf8' })) as { predictions: number[][] };
      const probs = answer.predictions[0]!;
      assert.equal(probs.length, 10);
      assert.ok(Math.abs(probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, `not probabilities: ${probs}`);
      assert.equal(probs.indexOf(Math.max(...probs)), label, `predicted ${probs} for a ${label}`);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await exited;
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^server stopped$/m);
  });
});
