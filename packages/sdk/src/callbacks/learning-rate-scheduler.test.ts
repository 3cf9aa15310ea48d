import assert from 'node:assert/strict';
import { isTfscaleError } from '../core/errors';
import { Registry } from '../core/registry';
import { canonicalModel } from '../testing/canonical';
import { conformanceContext } from '../testing/conformance/helpers';
import { registerBuiltinCallbacks } from './builtin-callbacks';
import type { Callback, CallbackFactory } from './callback';
import type { CallbackContext } from './callback-context';
import { atEpochEnd, fitTiny, weightValues } from './fit-fixture.test.helper';
import { LearningRateScheduler, type Schedule } from './learning-rate-scheduler';

/** The optimizer's learning rate at every batch, by epoch (place after the scheduler). */
function batchRates(): Callback & { byEpoch: number[][] } {
  let ctx: CallbackContext | undefined;
  const byEpoch: number[][] = [];
  return {
    byEpoch,
    setContext: (c) => {
      ctx = c;
    },
    onEpochBegin: () => void byEpoch.push([]),
    onTrainBatchBegin: () => void byEpoch.at(-1)!.push(ctx!.optimizer.getLearningRate()),
  };
}

describe('callbacks/LearningRateScheduler', () => {
  it("sets the optimizer's rate to schedule(epoch, lr) at each epoch begin and logs it as lr", async () => {
    const schedule: Schedule = (epoch, lr) => (epoch < 2 ? lr : lr * 0.5);
    const rates = batchRates();
    const { history, model } = await fitTiny([new LearningRateScheduler(schedule), rates], {
      epochs: 5,
      model: canonicalModel({ learningRate: 0.1 }),
    });
    const expected = [0.1, 0.1, 0.05, 0.025, 0.0125];
    assert.deepEqual(history.history.lr, expected);
    assert.deepEqual(
      rates.byEpoch,
      expected.map((lr) => Array(6).fill(lr)),
    );
    assert.equal((model.optimizer as unknown as { learningRate: number }).learningRate, 0.0125);
  });

  it('changes what the optimizer applies: a zero rate leaves the weights alone for that epoch', async () => {
    const weights = atEpochEnd((ctx) => weightValues(ctx.model));
    await fitTiny([new LearningRateScheduler({ schedule: (epoch) => (epoch === 1 ? 0 : 0.5) }), weights], {
      epochs: 3,
    });
    assert.deepEqual(weights.values[1], weights.values[0]);
    assert.notDeepEqual(weights.values[2], weights.values[1]);
  });

  it('accepts an async schedule and logs with verbose 1', async () => {
    const scheduler = new LearningRateScheduler(async (epoch) => 0.1 / (epoch + 1), { verbose: 1 });
    const { logger, history } = await fitTiny([scheduler], { epochs: 2 });
    assert.deepEqual(history.history.lr, [0.1, 0.05]);
    assert.deepEqual(
      logger.lines.filter((l) => l.includes('LearningRateScheduler')),
      [
        'info: Epoch 1: LearningRateScheduler setting learning rate to 0.1.',
        'info: Epoch 2: LearningRateScheduler setting learning rate to 0.05.',
      ],
    );
  });

  it('stops training with a clear error when the schedule returns no usable number', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -0.1, '0.1' as unknown as number]) {
      await assert.rejects(
        fitTiny([new LearningRateScheduler(() => bad)], { epochs: 1 }),
        (err: unknown) =>
          isTfscaleError(err, 'TFSCALE_E_CALLBACK_FAILED') &&
          err.message.includes('LearningRateScheduler') &&
          err.message.includes(`should be a finite number >= 0. Got: ${String(bad)} at epoch 0`),
        String(bad),
      );
    }
  });

  it('needs a function, which a JSON run file cannot give', () => {
    assert.throws(
      () => new LearningRateScheduler({ schedule: 'exponential' } as unknown as { schedule: Schedule }),
      (err: unknown) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') &&
        /schedule="exponential"/.test(err.message) &&
        /configured in TypeScript/.test(err.hint ?? ''),
    );
    assert.throws(() => new LearningRateScheduler((e) => e, { verbose: -1 }), /verbose=-1/);
  });

  it('is registered as `learning_rate_scheduler` for TypeScript users; JSON options get a clear error', async () => {
    const registry = new Registry<CallbackFactory>('callback');
    registerBuiltinCallbacks(registry);
    const make = registry.get('learning_rate_scheduler');
    assert.ok(
      (await make({ schedule: (epoch: number) => 0.1 / (epoch + 1) }, conformanceContext())) instanceof
        LearningRateScheduler,
    );
    await assert.rejects(async () => make({ schedule: 'cosine' }, conformanceContext()), /configured in TypeScript/);
  });
});
