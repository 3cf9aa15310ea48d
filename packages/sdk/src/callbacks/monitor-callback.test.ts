import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import { isTfscaleError } from '../core/errors';
import { canonicalModel } from '../testing/canonical';
import type { Logs } from './callback';
import { fitTiny, scriptEpochLogs } from './fit-fixture.test.helper';
import { fromJsonNumber, MonitorCallback, monitorDirection, toJsonNumber } from './monitor-callback';

/** The smallest subclass: tracks the best value as Keras' callbacks do. */
class BestTracker extends MonitorCallback {
  readonly name = 'BestTracker';
  readonly improvedAt: number[] = [];
  constructor(monitor: string, mode: unknown = 'auto', minDelta = 0) {
    super(monitor, mode, minDelta);
  }
  onEpochEnd(epoch: number, logs?: Logs): void {
    const value = this.monitorValue(logs, (keys) => `no ${this.monitor}; available: ${keys}`);
    if (value !== undefined && this.isImprovement(value, this.best)) {
      this.best = value;
      this.improvedAt.push(epoch);
    }
  }
}

describe('callbacks/MonitorCallback', () => {
  it("infers the direction as Keras 3: loss, then the compiled metric's own direction", () => {
    const tf = loadTf();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
    // A custom metric may declare Keras' `_direction` itself.
    const f1 = Object.assign(
      function f1(a: Tensor, b: Tensor) {
        return tf.metrics.precision(a, b);
      },
      { direction: 'up' },
    );
    const anonymous = function score(a: Tensor, b: Tensor) {
      return tf.metrics.meanSquaredError(a, b);
    };
    model.compile({
      optimizer: 'sgd',
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy', 'mse', 'cosine', 'precision', tf.metrics.recall, 'ce', f1, anonymous],
    });
    const expected: Array<[string, 'min' | 'max' | undefined]> = [
      ['loss', 'min'],
      ['val_loss', 'min'],
      ['accuracy', 'max'],
      ['val_accuracy', 'max'],
      ['val_mse', 'min'],
      ['val_cosine', 'min'], // tfjs' cosine is the negated similarity
      ['precision', 'max'],
      ['val_recall', 'max'],
      ['ce', 'min'],
      ['val_f1', 'max'],
      ['val_score', undefined], // a custom metric without a declared direction
      ['val_auc', undefined], // not compiled: Keras 3 does not guess from names
      ['lr', undefined],
    ];
    for (const [monitor, direction] of expected)
      assert.equal(monitorDirection(monitor, 'auto', model), direction, monitor);
    assert.equal(monitorDirection('val_auc', 'max', model), 'max');
    assert.equal(monitorDirection('val_accuracy', 'min', model), 'min');
    assert.equal(monitorDirection('val_loss', 'auto'), 'min');
    assert.equal(monitorDirection('val_accuracy', 'auto'), undefined);
  });

  it('compares with minDelta in float32, as Keras ops.less/ops.greater do', () => {
    const min = new BestTracker('val_loss', 'min', -0.1); // abs() as Keras
    assert.equal(min.minDelta, 0.1);
    assert.equal(min.isImprovement(0.5, undefined), true);
    assert.equal(min.isImprovement(0.35, 0.5), true);
    assert.equal(min.isImprovement(0.45, 0.5), false);
    const max = new BestTracker('val_accuracy', 'max', 0.01);
    assert.equal(max.isImprovement(0.62, 0.6), true);
    assert.equal(max.isImprovement(0.605, 0.6), false);
    const exact = new BestTracker('val_loss', 'min');
    assert.equal(exact.isImprovement(0.3, 0.30000001), false, 'equal in float32');
    assert.equal(exact.isImprovement(0.2999, 0.3), true);
  });

  it('refuses an unknown mode', () => {
    assert.throws(
      () => new BestTracker('val_loss', 'lowest'),
      (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && /Received: mode="lowest"/.test(err.message),
    );
  });

  it('tracks the best epochs of a scripted sequence through the real Trainer', async () => {
    const max = new BestTracker('val_accuracy');
    const min = new BestTracker('val_accuracy', 'min');
    const values = [0.6, 0.7, 0.65, 0.8, 0.8, 0.9];
    await fitTiny([scriptEpochLogs({ val_accuracy: values }), max, min], { epochs: 6 });
    assert.deepEqual(max.improvedAt, [0, 1, 3, 5]); // auto → max: accuracy is compiled
    assert.deepEqual(min.improvedAt, [0]);
  });

  it('warns once, listing the available keys, when the monitored key is missing', async () => {
    const tracker = new BestTracker('val_f1', 'max');
    const { logger } = await fitTiny([tracker], { epochs: 3 });
    const warnings = logger.lines.filter((l) => l.startsWith('warn: no val_f1'));
    assert.deepEqual(warnings, ['warn: no val_f1; available: loss,accuracy,val_loss,val_accuracy,lr']);
    assert.equal(tracker.best, undefined);
  });

  it("fails with a hint when 'auto' cannot tell the direction", async () => {
    const tracker = new BestTracker('val_auc');
    await assert.rejects(
      fitTiny([scriptEpochLogs({ val_auc: [0.5, 0.6] }), tracker], { epochs: 2, model: canonicalModel() }),
      (err: unknown) => isTfscaleError(err) && /monitor="val_auc"/.test(err.message) && /mode: 'max'/.test(err.message),
    );
  });

  it('keeps non-finite numbers through JSON state', () => {
    for (const value of [0.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined]) {
      const back = fromJsonNumber(JSON.parse(JSON.stringify(toJsonNumber(value))));
      assert.ok(Object.is(back, value), String(value));
    }
    assert.throws(() => fromJsonNumber('abc'), /Invalid value/);
  });
});
