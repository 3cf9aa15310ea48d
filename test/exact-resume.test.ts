import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const child = path.join(__dirname, 'support', 'resume-child.js');

function runToEnd(config: object): { stdout: string } {
  const r = spawnSync(process.execPath, [child, JSON.stringify(config)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { stdout: r.stdout };
}

/** Starts training and SIGKILLs it as soon as it announces `step`; resolves once it is dead. */
function runAndKill(config: object, step: number): Promise<{ signal: NodeJS.Signals | null; lastStep: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    let lastStep = -1;
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (const m of buffer.matchAll(/^step (\d+)$/gm)) lastStep = Number(m[1]);
      if (lastStep >= step && !p.killed) p.kill('SIGKILL');
    });
    p.on('error', reject);
    p.on('exit', (_code, signal) => resolve({ signal, lastStep }));
  });
}

const weights = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as number[][];

describe('BackupAndRestore: exact resume after SIGKILL (real child processes)', function () {
  this.timeout(120_000);

  it('a run killed mid-epoch and restarted ends with the weights of an uninterrupted run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-resume-'));
    const base = { epochs: 4, saveFreq: 4 }; // 10 steps per epoch, a backup every 4 steps

    runToEnd({ ...base, out: path.join(dir, 'plain.json') });
    runToEnd({ ...base, out: path.join(dir, 'straight.json'), backupDir: path.join(dir, 'backup-straight') });
    assert.equal(fs.existsSync(path.join(dir, 'backup-straight')), false, 'a finished run deletes its backup');

    const backupDir = path.join(dir, 'backup');
    const killed = await runAndKill({ ...base, out: path.join(dir, 'killed.json'), backupDir }, 15);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(killed.lastStep < 40, 'the run was killed before it finished');
    assert.equal(fs.existsSync(path.join(dir, 'killed.json')), false);
    assert.match(fs.readFileSync(path.join(backupDir, 'checkpoint'), 'utf8'), /^snapshot-\d+\n$/);

    const resumed = runToEnd({ ...base, out: path.join(dir, 'resumed.json'), backupDir });
    const from = JSON.parse(/^resumed (.*)$/m.exec(resumed.stdout)?.[1] ?? 'null');
    assert.ok(from, 'the second run resumed from the backup');
    assert.ok(from.step > 0 && from.epoch >= 1, `resumed mid-epoch, not at an epoch boundary: ${JSON.stringify(from)}`);
    assert.equal(from.globalStep % 4, 0);
    const firstStep = Number(/^step (\d+)$/m.exec(resumed.stdout)?.[1]);
    assert.equal(firstStep, from.globalStep + 1, 'the resumed run continues at the next batch');

    const expected = weights(path.join(dir, 'straight.json'));
    assert.deepEqual(
      weights(path.join(dir, 'plain.json')),
      expected,
      'BackupAndRestore itself does not change training',
    );
    const actual = weights(path.join(dir, 'resumed.json'));
    for (const [i, w] of actual.entries()) {
      for (const [j, v] of w.entries())
        assert.ok(Math.abs(v - expected[i][j]) <= 1e-6, `weight ${i}[${j}]: ${v} vs ${expected[i][j]}`);
    }
  });
});
