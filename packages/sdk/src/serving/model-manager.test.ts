import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelConfig } from './model-config';
import { FileSystemModelManager, type ModelManagerOptions } from './model-manager';
import { column, config, FakeRuntime, rejectsWith, tempDir, waitFor, writeFakeVersion } from './model-testing.test';
import type { ModelVersionEvent, WarmupEvent } from './types';

describe('serving/model-manager (FileSystemModelManager, scripted runtime)', () => {
  let base: string;
  let cleanup: () => void;
  let fake: FakeRuntime;
  let manager: FileSystemModelManager;
  let events: ModelVersionEvent[];
  const make = (options: Partial<ModelManagerOptions> = {}) => {
    manager = new FileSystemModelManager({ runtimes: [fake], fileSystemPollWaitSeconds: 0, ...options });
    manager.events.on('version', (e) => events.push(e));
    return manager;
  };
  const half = (extra: Partial<ModelConfig> = {}): ModelConfig => ({ name: 'half', basePath: base, ...extra });
  const states = (model = 'half') => manager.status(model).map((s) => [s.version, s.state]);
  const predict = async (selector = {}) => {
    const { version, servable, release } = manager.acquire('half', selector);
    try {
      const y = await servable.predict('serving_default', { x: column(1) });
      return [version, y.y!.data[0]];
    } finally {
      release();
    }
  };

  beforeEach(() => {
    ({ dir: base, cleanup } = tempDir('manager'));
    fake = new FakeRuntime();
    events = [];
  });
  afterEach(async () => {
    await manager?.close();
    cleanup();
  });

  it('serves the latest version and reports status as GetModelStatus does', async () => {
    writeFakeVersion(base, 1, { bias: 2 });
    writeFakeVersion(base, 2, { bias: 3 });
    fs.mkdirSync(path.join(base, 'tfjs'));
    await make().start(config(half()));
    assert.deepEqual(manager.modelNames(), ['half']);
    assert.deepEqual(manager.status('half'), [{ version: 2, state: 'AVAILABLE', error: { code: 'OK', message: '' } }]);
    assert.deepEqual(await predict(), [2, 3.5]);
    assert.deepEqual(
      events.map((e) => [e.version, e.previous, e.state]),
      [
        [2, undefined, 'START'],
        [2, 'START', 'LOADING'],
        [2, 'LOADING', 'AVAILABLE'],
      ],
    );
    assert.equal(events.at(-1)!.runtime, 'fake');
    assert.ok(events.at(-1)!.loadMillis! >= 0 && events.at(-1)!.warmupMillis! >= 0);
  });

  it('applies latest{n}, all{} and specific{} policies, loading the highest version first', async () => {
    for (const v of [1, 2, 3]) writeFakeVersion(base, v);
    const m = (name: string, modelVersionPolicy: ModelConfig['modelVersionPolicy']) => ({
      name,
      basePath: base,
      modelVersionPolicy,
    });
    await make().start(
      config(
        m('two', { latest: { numVersions: 2 } }),
        m('all', { all: {} }),
        m('some', { specific: { versions: [1, 3, 9] } }),
      ),
    );
    const available = (name: string) =>
      manager
        .status(name)
        .filter((s) => s.state === 'AVAILABLE')
        .map((s) => s.version);
    assert.deepEqual(available('two'), [3, 2]);
    assert.deepEqual(available('all'), [3, 2, 1]);
    assert.deepEqual(available('some'), [3, 1]);
    const allLoads = events.filter((e) => e.model === 'all' && e.state === 'LOADING').map((e) => e.version);
    assert.deepEqual(allLoads, [3, 2, 1]);
  });

  it('picks up a new version by polling, warms it up before it takes traffic, then unloads the old one', async () => {
    writeFakeVersion(base, 1, { bias: 2 });
    const warmups: WarmupEvent[] = [];
    const log: string[] = [];
    make({ fileSystemPollWaitSeconds: 0.01 });
    manager.events.on('warmup', (e) => {
      warmups.push(e);
      log.push(`warmup ${e.version}`);
    });
    manager.events.on('version', (e) => log.push(`${e.version} ${e.state}`));
    await manager.start(config(half()));
    const open = fake.closeGate();
    writeFakeVersion(base, 2, { bias: 5, gateWarmup: true });
    const v2 = path.join(base, '2');
    await waitFor(() => fake.predictions.some((p) => p.dir === v2), 10_000, 'warmup of version 2 to start');
    // Warming up: version 2 is LOADING and takes no traffic yet.
    assert.deepEqual(states(), [
      [2, 'LOADING'],
      [1, 'AVAILABLE'],
    ]);
    assert.deepEqual(await predict(), [1, 2.5]);
    open();
    await waitFor(() => manager.stateOf('half', 1) === 'END', 10_000, 'version 1 to unload');
    assert.deepEqual(await predict(), [2, 5.5]);
    assert.deepEqual(states(), [
      [2, 'AVAILABLE'],
      [1, 'END'],
    ]);
    assert.deepEqual(fake.disposed, [path.join(base, '1')]);
    const warm = fake.predictions.find((p) => p.dir === v2)!;
    assert.deepEqual(warm.inputs.x, { dtype: 'float32', shape: [1, 1], data: new Float32Array(1) });
    assert.deepEqual(warmups.at(-1), {
      model: 'half',
      version: 2,
      source: 'synthetic',
      requests: 1,
      warnings: [],
      millis: warmups.at(-1)!.millis,
    });
    const order = ['2 START', '2 LOADING', 'warmup 2', '2 AVAILABLE', '1 UNLOADING', '1 END'];
    assert.deepEqual(
      log.filter((l) => order.includes(l)),
      order,
    );
  });

  it('never lets a version that fails to load take the model down', async () => {
    writeFakeVersion(base, 1, { bias: 2 });
    await make().start(config(half()));
    writeFakeVersion(base, 2, { fail: 'saved_model.pb is truncated' });
    await manager.reload();
    assert.deepEqual(manager.status('half'), [
      { version: 2, state: 'END', error: { code: 'UNKNOWN', message: 'saved_model.pb is truncated' } },
      { version: 1, state: 'AVAILABLE', error: { code: 'OK', message: '' } },
    ]);
    assert.deepEqual(await predict(), [1, 2.5]);
    assert.deepEqual(events.find((e) => e.version === 2 && e.state === 'END')!.error, {
      code: 'UNKNOWN',
      message: 'saved_model.pb is truncated',
    });
    // Not retried before loadRetryIntervalMs (default one minute).
    await manager.reload();
    assert.equal(fake.loads.filter((d) => d.endsWith('2')).length, 1);
    writeFakeVersion(base, 3, { bias: 7 });
    await manager.reload();
    await waitFor(() => manager.stateOf('half', 1) === 'END', 10_000, 'version 1 to unload');
    assert.deepEqual(states(), [
      [3, 'AVAILABLE'],
      [2, 'END'],
      [1, 'END'],
    ]);
    assert.equal(manager.status('half', { version: 2 })[0]!.error.message, 'saved_model.pb is truncated');
    assert.deepEqual(await predict(), [3, 7.5]);
  });

  it('retries a failed version on later polls, up to maxNumLoadRetries', async () => {
    writeFakeVersion(base, 1);
    await make({ maxNumLoadRetries: 1, loadRetryIntervalMs: 0 }).start(config(half()));
    writeFakeVersion(base, 2, { fail: 'half-copied' });
    await manager.reload();
    await manager.reload();
    assert.equal(manager.stateOf('half', 2), 'END');
    assert.equal(fake.loads.filter((d) => d.endsWith('2')).length, 2);
    writeFakeVersion(base, 2, { bias: 4 });
    await manager.reload();
    assert.equal(fake.loads.filter((d) => d.endsWith('2')).length, 2, 'no retry after maxNumLoadRetries');

    const again = tempDir('manager-retry');
    try {
      const other = new FileSystemModelManager({
        runtimes: [fake],
        fileSystemPollWaitSeconds: 0,
        loadRetryIntervalMs: 0,
      });
      writeFakeVersion(again.dir, 1, { fail: 'not yet' });
      await assert.rejects(other.start(config({ name: 'later', basePath: again.dir })));
      writeFakeVersion(again.dir, 1, { bias: 1 });
      await other.reload();
      assert.equal(other.stateOf('later', 1), 'AVAILABLE');
      await other.close();
    } finally {
      again.cleanup();
    }
  });

  it('keeps a version whose requests are in flight until they finish, serving the new one meanwhile', async () => {
    writeFakeVersion(base, 1, { bias: 2 });
    await make().start(config(half()));
    const held = manager.acquire('half', {});
    assert.equal(held.version, 1);
    writeFakeVersion(base, 2, { bias: 3 });
    await manager.reload();
    assert.deepEqual(states(), [
      [2, 'AVAILABLE'],
      [1, 'UNLOADING'],
    ]);
    assert.equal(manager.inFlight('half', 1), 1);
    assert.deepEqual(fake.disposed, []);
    assert.deepEqual(await predict(), [2, 3.5]);
    await rejectsWith(
      () => manager.acquire('half', { version: 1 }),
      'NOT_FOUND',
      'Servable not found for request: Specific(half, 1)',
    );
    // The pinned request still completes on version 1.
    const y = await held.servable.predict('serving_default', { x: column(1) });
    assert.equal(y.y!.data[0], 2.5);
    held.release();
    held.release(); // idempotent
    await waitFor(() => manager.stateOf('half', 1) === 'END', 10_000, 'version 1 to end');
    assert.deepEqual(fake.disposed, [path.join(base, '1')]);
  });

  it("gives TF Serving's exact errors for unknown models, versions and labels", async () => {
    writeFakeVersion(base, 2);
    await make().start(config(half()));
    await rejectsWith(() => manager.acquire('nope', {}), 'NOT_FOUND', 'Servable not found for request: Latest(nope)');
    await rejectsWith(
      () => manager.acquire('half', { version: 3 }),
      'NOT_FOUND',
      'Servable not found for request: Specific(half, 3)',
    );
    await rejectsWith(
      () => manager.acquire('half', { label: 'X' }),
      'INVALID_ARGUMENT',
      'Unrecognized servable version label: X',
    );
    await rejectsWith(() => manager.status('nope'), 'NOT_FOUND', 'Could not find any versions of model nope');
    await rejectsWith(
      () => manager.status('half', { version: 7 }),
      'NOT_FOUND',
      'Could not find version 7 of model half',
    );
    await rejectsWith(
      () => manager.status('half', { label: 'X' }),
      'INVALID_ARGUMENT',
      'Unrecognized servable version label: X',
    );
    assert.throws(() => manager.acquire('half', { version: 2, label: 'a' }), { code: 'INVALID_ARGUMENT' });
  });

  it('serves nothing (NOT_FOUND) for a model without versions until one appears', async () => {
    const warnings: string[] = [];
    make();
    manager.events.on('warning', (w) => warnings.push(w.message));
    await manager.start(config(half()));
    await rejectsWith(() => manager.acquire('half', {}), 'NOT_FOUND', 'Servable not found for request: Latest(half)');
    await rejectsWith(() => manager.status('half'), 'NOT_FOUND', 'Could not find any versions of model half');
    await manager.reload();
    assert.equal(warnings.length, 1, 'the same warning is told once');
    assert.match(warnings[0]!, /^No versions of servable half found under base path /);
    writeFakeVersion(base, 4, { bias: 0 });
    await manager.reload();
    assert.deepEqual(await predict(), [4, 0.5]);
  });

  it('reloads its config: unlisted models unload (END stays in status), new ones load', async () => {
    writeFakeVersion(base, 1);
    const other = tempDir('manager-other');
    try {
      writeFakeVersion(other.dir, 5, { bias: 1 });
      await make().start(config(half()));
      await manager.reloadConfig(config({ name: 'other', basePath: other.dir }));
      await waitFor(() => manager.stateOf('half', 1) === 'END', 10_000, 'half to unload');
      assert.deepEqual(manager.modelNames(), ['other']);
      assert.deepEqual(states('half'), [[1, 'END']]);
      await rejectsWith(() => manager.acquire('half', {}), 'NOT_FOUND', 'Servable not found for request: Latest(half)');
      const other5 = manager.acquire('other', {});
      other5.release();
      assert.equal(other5.version, 5);
      // Listed again: it loads anew.
      await manager.reloadConfig(config(half(), { name: 'other', basePath: other.dir }));
      assert.deepEqual(states('half'), [[1, 'AVAILABLE']]);
      await manager.close();
      assert.deepEqual(states('other'), [[5, 'END']]);
    } finally {
      other.cleanup();
    }
  });

  it("fails startup like TF Serving when a model's versions all fail to load", async () => {
    writeFakeVersion(base, 1, { fail: 'boom' });
    await rejectsWith(
      make().start(config(half())),
      'UNKNOWN',
      '1 model(s) did not become available: {{{name: half version: 1} due to error: UNKNOWN: boom}, }',
    );
  });

  it('close() waits for in-flight requests, then unloads everything', async () => {
    writeFakeVersion(base, 1);
    await make().start(config(half()));
    const held = manager.acquire('half', {});
    let closed = false;
    const closing = manager.close().then(() => {
      closed = true;
    });
    await waitFor(() => manager.stateOf('half', 1) === 'UNLOADING', 10_000, 'unloading');
    assert.equal(closed, false);
    held.release();
    await closing;
    assert.deepEqual(states(), [[1, 'END']]);
    await rejectsWith(manager.reloadConfig(config(half())), 'UNAVAILABLE', 'The model manager is closed.');
  });

  it('polls with a timer that does not keep the process alive', () => {
    make();
    const dist = path.resolve(__dirname, 'index.js');
    const script = `
      const { FileSystemModelManager, singleModelConfig } = require(${JSON.stringify(dist)});
      const m = new FileSystemModelManager({ runtimes: [], fileSystemPollWaitSeconds: 1 });
      m.start(singleModelConfig('m', ${JSON.stringify(base)})).then(() => console.log('started'));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'started');
  });
});
