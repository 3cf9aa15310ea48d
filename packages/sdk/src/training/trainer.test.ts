import * as assert from 'node:assert/strict';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import type { Callback } from '../callbacks/callback';
import { createRootContainer, createRunContainer } from '../core/container';
import { silentLogger } from '../core/logger';
import { canonicalData, canonicalModel } from '../testing/canonical';
import { fromArrays } from './data/array-data';
import { Trainer } from './trainer';

function trainer(): Trainer {
  return createRunContainer(createRootContainer({ logger: silentLogger })).resolve(Trainer);
}

function weights(model: LayersModel): number[][] {
  return model.getWeights().map((w: Tensor) => Array.from(w.dataSync()));
}

function assertClose(a: number[][], b: number[][], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  for (const [i, row] of a.entries()) {
    for (const [j, v] of row.entries())
      assert.ok(Math.abs(v - b[i][j]) <= tol, `${what}[${i}][${j}]: ${v} vs ${b[i][j]}`);
  }
}

describe('training/Trainer', function () {
  this.timeout(60_000);
  const { x, y } = canonicalData(200);

  it('matches tfjs model.fit: same weights, same loss and validation history (Keras names)', async () => {
    const tf = loadTf();
    const reference = canonicalModel();
    const ours = canonicalModel();
    const xs = tf.tensor2d(x);
    const ys = tf.tensor2d(y);
    const fit = await reference.fit(xs, ys, {
      epochs: 3,
      batchSize: 32,
      shuffle: false,
      validationSplit: 0.2,
      verbose: 0,
    });
    const history = await trainer().fit(ours, fromArrays(x, y), {
      epochs: 3,
      batchSize: 32,
      shuffle: false,
      validationSplit: 0.2,
    });
    assertClose(weights(ours), weights(reference), 1e-6, 'weights');
    assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'lr', 'val_accuracy', 'val_loss']);
    for (const [ours_, theirs] of [
      ['loss', 'loss'],
      ['accuracy', 'acc'],
      ['val_loss', 'val_loss'],
      ['val_accuracy', 'val_acc'],
    ]) {
      for (const [i, v] of history.history[ours_].entries()) {
        assert.ok(
          Math.abs(v - (fit.history[theirs][i] as number)) < 1e-5,
          `${ours_}[${i}] ${v} vs ${fit.history[theirs][i]}`,
        );
      }
    }
    assert.deepEqual(history.history.lr, [0.01, 0.01, 0.01]);
    assert.deepEqual(history.epoch, [0, 1, 2]);
    tf.dispose([xs, ys]);
  });

  it('is reproducible: the same seed gives the same weights with shuffling on', async () => {
    const a = canonicalModel();
    const b = canonicalModel();
    await trainer().fit(a, fromArrays(x, y), { epochs: 2, batchSize: 16, seed: 5 });
    await trainer().fit(b, fromArrays(x, y), { epochs: 2, batchSize: 16, seed: 5 });
    assertClose(weights(a), weights(b), 0, 'weights');
    const c = canonicalModel();
    await trainer().fit(c, fromArrays(x, y), { epochs: 2, batchSize: 16, seed: 6 });
    assert.notDeepEqual(weights(c), weights(a));
  });

  it('applies what the gradient hook returns (zeroed gradients leave Adam weights unchanged)', async () => {
    const tf = loadTf();
    const model = canonicalModel();
    const before = weights(model);
    const seen: string[][] = [];
    await trainer().fit(model, fromArrays(x, y), {
      epochs: 1,
      batchSize: 50,
      gradientHook: (grads) => {
        seen.push(Object.keys(grads));
        return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.zerosLike(g)]));
      },
    });
    assert.equal(seen.length, 4);
    assert.equal(seen[0].length, 4);
    assertClose(weights(model), before, 0, 'weights');
  });

  it('calls the hooks in Keras order and stops after the batch that asked', async () => {
    const events: string[] = [];
    let stop: (() => void) | undefined;
    const recorder: Callback = {
      setContext: (ctx) => {
        stop = () => ctx.control.stopTraining('test');
        events.push(`context steps=${ctx.params.steps}`);
      },
      onTrainBegin: () => void events.push('train_begin'),
      onEpochBegin: (e) => void events.push(`epoch_begin ${e}`),
      onTrainBatchEnd: (b, logs) => {
        events.push(`batch_end ${b} ${Object.keys(logs ?? {}).join(',')}`);
        if (b === 1) stop?.();
      },
      onEpochEnd: (e, logs) => void events.push(`epoch_end ${e} ${Object.keys(logs ?? {}).join(',')}`),
      onTrainEnd: () => void events.push('train_end'),
    };
    const history = await trainer().fit(canonicalModel(), fromArrays(x, y), {
      epochs: 5,
      batchSize: 50,
      callbacks: [recorder],
    });
    assert.deepEqual(events, [
      'context steps=4',
      'train_begin',
      'epoch_begin 0',
      'batch_end 0 loss,accuracy',
      'batch_end 1 loss,accuracy',
      'epoch_end 0 loss,accuracy,lr',
      'train_end',
    ]);
    assert.deepEqual(history.epoch, [0]);
  });

  it('refuses bad options with Keras-style messages', async () => {
    await assert.rejects(
      trainer().fit(canonicalModel(), fromArrays(x, y), { batchSize: 0 }),
      /Invalid value for `batchSize`\. Received: batchSize=0/,
    );
    await assert.rejects(
      trainer().fit(canonicalModel(), fromArrays(x, y), { validationSplit: 1.5 }),
      /validationSplit/,
    );
    const tf = loadTf();
    const uncompiled = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 3 })] });
    await assert.rejects(trainer().fit(uncompiled, fromArrays(x, y)), /must be compiled/);
  });

  it('evaluate() gives the loss and metrics model.evaluate gives', async () => {
    const tf = loadTf();
    const model = canonicalModel();
    const logs = await trainer().evaluate(model, fromArrays(x, y), { batchSize: 64 });
    const [loss, acc] = (model.evaluate(tf.tensor2d(x), tf.tensor2d(y), { batchSize: 64 }) as Tensor[]).map(
      (t) => t.dataSync()[0],
    );
    assert.ok(Math.abs(logs.loss - loss) < 1e-5);
    assert.ok(Math.abs(logs.accuracy - acc) < 1e-6);
  });
});
