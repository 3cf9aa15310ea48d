import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MetricsTail } from '../client/metrics-tail';
import { runPaths } from '../client/run-store';
import type { MetricsEvent } from '../shared/messages';
import { MetricsSeries, parseMetricsLines } from '../shared/metrics-series';
import { EXT_ROOT, trainedRun } from './fixtures';

describe('metrics series (from a real MetricsStream file)', () => {
  it('charts per epoch what the CLI reports as the final metrics, and every batch', async () => {
    const { runs, record, events, output } = await trainedRun();
    const series = new MetricsSeries();
    series.add(events);
    assert.deepEqual(series.metrics(), ['loss', 'accuracy']);
    const loss = series.epochChart('loss');
    assert.deepEqual(loss.x, [1, 2]);
    assert.deepEqual(
      loss.series.map((s) => s.label),
      ['loss', 'val_loss'],
    );
    // `tfscale train` prints the History's last values: the chart's last points must agree.
    const done = output.find((l) => l.startsWith('done:')) ?? '';
    for (const key of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) {
      const printed = Number(done.match(new RegExp(`(?:^|- )${key}: ([\\d.]+)`))?.[1]);
      const chart = series.epochChart(key.replace('val_', ''));
      const values = chart.series.find((s) => s.label === key)?.values ?? [];
      assert.equal(values.at(-1)?.toFixed(4), printed.toFixed(4), `${key} in "${done}"`);
    }
    // One batch point per step: the run's params say how many steps an epoch has.
    const begin = events.find((e) => e.type === 'train_begin') as Extract<MetricsEvent, { type: 'train_begin' }>;
    const steps = Number(begin.params?.steps);
    assert.ok(steps > 0);
    assert.deepEqual(
      series.batchChart('loss').x,
      Array.from({ length: 2 * steps }, (_, i) => i + 1),
    );
    assert.ok(series.ended);
    // The file on disk holds the same events the live callback delivered.
    const onDisk = parseMetricsLines(fs.readFileSync(runPaths(runs.store.dir(record.id)).metrics, 'utf8')).events;
    assert.deepEqual(onDisk, events);
  });

  it('keeps a torn last line until it is complete, and skips lines that are not JSON', () => {
    const a = parseMetricsLines('{"type":"epoch_begin","time":1,"epoch":0}\nnot json\n{"type":"epoch_');
    assert.equal(a.events.length, 1);
    assert.equal(a.rest, '{"type":"epoch_');
    const b = parseMetricsLines(`${a.rest}begin","time":2,"epoch":1}\n`);
    assert.deepEqual(b.events, [{ type: 'epoch_begin', time: 2, epoch: 1 }]);
  });

  it('NaN from the stream is a gap in the chart, and a resumed epoch replaces the old values', () => {
    const s = new MetricsSeries();
    s.add([
      { type: 'epoch_end', time: 1, epoch: 0, globalStep: 1, logs: { loss: 'NaN' } },
      { type: 'epoch_end', time: 2, epoch: 1, globalStep: 2, logs: { loss: 2 } },
      { type: 'epoch_end', time: 3, epoch: 1, globalStep: 2, logs: { loss: 1 } },
    ]);
    assert.deepEqual(s.epochChart('loss').series[0]?.values, [null, 1]);
  });

  it('tails a file as it grows, including lines written in pieces', () => {
    const file = path.join(EXT_ROOT, 'test-output', 'unit', 'tail', 'metrics.jsonl');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const got: MetricsEvent[] = [];
    const tail = new MetricsTail(file, (e) => got.push(...e));
    tail.poll(); // no file yet
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"type":"epoch_begin","time":1,"epoch":0}\n{"type":"epoch_');
    tail.poll();
    assert.equal(got.length, 1);
    fs.appendFileSync(file, 'begin","time":2,"epoch":1}\n');
    tail.poll();
    assert.deepEqual(
      got.map((e) => (e as { epoch: number }).epoch),
      [0, 1],
    );
    tail.dispose();
  });
});
