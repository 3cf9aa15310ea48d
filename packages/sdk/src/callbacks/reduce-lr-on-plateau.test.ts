import assert from 'node:assert/strict';
import { isTfscaleError } from '../core/errors';
import { Registry } from '../core/registry';
import { canonicalModel } from '../testing/canonical';
import { conformanceContext } from '../testing/conformance/helpers';
import { registerBuiltinCallbacks } from './builtin-callbacks';
import type { CallbackFactory } from './callback';
import { fitTiny, scriptEpochLogs } from './fit-fixture.test.helper';
import { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';

interface Case {
  options: ReduceLROnPlateauOptions;
  key: string;
  values: number[];
  /** Keras 3.15.1 on the same scripted logs, SGD(0.1): learning rate of each epoch, and after. */
  keras: { lr: number[]; final: number };
}

const CASES: Record<string, Case> = {
  'cooldown 2, minLr 0.02': {
    options: { factor: 0.5, patience: 2, cooldown: 2, minLr: 0.02 },
    key: 'val_loss',
    values: Array(12).fill(1.0),
    keras: { lr: [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02], final: 0.02 },
  },
  // Keras counts the epoch that ends a cooldown, so a cooldown of 1 changes nothing.
  'cooldown 1, minLr 0.02': {
    options: { factor: 0.5, patience: 2, cooldown: 1, minLr: 0.02 },
    key: 'val_loss',
    values: Array(12).fill(1.0),
    keras: { lr: [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02], final: 0.02 },
  },
  'no cooldown, no minLr': {
    options: { factor: 0.5, patience: 2 },
    key: 'val_loss',
    values: Array(10).fill(1.0),
    keras: { lr: [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.00625], final: 0.00625 },
  },
  'minDelta 0.01': {
    options: { factor: 0.5, patience: 1, minDelta: 0.01 },
    key: 'val_loss',
    values: [1.0, 0.995, 0.99, 0.985, 0.98, 0.975],
    keras: { lr: [0.1, 0.1, 0.05, 0.025, 0.025, 0.0125], final: 0.00625 },
  },
  'same, minDelta 0.001': {
    options: { factor: 0.5, patience: 1, minDelta: 0.001 },
    key: 'val_loss',
    values: [1.0, 0.995, 0.99, 0.985, 0.98, 0.975],
    keras: { lr: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], final: 0.1 },
  },
  'mode max': {
    options: { factor: 0.1, patience: 1, monitor: 'val_accuracy', mode: 'max' },
    key: 'val_accuracy',
    values: [0.5, 0.6, 0.6, 0.7, 0.65, 0.64, 0.9],
    keras: { lr: [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.0001], final: 0.0001 },
  },
};

function assertClose(actual: number[], expected: number[], message: string): void {
  assert.equal(actual.length, expected.length, message);
  // Keras holds the rate in float32; ours is the float64 product, equal to float32 precision.
  for (const [i, a] of actual.entries()) {
    assert.ok(Math.abs(a - expected[i]!) <= 1e-7 * expected[i]!, `${message}: [${actual}] vs [${expected}]`);
  }
}

describe('callbacks/ReduceLROnPlateau', () => {
  for (const [title, c] of Object.entries(CASES)) {
    it(`gives Keras' learning-rate sequence: ${title}`, async () => {
      const plateau = new ReduceLROnPlateau(c.options);
      const { history, model } = await fitTiny([scriptEpochLogs({ [c.key]: c.values }), plateau], {
        epochs: c.values.length,
        model: canonicalModel({ learningRate: 0.1 }),
      });
      assertClose(history.history.lr!, c.keras.lr, 'lr of each epoch');
      assertClose([(model.optimizer as unknown as { learningRate: number }).learningRate], [c.keras.final], 'final lr');
    });
  }

  it('logs each reduction with verbose 1 and writes lr into the epoch logs', async () => {
    const plateau = new ReduceLROnPlateau({ factor: 0.5, patience: 1, verbose: 1 });
    const seen: number[] = [];
    const after = { onEpochEnd: (_e: number, logs?: Record<string, number>) => void seen.push(logs!.lr!) };
    const { logger } = await fitTiny([scriptEpochLogs({ val_loss: [1, 1, 1] }), plateau, after], {
      epochs: 3,
      model: canonicalModel({ learningRate: 0.1 }),
    });
    assert.deepEqual(seen, [0.1, 0.1, 0.05]);
    assert.deepEqual(
      logger.lines.filter((l) => l.includes('ReduceLROnPlateau')),
      [
        'info: Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05.',
        'info: Epoch 3: ReduceLROnPlateau reducing learning rate to 0.025.',
      ],
    );
  });

  it('resumes its counters from JSON state instead of resetting them', async () => {
    const first = new ReduceLROnPlateau({ factor: 0.5, patience: 3 });
    const model = canonicalModel({ learningRate: 0.1 });
    await fitTiny([scriptEpochLogs({ val_loss: [1, 1, 1] }), first], { epochs: 3, model });
    const state = JSON.parse(JSON.stringify(first.saveState()));
    assert.deepEqual(state, { best: 1, wait: 2, cooldownCounter: 0 });
    const resumed = new ReduceLROnPlateau({ factor: 0.5, patience: 3 });
    resumed.loadState(state);
    const { history } = await fitTiny([scriptEpochLogs({ val_loss: [1, 1] }), resumed], { epochs: 2, model });
    assertClose(history.history.lr!, [0.1, 0.05], 'third plateau epoch reduces');
  });

  it('refuses a factor >= 1 as Keras does, and other bad options', () => {
    const bad: Array<[ReduceLROnPlateauOptions, RegExp]> = [
      [{ factor: 1 }, /Received: factor=1[\s\S]*ReduceLROnPlateau does not support a factor >= 1.0/],
      [{ factor: -0.5 }, /factor=-0.5/],
      [{ patience: -1 }, /patience=-1/],
      [{ cooldown: 0.5 }, /cooldown=0.5/],
      [{ minLr: -1 }, /minLr=-1/],
      [{ min_lr: 0.1 } as ReduceLROnPlateauOptions, /did you mean `minLr`/],
    ];
    for (const [options, pattern] of bad) {
      assert.throws(
        () => new ReduceLROnPlateau(options),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && pattern.test(err.message),
        JSON.stringify(options),
      );
    }
  });

  it('is registered as `reduce_lr_on_plateau` and built from run-file options', async () => {
    const registry = new Registry<CallbackFactory>('callback');
    registerBuiltinCallbacks(registry);
    const callback = await registry.get('reduce_lr_on_plateau')({ factor: 0.5, minLr: 0.001 }, conformanceContext());
    assert.ok(callback instanceof ReduceLROnPlateau);
    assert.equal(callback.minLr, 0.001);
  });
});
