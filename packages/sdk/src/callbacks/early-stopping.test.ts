import assert from 'node:assert/strict';
import { isTfscaleError } from '../core/errors';
import { Registry } from '../core/registry';
import { canonicalModel } from '../testing/canonical';
import { describeCallbackConformance } from '../testing/conformance/callback-conformance';
import { conformanceContext } from '../testing/conformance/helpers';
import { registerBuiltinCallbacks } from './builtin-callbacks';
import type { CallbackFactory } from './callback';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping';
import { atEpochEnd, fitTiny, scriptEpochLogs, weightValues } from './fit-fixture.test.helper';

interface Case {
  options: EarlyStoppingOptions;
  key: string;
  values: number[];
  /** Keras 3.15.1 on the same scripted logs: epochs run, stopped_epoch, best_epoch, wait. */
  keras: { epochs: number; stoppedEpoch: number; bestEpoch: number; wait: number };
}

const CASES: Record<string, Case> = {
  'patience 2': {
    options: { patience: 2 },
    key: 'val_loss',
    values: [1.0, 0.9, 0.95, 0.92, 0.8, 0.7, 0.6, 0.5],
    keras: { epochs: 4, stoppedEpoch: 3, bestEpoch: 1, wait: 2 },
  },
  'minDelta 0.05': {
    options: { patience: 1, minDelta: 0.05 },
    key: 'val_loss',
    values: [1.0, 0.97, 0.9, 0.89, 0.85, 0.84, 0.8, 0.79],
    keras: { epochs: 2, stoppedEpoch: 1, bestEpoch: 0, wait: 1 },
  },
  'same, minDelta 0': {
    options: { patience: 1 },
    key: 'val_loss',
    values: [1.0, 0.97, 0.9, 0.89, 0.85, 0.84, 0.8, 0.79],
    keras: { epochs: 8, stoppedEpoch: 0, bestEpoch: 7, wait: 0 },
  },
  'baseline never beaten': {
    options: { patience: 2, baseline: 0.5 },
    key: 'val_loss',
    values: [1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
    keras: { epochs: 2, stoppedEpoch: 1, bestEpoch: 0, wait: 2 },
  },
  'same, no baseline': {
    options: { patience: 2 },
    key: 'val_loss',
    values: [1.0, 1.1, 1.2, 1.3, 1.4, 1.5],
    keras: { epochs: 3, stoppedEpoch: 2, bestEpoch: 0, wait: 2 },
  },
  'improving above baseline': {
    options: { patience: 1, baseline: 0.5 },
    key: 'val_loss',
    values: [1.0, 0.9, 0.8, 0.7, 0.6, 0.55],
    keras: { epochs: 6, stoppedEpoch: 0, bestEpoch: 5, wait: 6 },
  },
  'startFromEpoch 3': {
    options: { patience: 0, startFromEpoch: 3 },
    key: 'val_loss',
    values: [1, 2, 3, 4, 5, 6, 7],
    keras: { epochs: 5, stoppedEpoch: 4, bestEpoch: 3, wait: 1 },
  },
  'val_accuracy, auto → max': {
    options: { patience: 2, monitor: 'val_accuracy' },
    key: 'val_accuracy',
    values: [0.5, 0.6, 0.55, 0.58, 0.7, 0.8],
    keras: { epochs: 4, stoppedEpoch: 3, bestEpoch: 1, wait: 2 },
  },
  'patience 0': {
    options: { patience: 0 },
    key: 'val_loss',
    values: [1.0, 1.1, 1.2],
    keras: { epochs: 2, stoppedEpoch: 1, bestEpoch: 0, wait: 1 },
  },
};

describe('callbacks/EarlyStopping', () => {
  for (const [title, c] of Object.entries(CASES)) {
    it(`stops where Keras stops: ${title}`, async () => {
      const early = new EarlyStopping(c.options);
      const { history, control } = await fitTiny([scriptEpochLogs({ [c.key]: c.values }), early], {
        epochs: c.values.length,
      });
      assert.equal(history.epoch.length, c.keras.epochs, 'epochs run');
      assert.deepEqual(
        { stoppedEpoch: early.stoppedEpoch, bestEpoch: early.bestEpoch, wait: early.wait },
        { stoppedEpoch: c.keras.stoppedEpoch, bestEpoch: c.keras.bestEpoch, wait: c.keras.wait },
      );
      assert.equal(control.stopRequested, c.keras.stoppedEpoch > 0);
      if (control.stopRequested) assert.match(control.stopReason!, /^EarlyStopping: /);
    });
  }

  it('restores the best epoch’s weights when it stops, and not without restoreBestWeights', async () => {
    const values = [1.0, 0.8, 0.5, 0.7, 0.9, 0.95, 0.99];
    for (const restore of [true, false]) {
      const early = new EarlyStopping({ patience: 2, restoreBestWeights: restore, verbose: 1 });
      const weights = atEpochEnd((ctx) => weightValues(ctx.model));
      const { model, history, logger } = await fitTiny([scriptEpochLogs({ val_loss: values }), early, weights], {
        epochs: values.length,
      });
      assert.equal(history.epoch.length, 5);
      assert.notDeepEqual(weights.values[2], weights.values[4], 'training moved the weights');
      assert.deepEqual(weightValues(model), weights.values[restore ? 2 : 4]);
      assert.equal(logger.lines.includes('info: Epoch 5: early stopping'), true);
      assert.equal(logger.lines.includes('info: Restoring model weights from the end of the best epoch: 3.'), restore);
    }
  });

  it('restores the best weights at the end of training even without stopping (Keras 3)', async () => {
    const early = new EarlyStopping({ patience: 10, restoreBestWeights: true });
    const weights = atEpochEnd((ctx) => weightValues(ctx.model));
    const { model, history } = await fitTiny([scriptEpochLogs({ val_loss: [1.0, 0.5, 0.7, 0.8] }), early, weights], {
      epochs: 4,
    });
    assert.equal(history.epoch.length, 4);
    assert.deepEqual(weightValues(model), weights.values[1]);
  });

  it('resumes from its JSON state, best weights included', async () => {
    const model = canonicalModel();
    const first = new EarlyStopping({ patience: 3, restoreBestWeights: true });
    const weights = atEpochEnd((ctx) => weightValues(ctx.model));
    await fitTiny([scriptEpochLogs({ val_loss: [1.0, 0.5, 0.7] }), first, weights], { epochs: 3, model });
    const state = JSON.parse(JSON.stringify(first.saveState()));
    assert.deepEqual(
      { wait: state.wait, best: state.best, bestEpoch: state.bestEpoch },
      { wait: 1, best: 0.5, bestEpoch: 1 },
    );

    const resumed = new EarlyStopping({ patience: 3, restoreBestWeights: true });
    assert.equal(resumed.stateKey, 'early_stopping:val_loss');
    resumed.loadState(state);
    // With the state kept, two more epochs without improvement exhaust the patience of 3.
    const { control } = await fitTiny([scriptEpochLogs({ val_loss: [0.8, 0.9] }), resumed], { epochs: 2, model });
    assert.equal(control.stopRequested, true);
    assert.equal(resumed.stoppedEpoch, 1);
    assert.deepEqual(weightValues(model), weights.values[1]);
  });

  it('validates its options', () => {
    const bad: Array<[EarlyStoppingOptions, RegExp]> = [
      [{ patience: -1 }, /Received: patience=-1. Expected: an integer >= 0/],
      [{ patience: 1.5 }, /patience=1.5/],
      [{ startFromEpoch: -2 }, /startFromEpoch=-2/],
      [{ mode: 'lowest' as 'min' }, /mode="lowest"/],
      [{ baseline: 'low' as unknown as number }, /baseline="low"/],
      [
        { restore_best_weights: true } as EarlyStoppingOptions,
        /Unknown option `restore_best_weights`[\s\S]*HINT: did you mean `restoreBestWeights`/,
      ],
    ];
    for (const [options, pattern] of bad) {
      assert.throws(
        () => new EarlyStopping(options),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && pattern.test(err.message),
        JSON.stringify(options),
      );
    }
  });

  it('is registered as `early_stopping` and built from run-file options', async () => {
    const registry = new Registry<CallbackFactory>('callback');
    registerBuiltinCallbacks(registry);
    const callback = await registry.get('early_stopping')(
      { monitor: 'val_accuracy', patience: 3 },
      conformanceContext(),
    );
    assert.ok(callback instanceof EarlyStopping);
    assert.equal(callback.patience, 3);
  });
});

describeCallbackConformance('early_stopping', () => (options) => new EarlyStopping(options), {
  options: { patience: 1 },
});
