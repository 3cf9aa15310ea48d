import assert from 'node:assert/strict';
import { type UnitResult, UnitScheduler } from './unit-scheduler';

describe('distribute/parameter-server/unit-scheduler', () => {
  const value = (x: number) => Float32Array.of(x);

  /** Collects an epoch's results while `work` plays the workers. */
  async function epoch(s: UnitScheduler, steps: number, work: () => Promise<void>, from = 0): Promise<UnitResult[]> {
    const results: UnitResult[] = [];
    const collecting = (async () => {
      for await (const r of s.runEpoch(0, steps, from)) results.push(r);
    })();
    await work();
    await collecting;
    return results;
  }

  it('hands units out in step order to whoever asks, and yields results as they complete', async () => {
    const s = new UnitScheduler();
    const results = await epoch(s, 3, async () => {
      const [a, b] = await Promise.all([s.next('w0'), s.next('w1')]);
      assert.deepEqual([a?.step, b?.step], [0, 1]);
      s.complete('w1', b!.id, value(2), 32);
      const c = await s.next('w1');
      s.complete('w0', a!.id, value(1), 32);
      s.complete('w1', c!.id, value(3), 8);
    });
    assert.deepEqual(
      results.map((r) => [r.unit.step, r.worker, r.values[0], r.samples]),
      [
        [1, 'w1', 2, 32],
        [0, 'w0', 1, 32],
        [2, 'w1', 3, 8],
      ],
    );
    assert.equal(s.pending, 0);
  });

  it('a lost worker’s unit goes back to the front of the queue and another worker runs it', async () => {
    const s = new UnitScheduler();
    const results = await epoch(s, 3, async () => {
      const lostUnit = (await s.next('w0'))!;
      const other = (await s.next('w1'))!;
      assert.equal(s.release('w0')?.step, lostUnit.step);
      s.complete('w1', other.id, value(1), 1);
      const retried = (await s.next('w1'))!;
      assert.equal(retried.id, lostUnit.id, 'the re-scheduled unit comes first');
      s.complete('w1', retried.id, value(0), 1);
      const last = (await s.next('w1'))!;
      s.complete('w0', last.id, value(9), 1); // a stale report from the lost worker is dropped
      s.complete('w1', last.id, value(2), 1);
    });
    assert.deepEqual(
      results.map((r) => [r.unit.step, r.worker]),
      [
        [1, 'w1'],
        [0, 'w1'],
        [2, 'w1'],
      ],
    );
  });

  it('a worker waiting when its epoch starts gets the first unit; release of an idle worker returns nothing', async () => {
    const s = new UnitScheduler();
    const waiting = s.next('w0');
    const results = await epoch(
      s,
      6,
      async () => {
        const unit = (await waiting)!;
        assert.deepEqual([unit.epoch, unit.step], [0, 4]);
        assert.equal(s.release('idle'), undefined);
        s.complete('w0', unit.id, value(1), 1);
        const next = (await s.next('w0'))!;
        s.complete('w0', next.id, value(1), 1);
      },
      4,
    );
    assert.deepEqual(
      results.map((r) => r.unit.step),
      [4, 5],
    );
  });

  it('leaving an epoch early cancels its queued units; results of running ones are dropped', async () => {
    const s = new UnitScheduler();
    const iterator = s.runEpoch(0, 3)[Symbol.asyncIterator]();
    const first = iterator.next();
    const a = (await s.next('w0'))!;
    const b = (await s.next('w1'))!;
    s.complete('w0', a.id, value(1), 1);
    assert.equal((await first).value.unit.step, 0);
    await iterator.return(undefined); // the Trainer stopped after this unit
    assert.equal(s.pending, 0);
    s.complete('w1', b.id, value(1), 1);
    const waiting = s.next('w0'); // step 2 was cancelled: nothing to hand out until the next epoch
    const next = s.runEpoch(1, 1)[Symbol.asyncIterator]().next();
    const unit = (await waiting)!;
    assert.deepEqual([unit.epoch, unit.step], [1, 0]);
    s.complete('w0', unit.id, value(5), 1);
    assert.equal((await next).value.values[0], 5);
  });

  it('close() tells every waiting and later worker to stop; fail() ends the epoch with the error', async () => {
    const s = new UnitScheduler();
    const waiting = s.next('w0');
    s.close();
    assert.equal(await waiting, undefined);
    assert.equal(await s.next('w1'), undefined);
    const failing = new UnitScheduler();
    const run = epoch(failing, 2, async () => failing.fail(new Error('ps:0 lost')));
    await assert.rejects(run, /ps:0 lost/);
  });
});
