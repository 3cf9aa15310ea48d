import * as assert from 'node:assert/strict';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Callback } from '../../callbacks/callback';
import type { CallbackContext } from '../../callbacks/callback-context';
import { LinesLogger } from '../../callbacks/fit-fixture.test.helper';
import { LearningRateScheduler } from '../../callbacks/learning-rate-scheduler';
import { ReduceLROnPlateau } from '../../callbacks/reduce-lr-on-plateau';
import { createRootContainer, createRunContainer } from '../../core/container';
import { canonicalData, canonicalModel } from '../../testing/canonical';
import { fromArrays } from '../data/array-data';
import { Trainer } from '../trainer';
import { loadGraphAddon } from './addon';

/** Records the first kernel's sum after every batch: needs the model's weights per batch. */
class WeightWatcher implements Callback {
  readonly sums: number[] = [];
  private model?: LayersModel;
  setContext(ctx: CallbackContext): void {
    this.model = ctx.model;
  }
  onTrainBatchEnd(): void {
    this.sums.push((this.model!.getWeights()[0] as Tensor).sum().dataSync()[0]!);
  }
}

function close(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  for (const [i, v] of a.entries())
    assert.ok(Math.abs(v - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${v} vs ${b[i]}`);
}

describe('training/compiled: Trainer.fit with the compiled step', function () {
  this.timeout(120_000);
  before(function () {
    if (!loadGraphAddon().addon) {
      if (process.env.CI) throw new Error(`compiled-step addon missing in CI: ${loadGraphAddon().reason}`);
      this.skip();
    }
  });

  it('gives eager fit’s history, weights, per-batch weights and learning rates (LR callbacks, validation)', async () => {
    const { x, y } = canonicalData(160);
    const run = async (stepMode: 'compiled' | 'eager') => {
      const logger = new LinesLogger();
      const trainer = createRunContainer(createRootContainer({ logger })).resolve(Trainer);
      const model = canonicalModel();
      const watcher = new WeightWatcher();
      const history = await trainer.fit(model, fromArrays(x, y), {
        epochs: 4,
        batchSize: 32,
        seed: 5,
        validationSplit: 0.2,
        stepMode,
        callbacks: [
          new LearningRateScheduler({ schedule: (epoch, lr) => (epoch === 2 ? lr * 0.1 : lr) }),
          new ReduceLROnPlateau({ monitor: 'loss', patience: 0, factor: 0.5, minDelta: 10 }),
          watcher,
        ],
      });
      const weights = model.getWeights().flatMap((w: Tensor) => Array.from(w.dataSync()));
      return { history: history.history, weights, sums: watcher.sums, lines: logger.lines };
    };
    const eager = await run('eager');
    const compiled = await run('compiled');
    assert.deepEqual(
      compiled.lines.filter((l) => /Training step/.test(l)),
      ['debug: Training step: compiled (one TensorFlow session call per step).'],
    );
    assert.deepEqual(Object.keys(compiled.history).sort(), Object.keys(eager.history).sort());
    for (const key of Object.keys(eager.history)) {
      close(compiled.history[key] as number[], eager.history[key] as number[], `history.${key}`);
    }
    // The learning rate changed every epoch (scheduler and plateau), and training followed it.
    assert.ok(new Set(eager.history.lr as number[]).size >= 3, String(eager.history.lr));
    close(compiled.sums, eager.sums, 'per-batch kernel sums');
    close(compiled.weights, eager.weights, 'final weights');
  });

  it('a second fit of the same model reuses its step and starts from weights set in between', async () => {
    const { x, y } = canonicalData(96);
    const run = async (stepMode: 'compiled' | 'eager') => {
      const trainer = createRunContainer(createRootContainer({ logger: new LinesLogger() })).resolve(Trainer);
      const model = canonicalModel();
      const options = { epochs: 1, batchSize: 32, seed: 2, stepMode };
      await trainer.fit(model, fromArrays(x, y), options);
      model.setWeights(model.getWeights().map((w: Tensor) => w.mul(0.5)));
      await trainer.fit(model, fromArrays(x, y), options);
      return model.getWeights().flatMap((w: Tensor) => Array.from(w.dataSync()));
    };
    close(await run('compiled'), await run('eager'), 'weights after two fits');
  });
});
