import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCodedError } from '../testing/conformance/helpers';
import { testContext } from './callback-test-context.test.helper';
import { type MetricsEvent, MetricsStream } from './metrics-stream';

function lines(file: string): MetricsEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as MetricsEvent);
}

describe('callbacks/MetricsStream', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-metrics-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one JSON line per event, in order, as each hook returns', async () => {
    const file = join(dir, 'run', 'metrics.jsonl');
    const { ctx, position, control } = testContext({ params: { epochs: 1, steps: 2 } });
    const stream = new MetricsStream({ file });
    stream.setContext(ctx);
    await stream.onTrainBegin();
    await stream.onEpochBegin(0);
    for (const [batch, loss] of [0.5, Number.NaN].entries()) {
      position.step++;
      position.globalStep++;
      await stream.onTrainBatchEnd(batch, { loss });
      assert.equal(lines(file).at(-1)!.type, 'batch_end'); // visible before the next batch
    }
    await stream.onEpochEnd(0, { loss: 0.25, val_loss: Number.POSITIVE_INFINITY, lr: 0.01 });
    control.stopTraining('NaN loss at batch 1');
    await stream.onTrainEnd({ loss: 0.25 });

    const events = lines(file);
    for (const event of events) assert.ok(Math.abs(event.time - Date.now()) < 60_000);
    const strip = events.map(({ time: _time, ...rest }) => rest);
    assert.deepEqual(strip, [
      { type: 'train_begin', params: JSON.parse(JSON.stringify(ctx.params)) },
      { type: 'epoch_begin', epoch: 0 },
      { type: 'batch_end', epoch: 0, batch: 0, globalStep: 1, logs: { loss: 0.5 } },
      { type: 'batch_end', epoch: 0, batch: 1, globalStep: 2, logs: { loss: 'NaN' } },
      { type: 'epoch_end', epoch: 0, globalStep: 2, logs: { loss: 0.25, val_loss: 'Infinity', lr: 0.01 } },
      { type: 'train_end', logs: { loss: 0.25 }, stopReason: 'NaN loss at batch 1' },
    ]);

    // A second fit appends to the same file.
    await stream.onTrainBegin();
    await stream.onTrainEnd();
    assert.deepEqual(
      lines(file).map((e) => e.type),
      ['train_begin', 'epoch_begin', 'batch_end', 'batch_end', 'epoch_end', 'train_end', 'train_begin', 'train_end'],
    );
  });

  it('sends the same events to the parent process over IPC', async () => {
    const modulePath = join(__dirname, 'metrics-stream.js');
    const script = `
      const { MetricsStream } = require(${JSON.stringify(modulePath)});
      (async () => {
        const stream = new MetricsStream({ ipc: true });
        await stream.onTrainBegin();
        await stream.onEpochBegin(0);
        await stream.onTrainBatchEnd(0, { loss: 0.5 });
        await stream.onEpochEnd(0, { loss: 0.5 });
        await stream.onTrainEnd();
        process.disconnect();
      })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const messages: MetricsEvent[] = [];
    child.on('message', (m) => messages.push(m as MetricsEvent));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.deepEqual(
      messages.map((m) => m.type),
      ['train_begin', 'epoch_begin', 'batch_end', 'epoch_end', 'train_end'],
    );
    assert.deepEqual(messages[2], { ...messages[2], epoch: 0, batch: 0, globalStep: 1, logs: { loss: 0.5 } });
  });

  it('is silent without an IPC channel, and on a non-primary replica', async () => {
    const quiet = new MetricsStream({ ipc: true }); // this test process has no channel
    await quiet.onTrainBegin();
    await quiet.onTrainEnd();

    const file = join(dir, 'replica.jsonl');
    const replica = new MetricsStream({ file });
    replica.setContext(testContext({ isPrimary: false }).ctx);
    await replica.onTrainBegin();
    await replica.onEpochEnd(0, { loss: 1 });
    await replica.onTrainEnd();
    assert.equal(existsSync(file), false);
  });

  it('requires a destination and validates options', async () => {
    const err = await expectCodedError(() => new MetricsStream({}), 'TFSCALE_E_INVALID_VALUE');
    assert.match(err.message, /Expected: a destination: `file`, `ipc: true`, or both/);
    await expectCodedError(() => new MetricsStream({ file: '' }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new MetricsStream({ ipc: 'yes' as never }), 'TFSCALE_E_INVALID_VALUE');
  });
});
