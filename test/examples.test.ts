/**
 * The chapter examples run as their READMEs say (reduced epochs) and reach their outcome.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

const dist = path.resolve(__dirname, '..', '..', 'examples', 'dist');

describe('examples (one per chapter section)', function () {
  this.timeout(600_000);

  it('distributed: one-device, mirrored and multi-worker end with the same weights', async () => {
    const { main } = require(path.join(dist, 'distributed', 'run.js'));
    const results: { name: string; accuracy: number; maxWeightDiffFromOneDevice: number }[] = await main(2);
    assert.deepEqual(
      results.map((r) => r.name),
      ['one-device', 'mirrored', 'multi-worker'],
    );
    for (const r of results) {
      assert.ok(r.maxWeightDiffFromOneDevice < 1e-5, `${r.name}: weights differ by ${r.maxWeightDiffFromOneDevice}`);
      assert.ok(r.accuracy > 0.5, `${r.name}: accuracy ${r.accuracy}`);
    }
  });

  it('checkpoints: Ctrl-C keeps a backup, the rerun resumes at the next epoch, TensorBoard has the curves', async () => {
    const { main } = require(path.join(dist, 'checkpoints', 'run.js'));
    const { interruptedAfter, resumedAt, best, scalars } = await main();
    assert.ok(interruptedAfter >= 3 && interruptedAfter < 20, `interrupted after epoch ${interruptedAfter}`);
    // An epoch cut short by Ctrl-C still prints its line (Keras's stop semantics) and runs again.
    assert.ok(
      resumedAt === interruptedAfter || resumedAt === interruptedAfter + 1,
      `resumed at ${resumedAt} after epoch ${interruptedAfter}`,
    );
    assert.ok(best.length >= 2 && best[0].startsWith('ckpt-01-'), best.join(','));
    assert.ok(scalars.train.epoch_loss.length >= 20, JSON.stringify(Object.keys(scalars.train)));
    assert.ok(scalars.validation.epoch_loss.length >= 20);
    const loss = scalars.train.epoch_loss;
    assert.ok(loss.at(-1) < loss[0], `loss did not fall: ${loss}`);
  });
});
