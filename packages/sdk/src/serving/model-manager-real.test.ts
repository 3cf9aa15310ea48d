import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServingRuntimeRegistryToken } from '../core/tokens';
import { tfjsFolder } from '../io/tfjs-file-handler';
import { createSdkContainer } from '../sdk-container';
import { singleModelConfig } from './model-config';
import { FileSystemModelManager } from './model-manager';
import { column, tempDir, writeHalfPlusTwo } from './model-testing.test';
import { pythonModels } from './runtimes/python-models.test';
import type { WarmupEvent } from './types';

describe('serving/model-manager with real models (SavedModel and TF.js runtimes)', function () {
  this.timeout(180_000);
  let base: string;
  let cleanup: () => void;
  let manager: FileSystemModelManager;
  let warmups: WarmupEvent[];
  const make = () => {
    const runtimes = createSdkContainer().resolve(ServingRuntimeRegistryToken);
    manager = new FileSystemModelManager({ runtimes, fileSystemPollWaitSeconds: 0 });
    manager.events.on('warmup', (e) => warmups.push(e));
    return manager;
  };
  const predict = async (model: string, selector = {}) => {
    const { version, servable, release } = manager.acquire(model, selector);
    try {
      return [version, (await servable.predict('serving_default', { x: column(1) })).y!.data[0]];
    } finally {
      release();
    }
  };

  beforeEach(() => {
    ({ dir: base, cleanup } = tempDir('manager-real'));
    warmups = [];
  });
  afterEach(async () => {
    await manager?.close();
    cleanup();
  });

  it('hot-swaps SDK-exported half_plus_two versions; corrupt ones never take the model down', async () => {
    await writeHalfPlusTwo(path.join(base, '1'), 2);
    await make().start(singleModelConfig('half', base));
    assert.deepEqual(await predict('half'), [1, 2.5]);
    await writeHalfPlusTwo(path.join(base, '2'), 3);
    await manager.reload();
    assert.deepEqual(await predict('half'), [2, 3.5]);
    assert.deepEqual(
      warmups.map((w) => [w.version, w.source, w.requests, w.warnings]),
      [
        [1, 'synthetic', 1, []],
        [2, 'synthetic', 1, []],
      ],
    );

    const truncated = path.join(base, '3');
    fs.cpSync(path.join(base, '2'), truncated, { recursive: true });
    fs.truncateSync(path.join(truncated, 'saved_model.pb'), 40);
    await manager.reload();
    const v3 = manager.status('half', { version: 3 })[0]!;
    assert.equal(v3.state, 'END');
    assert.equal(v3.error.code, 'DATA_LOSS');
    assert.deepEqual(await predict('half'), [2, 3.5]);

    const noVariables = path.join(base, '4');
    fs.cpSync(path.join(base, '2'), noVariables, { recursive: true });
    fs.rmSync(path.join(noVariables, 'variables'), { recursive: true });
    await manager.reload();
    assert.deepEqual(manager.status('half', { version: 4 })[0]!.error, {
      code: 'NOT_FOUND',
      message: `The SavedModel in ${noVariables} restores variables, but ${path.join(noVariables, 'variables', 'variables.index')} is missing.`,
    });
    assert.deepEqual(await predict('half'), [2, 3.5]);
    assert.deepEqual(
      manager.status('half').map((s) => [s.version, s.state, s.error.code]),
      [
        [4, 'END', 'NOT_FOUND'],
        [3, 'END', 'DATA_LOSS'],
        [2, 'AVAILABLE', 'OK'],
        [1, 'END', 'OK'],
      ],
    );
  });

  it('serves TF.js folders (`<base>/tfjs/<n>`, as exportModel writes them) through the tfjs runtime', async () => {
    const tf = (await import('@tensorflow/tfjs')) as typeof import('@tensorflow/tfjs');
    const x = tf.input({ shape: [1], name: 'x' });
    const dense = tf.layers.dense({ units: 1, name: 'y' });
    const model = tf.model({ inputs: x, outputs: dense.apply(x) as ReturnType<typeof tf.input> });
    dense.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([2])]);
    await model.save(tfjsFolder(path.join(base, 'tfjs', '7')));
    await writeHalfPlusTwo(path.join(base, '7'), 2);
    make();
    // model_platform names a runtime, so the SavedModel runtime may not take base/7: startup fails as TF Serving's does.
    await assert.rejects(
      manager.start({
        modelConfigList: {
          config: [
            { name: 'js', basePath: path.join(base, 'tfjs') },
            { name: 'forced', basePath: base, modelPlatform: 'tfjs' },
          ],
        },
      }),
      {
        code: 'UNKNOWN',
        message: `1 model(s) did not become available: {{{name: forced version: 7} due to error: NOT_FOUND: The tfjs runtime finds no model it can load in ${path.join(base, '7')}.}, }`,
      },
    );
    assert.deepEqual(await predict('js'), [7, 2.5]);
    const { servable, release } = manager.acquire('js', {});
    release();
    assert.equal(servable.runtime, 'tfjs');
    model.dispose();
  });

  it('serves a Python tf.Module SavedModel, warmed up from its tf_serving_warmup_requests', async function () {
    const py = pythonModels();
    if ('skip' in py) {
      console.log(`      (skipped: ${py.skip})`);
      this.skip();
    }
    fs.cpSync(py.module, path.join(base, '5'), { recursive: true });
    await make().start({
      modelConfigList: { config: [{ name: 'module', basePath: base, modelVersionPolicy: { all: {} } }] },
    });
    assert.deepEqual(
      warmups.map((w) => [w.version, w.source, w.requests]),
      [[5, 'file', 2]],
    );
    assert.deepEqual(await predict('module', { version: 5 }), [5, 2.5]);
    const { servable, release } = manager.acquire('module', {});
    try {
      const out = await servable.predict('mixed', {
        a: { dtype: 'int64', shape: [1], data: BigInt64Array.of(2n ** 60n) },
        s: { dtype: 'string', shape: [1], data: [Buffer.from('x')] },
      });
      assert.equal((out.b!.data as BigInt64Array)[0], 3n * 2n ** 60n);
    } finally {
      release();
    }
  });
});
