import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPlacement } from '../client/device-picker';
import { RunManager } from '../client/run-manager';
import { runId, runPaths } from '../client/run-store';
import { makeWorkspace, sdk, trainedRun } from './fixtures';

describe('RunManager (real tfscale train processes)', () => {
  it('records a finished run with its checkpoints, log, metrics and TensorBoard logs', async () => {
    const { runs, record } = await trainedRun();
    assert.equal(record.state, 'done');
    assert.equal(record.exitCode, 0);
    assert.equal(record.name, 'digits');
    const paths = runPaths(runs.store.dir(record.id));
    assert.deepEqual(
      runs.store.checkpoints(record.id).map((c) => path.basename(c)),
      ['ckpt-01', 'ckpt-02'],
    );
    assert.match(fs.readFileSync(paths.log, 'utf8'), /done: 2 epochs/);
    assert.ok(fs.readdirSync(paths.logs, { recursive: true }).some((f) => String(f).includes('tfevents')));
    assert.deepEqual(runs.store.list()[0], record);
  });

  it('Stop Run stops like Ctrl-C: after the batch, exit 130, state stopped', async () => {
    const ws = makeWorkspace('stop');
    const runs = new RunManager(sdk(ws), ws);
    let stopping: Promise<unknown> | undefined;
    const run = runs.start(path.join(ws, 'quickstart', 'tfscale.json'), {
      device: 'auto',
      backend: 'auto',
      epochs: 200,
      onEvents: (events) => {
        if (!stopping && events.some((e) => e.type === 'epoch_end')) stopping = runs.stop(run.record.id);
      },
    });
    const end = await run.done;
    await stopping;
    assert.equal(end.state, 'stopped');
    assert.equal(end.exitCode, 130);
    assert.ok(runs.store.checkpoints(end.id).length < 200);
    assert.equal(runs.active().length, 0);
  });

  it('a run that fails is recorded as failed with the CLI’s message in its log', async () => {
    const ws = makeWorkspace('fail');
    const runFile = path.join(ws, 'quickstart', 'tfscale.json');
    const bad = JSON.parse(fs.readFileSync(runFile, 'utf8'));
    bad.data.batchSize = -3;
    fs.writeFileSync(runFile, JSON.stringify(bad));
    const runs = new RunManager(sdk(ws), ws);
    const lines: string[] = [];
    const end = await runs.start(runFile, { device: 'auto', backend: 'auto', onOutput: (l) => lines.push(l) }).done;
    assert.equal(end.state, 'failed');
    assert.notEqual(end.exitCode, 0);
    assert.match(lines.join('\n'), /batchSize/);
  });

  it('places runs: gpu:N pins CUDA_VISIBLE_DEVICES, cpu hides GPUs, a backend becomes --backend', () => {
    assert.deepEqual(runPlacement('gpu:1', 'native-gpu'), {
      env: { CUDA_VISIBLE_DEVICES: '1' },
      args: ['--backend', 'native-gpu'],
    });
    assert.deepEqual(runPlacement('cpu', 'auto'), { env: { CUDA_VISIBLE_DEVICES: '' }, args: [] });
    assert.deepEqual(runPlacement('auto', 'auto'), { env: {}, args: [] });
  });

  it('run ids are folder-safe and sortable', () => {
    assert.equal(runId('my run/1', new Date(Date.UTC(2026, 0, 2, 3, 4, 5))), 'my_run_1-20260102-030405');
  });
});
