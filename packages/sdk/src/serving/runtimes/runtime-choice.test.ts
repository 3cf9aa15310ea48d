import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../backend/tf';
import { writeSavedModel } from '../../export/savedmodel/write-saved-model';
import { tfjsFolder } from '../../io/tfjs-file-handler';
import { tempDir } from '../model-testing.test';
import type { Servable, ServingRuntime, SignatureSpec } from '../types';
import { loadFastest, probeInputs } from './runtime-choice';
import { SavedModelRuntime } from './savedmodel-runtime';
import { TfjsRuntime } from './tfjs-runtime';

const SIGNATURE: SignatureSpec = {
  methodName: 'tensorflow/serving/predict',
  inputs: [{ key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 3] }],
  outputs: [{ key: 'y', name: 'y:0', dtype: 'float32', shape: [-1, 1] }],
};

/** A runtime whose predict spins for `micros`; records what it loaded and disposed. */
function spinning(
  name: string,
  priority: number,
  micros: number,
  log: string[],
  signature = SIGNATURE,
): ServingRuntime {
  return {
    name,
    priority,
    canLoad: async () => true,
    load: async (): Promise<Servable> => {
      log.push(`load ${name}`);
      return {
        runtime: name,
        signatures: { serving_default: signature },
        predict: async () => {
          const end = process.hrtime.bigint() + BigInt(micros * 1000);
          while (process.hrtime.bigint() < end);
          return {};
        },
        dispose: () => void log.push(`dispose ${name}`),
      };
    },
  };
}

describe('serving/runtimes/runtime-choice', () => {
  it('keeps the runtime whose probe is fastest, whatever its priority, and disposes the others', async () => {
    const log: string[] = [];
    const choice = await loadFastest([spinning('slow', 100, 3000, log), spinning('fast', 1, 200, log)], '/m/1');
    assert.equal(choice.runtime, 'fast');
    assert.equal(choice.servable.runtime, 'fast');
    assert.deepEqual(log, ['load slow', 'load fast', 'dispose slow']);
    const [slow, fast] = choice.trials;
    assert.ok(slow!.micros! > fast!.micros!, JSON.stringify(choice.trials));
  });

  it('skips a runtime that fails to load; the forced runtime is loaded without a contest', async () => {
    const log: string[] = [];
    const broken: ServingRuntime = {
      ...spinning('broken', 100, 0, log),
      load: async () => {
        throw new Error('bad file');
      },
    };
    const choice = await loadFastest([broken, spinning('ok', 1, 100, log)], '/m/1');
    assert.equal(choice.runtime, 'ok');
    assert.deepEqual(choice.trials[0], { runtime: 'broken', error: 'bad file' });
    const forced = await loadFastest([spinning('a', 1, 0, log), spinning('b', 2, 0, log)], '/m/1', 'a');
    assert.equal(forced.runtime, 'a');
    assert.deepEqual(forced.trials, []);
    await assert.rejects(loadFastest([broken], '/m/1'), /bad file/);
  });

  it('falls back to priority when no probe can be built (unknown rank)', async () => {
    const log: string[] = [];
    const unknown = { ...SIGNATURE, inputs: [{ key: 'x', name: 'x:0', dtype: 'float32' as const }] };
    const choice = await loadFastest(
      [spinning('low', 1, 0, log, unknown), spinning('high', 9, 5000, log, unknown)],
      '/m/1',
    );
    assert.equal(choice.runtime, 'high');
    assert.deepEqual(log, ['load high']);
    assert.equal(probeInputs(unknown), undefined);
    assert.deepEqual(probeInputs(SIGNATURE)?.x?.shape, [1, 3]);
  });

  it('chooses between the real SavedModel and TF.js runtimes for a folder holding both', async function () {
    this.timeout(60_000);
    const { dir, cleanup } = tempDir('choice');
    try {
      const tf = loadTf();
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });
      await writeSavedModel(model, path.join(dir, 'sm'));
      await model.save(tfjsFolder(path.join(dir, 'js')));
      for (const f of fs.readdirSync(path.join(dir, 'js')))
        fs.copyFileSync(path.join(dir, 'js', f), path.join(dir, 'sm', f));
      const choice = await loadFastest([new SavedModelRuntime(), new TfjsRuntime()], path.join(dir, 'sm'));
      assert.deepEqual(
        choice.trials.map((t) => t.runtime),
        ['savedmodel', 'tfjs'],
      );
      const times = choice.trials.map((t) => t.micros!);
      assert.ok(times.every((t) => t > 0));
      assert.equal(choice.runtime, times[0]! <= times[1]! ? 'savedmodel' : 'tfjs');
      await choice.servable.dispose();
      model.dispose();
    } finally {
      cleanup();
    }
  });
});
