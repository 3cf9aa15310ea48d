import assert from 'node:assert/strict';
import type { ModelConfig } from './model-config';
import { FileSystemModelManager, type ModelManagerOptions } from './model-manager';
import { column, config, FakeRuntime, rejectsWith, tempDir, writeFakeVersion } from './model-testing.test';

describe('serving/model-manager version labels (TF Serving rules)', () => {
  let base: string;
  let cleanup: () => void;
  let fake: FakeRuntime;
  let manager: FileSystemModelManager;
  const make = (options: Partial<ModelManagerOptions> = {}) => {
    manager = new FileSystemModelManager({ runtimes: [fake], fileSystemPollWaitSeconds: 0, ...options });
    return manager;
  };
  const half = (extra: Partial<ModelConfig> = {}): ModelConfig => ({ name: 'half', basePath: base, ...extra });
  const predict = async (selector = {}) => {
    const { version, servable, release } = manager.acquire('half', selector);
    try {
      const y = await servable.predict('serving_default', { x: column(1) });
      return [version, y.y!.data[0]];
    } finally {
      release();
    }
  };
  const labelled = (versionLabels: Record<string, number>) =>
    half({ modelVersionPolicy: { specific: { versions: [1, 2, 3] } }, versionLabels });

  beforeEach(() => {
    ({ dir: base, cleanup } = tempDir('labels'));
    fake = new FakeRuntime();
    for (const v of [1, 2]) writeFakeVersion(base, v, { bias: v * 10 });
  });
  afterEach(async () => {
    await manager?.close();
    cleanup();
  });

  it('refuses labels at startup unless allowVersionLabelsForUnavailableModels, as TF Serving does', async () => {
    await rejectsWith(
      make().start(config(labelled({ stable: 1 }))),
      'FAILED_PRECONDITION',
      'Request to assign label to version 1 of model half, which is not currently available for inference',
    );
    await manager.close();
    await make({ allowVersionLabelsForUnavailableModels: true }).start(config(labelled({ stable: 1, canary: 2 })));
    assert.deepEqual(await predict({ label: 'stable' }), [1, 10.5]);
    assert.deepEqual(await predict({ label: 'canary' }), [2, 20.5]);
    assert.deepEqual(
      manager.status('half', { label: 'canary' }).map((s) => s.version),
      [2],
    );
  });

  it('moves labels only onto AVAILABLE versions; a refused reload changes nothing', async () => {
    await make().start(config(labelled({})));
    await manager.reloadConfig(config(labelled({ stable: 1, canary: 2 })));
    assert.deepEqual(await predict({ label: 'canary' }), [2, 20.5]);
    writeFakeVersion(base, 3, { bias: 30 });
    await rejectsWith(
      manager.reloadConfig(config(labelled({ stable: 1, canary: 3 }))),
      'FAILED_PRECONDITION',
      'Request to assign label to version 3 of model half, which is not currently available for inference',
    );
    assert.equal(manager.stateOf('half', 3), undefined, 'the refused config loaded nothing');
    assert.deepEqual(await predict({ label: 'canary' }), [2, 20.5]);
    // TF Serving's recipe: first load version 3, then move the label.
    await manager.reload();
    await manager.reloadConfig(config(labelled({ stable: 2, canary: 3 })));
    assert.deepEqual(await predict({ label: 'canary' }), [3, 30.5]);
    assert.deepEqual(await predict({ label: 'stable' }), [2, 20.5]);
    await rejectsWith(
      () => manager.acquire('half', { label: 'beta' }),
      'INVALID_ARGUMENT',
      'Unrecognized servable version label: beta',
    );
  });

  it('with the flag, lets a new label point at a version still to load, but not move an existing one there', async () => {
    await make({ allowVersionLabelsForUnavailableModels: true }).start(config(labelled({ stable: 1 })));
    await manager.reloadConfig(config(labelled({ stable: 1, next: 3 })));
    await rejectsWith(
      () => manager.acquire('half', { label: 'next' }),
      'NOT_FOUND',
      'Servable not found for request: Specific(half, 3)',
    );
    await rejectsWith(
      manager.reloadConfig(config(labelled({ stable: 3, next: 3 }))),
      'FAILED_PRECONDITION',
      'Request to assign label to version 3 of model half, which is not currently available for inference',
    );
    writeFakeVersion(base, 3, { bias: 30 });
    await manager.reload();
    assert.deepEqual(await predict({ label: 'next' }), [3, 30.5]);
  });
});
