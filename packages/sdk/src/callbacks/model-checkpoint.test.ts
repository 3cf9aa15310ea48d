import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import { isTfscaleError } from '../core/errors';
import { Registry } from '../core/registry';
import { tfjsFolder } from '../io/tfjs-file-handler';
import { readWeights, setModelWeights } from '../io/weights-file';
import { canonicalData, canonicalModel } from '../testing/canonical';
import { conformanceContext } from '../testing/conformance/helpers';
import { registerBuiltinCallbacks } from './builtin-callbacks';
import type { Callback, CallbackFactory } from './callback';
import type { CallbackContext } from './callback-context';
import { atEpochEnd, fitTiny, scriptBatchLogs, scriptEpochLogs, weightValues } from './fit-fixture.test.helper';
import { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint';

// Scripted logs; the expected files below are what Keras 3.15.1 wrote for the same logs (a
// callback before ModelCheckpoint overwrote them), 192 samples in batches of 32, `.keras` dropped.
const EPOCH_LOGS = { val_loss: [0.5, 0.4, 0.45, 0.3, 0.35, 0.3], val_accuracy: [0.6, 0.7, 0.65, 0.8, 0.8, 0.9] };
const BATCH_LOGS = {
  loss: [1.0, 1.0, 1.0, 0.9, 1.0, 1.0, 1.0, 0.7, 1.0, 1.0, 1.0, 0.95, 1.0, 1.0, 1.0, 0.6, 1.0, 1.0],
  accuracy: [0.1, 0.1, 0.1, 0.5, 0.1, 0.1, 0.1, 0.6, 0.1, 0.1, 0.1, 0.55, 0.1, 0.1, 0.1, 0.7, 0.1, 0.1],
};
const ALL_EPOCHS = (monitor: 'val_loss' | 'val_accuracy') =>
  EPOCH_LOGS[monitor].map((v, i) => `ep0${i + 1}-${v.toFixed(3)}`);
const ALL_BATCH_SAVES = ['e01-b04', 'e02-b02', 'e02-b06', 'e03-b04'];

type Case = [monitor: string, mode: 'min' | 'max' | 'auto', saveBestOnly: boolean, keras: string[]];
const EPOCH_CASES: Case[] = [
  ['val_loss', 'min', true, ['ep01-0.500', 'ep02-0.400', 'ep04-0.300']],
  ['val_loss', 'min', false, ALL_EPOCHS('val_loss')],
  ['val_accuracy', 'max', true, ['ep01-0.600', 'ep02-0.700', 'ep04-0.800', 'ep06-0.900']],
  ['val_accuracy', 'max', false, ALL_EPOCHS('val_accuracy')],
  ['val_loss', 'auto', true, ['ep01-0.500', 'ep02-0.400', 'ep04-0.300']],
  ['val_loss', 'auto', false, ALL_EPOCHS('val_loss')],
  ['val_accuracy', 'auto', true, ['ep01-0.600', 'ep02-0.700', 'ep04-0.800', 'ep06-0.900']],
  ['val_accuracy', 'auto', false, ALL_EPOCHS('val_accuracy')],
];
const BATCH_CASES: Case[] = [
  ['loss', 'min', true, ['e01-b04', 'e02-b02', 'e03-b04']],
  ['loss', 'min', false, ALL_BATCH_SAVES],
  ['loss', 'max', true, ['e01-b04', 'e02-b06']],
  ['loss', 'max', false, ALL_BATCH_SAVES],
  ['loss', 'auto', true, ['e01-b04', 'e02-b02', 'e03-b04']],
  ['loss', 'auto', false, ALL_BATCH_SAVES],
  ['accuracy', 'auto', true, ['e01-b04', 'e02-b02', 'e03-b04']],
  ['accuracy', 'auto', false, ALL_BATCH_SAVES],
  ['val_loss', 'auto', true, ALL_BATCH_SAVES], // no val_loss in batch logs: Keras warns and saves
];

const PROBE = canonicalData(5, { seed: 99 }).x;

/** Predictions on PROBE after every batch and epoch, keyed `e<epoch>-b<batch>` / `e<epoch>` (1-based). */
function predictionRecorder(): Callback & { at: Map<string, number[]> } {
  let ctx: CallbackContext | undefined;
  let epoch = 0;
  const at = new Map<string, number[]>();
  const record = (key: string) => at.set(key, predict(ctx!.model));
  return {
    at,
    setContext: (c) => {
      ctx = c;
    },
    onEpochBegin: (e) => {
      epoch = e;
    },
    onTrainBatchEnd: (batch) => void record(`e${epoch + 1}-b${batch + 1}`),
    onEpochEnd: (e) => void record(`e${e + 1}`),
  };
}

function predict(model: LayersModel): number[] {
  const tf = loadTf();
  return tf.tidy(() => Array.from((model.predict(tf.tensor2d(PROBE)) as Tensor).dataSync()));
}

/** The recorder key of a checkpoint folder name: `ep04-0.300` → `e4`, `e02-b06` → `e2-b6`. */
function momentOf(name: string): string {
  const batch = /^e(\d+)-b(\d+)$/.exec(name);
  return batch ? `e${Number(batch[1])}-b${Number(batch[2])}` : `e${Number(/^ep(\d+)/.exec(name)![1])}`;
}

async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfscale-ckpt-'));
  try {
    return await run(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('callbacks/ModelCheckpoint', () => {
  const matrix = [...EPOCH_CASES.map((c) => ['epoch', c] as const), ...BATCH_CASES.map((c) => [4, c] as const)];
  for (const [saveFreq, [monitor, mode, saveBestOnly, keras]] of matrix) {
    it(`writes what Keras writes: saveFreq=${saveFreq}, monitor=${monitor}, mode=${mode}, saveBestOnly=${saveBestOnly}`, async () => {
      await withTempDir(async (dir) => {
        const template = saveFreq === 'epoch' ? `ep{epoch:02d}-{${monitor}:.3f}` : 'e{epoch:02d}-b{batch:02d}';
        const checkpoint = new ModelCheckpoint({
          filepath: path.join(dir, template),
          monitor,
          mode,
          saveBestOnly,
          saveFreq,
        });
        const recorder = predictionRecorder();
        const callbacks = [scriptEpochLogs(EPOCH_LOGS), scriptBatchLogs(BATCH_LOGS), checkpoint, recorder];
        const { logger } = await fitTiny(callbacks, { epochs: saveFreq === 'epoch' ? 6 : 3 });
        assert.deepEqual((await fs.readdir(dir)).sort(), keras);
        for (const name of keras) {
          const restored = await loadTf().loadLayersModel(tfjsFolder(path.join(dir, name)));
          assert.deepEqual(
            predict(restored),
            recorder.at.get(momentOf(name)),
            `${name} predicts like the model when it was saved`,
          );
        }
        const warnings = logger.lines.filter((l) => l.startsWith('warn: Can save best model only with'));
        assert.equal(warnings.length, monitor === 'val_loss' && saveFreq !== 'epoch' ? 1 : 0);
      });
    });
  }

  it('compares batch saves from the first one on (Keras 3.15 raises a TypeError here with saveFreq 1)', async () => {
    await withTempDir(async (dir) => {
      const checkpoint = new ModelCheckpoint({
        filepath: path.join(dir, 'b{batch}'),
        monitor: 'loss',
        saveBestOnly: true,
        saveFreq: 1,
      });
      await fitTiny([scriptBatchLogs({ loss: [1.0, 0.9, 0.95, 0.8, 0.85, 0.7] }), checkpoint], { epochs: 1 });
      assert.deepEqual((await fs.readdir(dir)).sort(), ['b1', 'b2', 'b4', 'b6']);
    });
  });

  it('weights only: a folder per improvement that loads into the same architecture', async () => {
    await withTempDir(async (dir) => {
      const checkpoint = new ModelCheckpoint({
        filepath: path.join(dir, 'w{epoch}'),
        saveBestOnly: true,
        saveWeightsOnly: true,
      });
      const weights = atEpochEnd((ctx) => weightValues(ctx.model));
      await fitTiny([scriptEpochLogs(EPOCH_LOGS), checkpoint, weights], { epochs: 6 });
      assert.deepEqual((await fs.readdir(dir)).sort(), ['w1', 'w2', 'w4']);
      for (const [name, epoch] of [
        ['w2', 1],
        ['w4', 3],
      ] as const) {
        assert.deepEqual((await fs.readdir(path.join(dir, name))).sort(), ['weights.bin', 'weights.json']);
        const fresh = canonicalModel();
        setModelWeights(fresh, await readWeights(path.join(dir, name)));
        assert.deepEqual(weightValues(fresh), weights.values[epoch]);
      }
    });
  });

  it('overwrites one folder without a template: the last improvement, or the last epoch', async () => {
    for (const [saveBestOnly, expectedEpoch] of [
      [true, 3],
      [false, 5],
    ] as const) {
      await withTempDir(async (dir) => {
        const recorder = predictionRecorder();
        const checkpoint = new ModelCheckpoint({ filepath: path.join(dir, 'best'), saveBestOnly });
        await fitTiny([scriptEpochLogs(EPOCH_LOGS), checkpoint, recorder], { epochs: 6 });
        assert.deepEqual(await fs.readdir(dir), ['best']);
        const restored = await loadTf().loadLayersModel(tfjsFolder(path.join(dir, 'best')));
        assert.deepEqual(predict(restored), recorder.at.get(`e${expectedEpoch + 1}`));
      });
    }
  });

  it('starts from initialValueThreshold and logs its decisions with verbose 1', async () => {
    await withTempDir(async (dir) => {
      const checkpoint = new ModelCheckpoint({
        filepath: path.join(dir, 'ep{epoch:02d}'),
        saveBestOnly: true,
        initialValueThreshold: 0.42,
        verbose: 1,
      });
      const { logger } = await fitTiny([scriptEpochLogs(EPOCH_LOGS), checkpoint], { epochs: 6 });
      assert.deepEqual((await fs.readdir(dir)).sort(), ['ep02', 'ep04']);
      const lines = logger.lines.filter((l) => l.startsWith('info: Epoch'));
      assert.equal(lines[0], 'info: Epoch 1: val_loss did not improve from 0.42000');
      assert.equal(
        lines[1],
        `info: Epoch 2: val_loss improved from 0.42000 to 0.40000, saving model to ${path.join(dir, 'ep02')}`,
      );
      assert.equal(lines[2], `info: Epoch 2: finished saving model to ${path.join(dir, 'ep02')}`);
    });
  });

  it('keeps its best value through JSON state', async () => {
    await withTempDir(async (dir) => {
      const options: ModelCheckpointOptions = { filepath: path.join(dir, 'ep{epoch:02d}'), saveBestOnly: true };
      const first = new ModelCheckpoint(options);
      await fitTiny([scriptEpochLogs({ val_loss: [0.5, 0.3] }), first], { epochs: 2 });
      const resumed = new ModelCheckpoint(options);
      assert.equal(resumed.stateKey, `model_checkpoint:${options.filepath}`);
      resumed.loadState(JSON.parse(JSON.stringify(first.saveState())));
      await fs.rm(dir, { recursive: true });
      await fitTiny([scriptEpochLogs({ val_loss: [0.35, 0.2] }), resumed], { epochs: 2 });
      assert.deepEqual(await fs.readdir(dir), ['ep02']); // 0.35 is no improvement on the restored 0.3
    });
  });

  it('writes nothing on a non-primary replica', async () => {
    await withTempDir(async (dir) => {
      const checkpoint = new ModelCheckpoint({ filepath: path.join(dir, 'ckpt', 'ep{epoch}') });
      await fitTiny([checkpoint], { epochs: 2, isPrimary: false });
      assert.deepEqual(await fs.readdir(dir), []);
    });
  });

  it('fails naming the missing key when the template references one that is not logged', async () => {
    await withTempDir(async (dir) => {
      const checkpoint = new ModelCheckpoint({ filepath: path.join(dir, 'ep{epoch:02d}-{val_acc:.2f}') });
      await assert.rejects(
        fitTiny([checkpoint], { epochs: 1 }),
        (err: unknown) =>
          isTfscaleError(err) && /references `val_acc`/.test(err.message) && /val_accuracy/.test(err.message),
      );
    });
  });

  it('validates its options', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{}, /Invalid value for `filepath`/],
      [{ filepath: 'ckpt/best.keras' }, /not \.keras\/\.h5 files[\s\S]*HINT: drop the extension, e\.g\. "ckpt\/best"/],
      [{ filepath: 'ckpt/best.weights.h5', saveWeightsOnly: true }, /e\.g\. "ckpt\/best"/],
      [{ filepath: 'ckpt/{epoch', saveFreq: 'epoch' }, /Expected '}' before end of string/],
      [{ filepath: 'ckpt', saveFreq: 0 }, /saveFreq=0/],
      [{ filepath: 'ckpt', saveFreq: 'batch' }, /saveFreq="batch"/],
      [{ filepath: 'ckpt', save_best_only: true }, /did you mean `saveBestOnly`/],
      [{ filepath: 'ckpt', mode: 'best' }, /mode="best"/],
    ];
    for (const [options, pattern] of bad) {
      assert.throws(
        () => new ModelCheckpoint(options as ModelCheckpointOptions),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && pattern.test(err.message),
        JSON.stringify(options),
      );
    }
  });

  it('is registered as `model_checkpoint` and built from run-file options', async () => {
    const registry = new Registry<CallbackFactory>('callback');
    registerBuiltinCallbacks(registry);
    const callback = await registry.get('model_checkpoint')(
      { filepath: 'ckpt/{epoch:02d}', saveBestOnly: true },
      conformanceContext(),
    );
    assert.ok(callback instanceof ModelCheckpoint);
    assert.equal(callback.saveBestOnly, true);
  });
});
