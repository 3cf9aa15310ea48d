import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');

function runFile(dir: string, epochs: number): string {
  const file = path.join(dir, 'tfscale.json');
  const run = JSON.parse(fs.readFileSync(path.join(repo, 'examples/quickstart/tfscale.json'), 'utf8'));
  run.data.train.csv = path.join(repo, 'examples/data/digits/digits.csv');
  run.outputDir = 'out';
  run.epochs = epochs;
  fs.writeFileSync(file, JSON.stringify(run));
  return file;
}

function tfscale(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('tfscale train', function () {
  this.timeout(180_000);

  it('trains a run file with overrides and says where the logs and checkpoints are', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-train-'));
    const r = tfscale([
      'train',
      runFile(dir, 9),
      '--epochs',
      '2',
      '--logdir',
      path.join(dir, 'logs'),
      '--checkpoint-dir',
      path.join(dir, 'ckpt'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Epoch 2\/2 - /m);
    assert.match(
      r.stdout,
      /^done: 2 epochs on \S+.* - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+/m,
    );
    assert.match(r.stdout, new RegExp(`^TensorBoard logs: ${path.join(dir, 'logs')}`, 'm'));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'ckpt')).sort(), ['ckpt-01', 'ckpt-02']);
    assert.doesNotMatch(r.stdout, /^model not saved/m);
  });

  it('Ctrl-C stops after the batch, keeps a backup, and the next run continues from it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-sigint-'));
    const file = runFile(dir, 500);
    const first = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const p = spawn(process.execPath, [cli, 'train', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let sent = false;
      p.stdout.setEncoding('utf8');
      p.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (!sent && /^Epoch 2\/500/m.test(stdout)) {
          sent = true;
          p.kill('SIGINT');
        }
      });
      p.on('error', reject);
      p.on('exit', (code) => resolve({ code, stdout }));
    });
    assert.equal(first.code, 130, first.stdout);
    assert.match(first.stdout, /^stopped early: interrupted \(Ctrl-C\)$/m);
    const backup = path.join(dir, 'out', 'backup');
    assert.match(first.stdout, new RegExp(`^backup kept in ${backup}; run the same command again to continue$`, 'm'));
    assert.ok(fs.existsSync(path.join(backup, 'checkpoint')));
    const doneEpochs = (first.stdout.match(/^Epoch \d+\/500/gm) ?? []).length;

    const second = tfscale(['train', file, '--resume', '--epochs', String(doneEpochs + 2), '--quiet']);
    assert.equal(second.status, 0, second.stderr);
    const ran = Number(/^done: (\d+) epochs/m.exec(second.stdout)?.[1]);
    // The interrupted epoch is finished first (its position was kept), then the 2 added ones.
    assert.ok(ran >= 2 && ran <= 3, `the resumed run trained ${ran} epochs, expected the cut one plus 2`);
    assert.equal(fs.existsSync(backup), false, 'the completed run removed its backup');
    // Nothing kept the model (no --checkpoint-dir, no modelCheckpoint): the user is told how to keep one.
    assert.match(second.stdout, /^model not saved: add --checkpoint-dir <dir>/m);
  });

  it('--resume without a backup and a missing run file are clear errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-train-err-'));
    const r = tfscale(['train', runFile(dir, 1), '--resume']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^TFSCALE_E_INVALID_VALUE: Nothing to resume: no backup in /m);
    const missing = tfscale(['train', path.join(dir, 'nope.json')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^TFSCALE_E_CONFIG_NOT_FOUND/m);
  });

  it("exports what the run file's exporters name after training, replacing them on a rerun", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-train-'));
    const file = runFile(dir, 1);
    const run = JSON.parse(fs.readFileSync(file, 'utf8'));
    run.exporters = [
      { format: 'tfjs', path: 'models/digits/tfjs/1' },
      { format: 'saved-model', path: 'models/digits/1' },
    ];
    fs.writeFileSync(file, JSON.stringify(run));
    for (let i = 0; i < 2; i++) {
      const r = tfscale(['train', file]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^exported tfjs: ${path.join(dir, 'out/models/digits/tfjs/1')}$`, 'm'));
      assert.doesNotMatch(r.stdout, /^model not saved/m);
    }
    assert.ok(fs.existsSync(path.join(dir, 'out/models/digits/tfjs/1/model.json')));
    if (process.env.TFSCALE_SKIP_NATIVE !== '1')
      assert.ok(fs.existsSync(path.join(dir, 'out/models/digits/1/saved_model.pb')));
  });
});
