import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTfscaleError } from '../../core/errors';
import { ServingRuntimeRegistryToken } from '../../core/tokens';
import { createSdkContainer } from '../../sdk-container';
import { tempDir } from '../model-testing.test';
import { ServingError, type ServingRuntime } from '../types';
import { selectRuntime, servingRuntimeRegistry } from './runtime-registry';

describe('serving/runtimes/runtime-registry', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir('registry'));
    for (const [sub, file] of [
      ['both', 'saved_model.pb'],
      ['both', 'model.json'],
      ['sm', 'saved_model.pb'],
      ['js', 'model.json'],
    ] as const) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.writeFileSync(path.join(dir, sub, file), '');
    }
    fs.mkdirSync(path.join(dir, 'none'));
  });
  after(() => cleanup());

  const builtins = () => createSdkContainer().resolve(ServingRuntimeRegistryToken);

  it('registers savedmodel and tfjs in the SDK container under ServingRuntimeRegistryToken', () => {
    const container = createSdkContainer();
    assert.deepEqual(container.resolve(ServingRuntimeRegistryToken).names(), ['savedmodel', 'tfjs']);
    assert.equal(servingRuntimeRegistry(container), container.resolve(ServingRuntimeRegistryToken));
    assert.throws(
      () => container.resolve(ServingRuntimeRegistryToken).register('tfjs', { name: 'tfjs' } as ServingRuntime),
      (err: unknown) => isTfscaleError(err, 'TFSCALE_E_REGISTRY_DUPLICATE'),
    );
  });

  it('chooses by canLoad and priority, or the forced runtime', async () => {
    const runtimes = builtins()
      .list()
      .map((e) => e.value);
    assert.equal((await selectRuntime(runtimes, path.join(dir, 'both'))).name, 'savedmodel');
    assert.equal((await selectRuntime(runtimes, path.join(dir, 'js'))).name, 'tfjs');
    assert.equal((await selectRuntime(runtimes, path.join(dir, 'both'), 'tfjs')).name, 'tfjs');
    const plugin: ServingRuntime = {
      name: 'onnx',
      priority: 500,
      canLoad: async () => true,
      load: async () => assert.fail(),
    };
    assert.equal((await selectRuntime([...runtimes, plugin], path.join(dir, 'sm'))).name, 'onnx');
  });

  it('says why when no runtime claims a folder, or the forced one is unknown or cannot', async () => {
    const runtimes = builtins()
      .list()
      .map((e) => e.value);
    const none = path.join(dir, 'none');
    await assert.rejects(
      selectRuntime(runtimes, none),
      new ServingError(
        'NOT_FOUND',
        `Could not find a model to serve in ${none}: no runtime claims it (tried savedmodel, tfjs). A SavedModel needs saved_model.pb, a TF.js model model.json.`,
      ),
    );
    await assert.rejects(
      selectRuntime(runtimes, none, 'onnx'),
      new ServingError('INVALID_ARGUMENT', 'Unknown serving runtime "onnx". Available: "savedmodel", "tfjs".'),
    );
    await assert.rejects(
      selectRuntime(runtimes, path.join(dir, 'js'), 'savedmodel'),
      new ServingError('NOT_FOUND', `The savedmodel runtime finds no model it can load in ${path.join(dir, 'js')}.`),
    );
  });
});
