import * as assert from 'node:assert/strict';
import { isTfscaleError } from '../core/errors';
import { Registry } from '../core/registry';
import type { Backend, BackendAvailability } from './backend';
import { selectBackend } from './select-backend';
import { CpuBackend } from './wasm-backend';

/** A backend whose probe answers as told and whose activation can fail, around the real cpu one. */
class TestBackend implements Backend {
  readonly tfjsBackend = 'cpu';
  activations = 0;
  constructor(
    readonly name: string,
    readonly priority: number,
    private readonly availability: BackendAvailability,
    private readonly failOnActivate = false,
  ) {}
  async probe() {
    return this.availability;
  }
  async activate() {
    this.activations++;
    if (this.failOnActivate) throw new Error('dlopen failed: libtensorflow_cc.so.2');
    return new CpuBackend().activate();
  }
}

function registry(...backends: Backend[]): Registry<Backend> {
  const r = new Registry<Backend>('backend');
  for (const b of backends) r.register(b.name, b);
  return r;
}

describe('backend/selectBackend', () => {
  const quiet = { warn: () => {}, env: {} };

  it('auto: takes the highest-priority available backend, silently when native was not passed over', async () => {
    const lines: string[] = [];
    const sel = await selectBackend(
      registry(
        new TestBackend('native-gpu', 300, {
          available: false,
          reason: 'no NVIDIA GPU (no driver under /proc/driver/nvidia/gpus)',
        }),
        new TestBackend('native', 200, { available: true }),
        new CpuBackend(),
      ),
      undefined,
      { warn: (l) => lines.push(l), env: {} },
    );
    assert.equal(sel.backend.name, 'native');
    assert.equal(sel.via, 'auto');
    assert.deepEqual(lines, []);
  });

  it('auto: falling back from native prints exactly one line with the reason and the fix', async () => {
    const lines: string[] = [];
    const sel = await selectBackend(
      registry(
        new TestBackend('native', 200, {
          available: false,
          reason: 'no C++ toolchain for node-gyp (make, g++)',
          fix: 'apt-get install -y make g++',
        }),
        new CpuBackend(),
      ),
      'auto',
      { warn: (l) => lines.push(l), env: {} },
    );
    assert.equal(sel.backend.name, 'cpu');
    assert.equal(lines.length, 1);
    assert.equal(
      lines[0],
      'tfscale: using the cpu backend because native TensorFlow is unavailable: no C++ toolchain for node-gyp (make, g++). Fix: apt-get install -y make g++',
    );
    assert.equal(sel.notice, lines[0]);
  });

  it('auto: a backend whose activation throws is skipped with the error as its reason', async () => {
    const broken = new TestBackend('native', 200, { available: true }, true);
    const sel = await selectBackend(registry(broken, new CpuBackend()), undefined, quiet);
    assert.equal(broken.activations, 1);
    assert.equal(sel.backend.name, 'cpu');
    assert.match(sel.skipped[0].reason, /failed to load: dlopen failed/);
  });

  it('a name (argument or TFSCALE_BACKEND) must be available: never a silent fallback', async () => {
    const r = registry(
      new TestBackend('native', 200, { available: false, reason: 'not built', fix: 'npx tfscale setup-native' }),
      new CpuBackend(),
    );
    await assert.rejects(selectBackend(r, 'native', quiet), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_BACKEND_UNAVAILABLE'));
      assert.match(err.message, /Invalid value for `backend`\. Received: backend=native/);
      assert.match(err.message, /HINT: npx tfscale setup-native/);
      return true;
    });
    await assert.rejects(
      selectBackend(r, undefined, { ...quiet, env: { TFSCALE_BACKEND: 'native' } }),
      /`TFSCALE_BACKEND`/,
    );
    const viaEnv = await selectBackend(r, undefined, { ...quiet, env: { TFSCALE_BACKEND: 'cpu' } });
    assert.equal(viaEnv.backend.name, 'cpu');
    assert.equal(viaEnv.via, 'name');
  });

  it('an unknown name is the registry error listing what exists', async () => {
    await assert.rejects(selectBackend(registry(new CpuBackend()), 'cpuu', quiet), (err: unknown) =>
      isTfscaleError(err, 'TFSCALE_E_REGISTRY_UNKNOWN'),
    );
  });

  it('an instance wins over names and the environment', async () => {
    const mine = new TestBackend('mine', -5, { available: true });
    const sel = await selectBackend(registry(new CpuBackend()), mine, { ...quiet, env: { TFSCALE_BACKEND: 'cpu' } });
    assert.equal(sel.backend, mine);
    assert.equal(sel.via, 'instance');
  });

  it('nothing available: a coded error naming every backend tried', async () => {
    const r = registry(
      new TestBackend('a', 2, { available: false, reason: 'ra' }),
      new TestBackend('b', 1, { available: false, reason: 'rb' }),
    );
    await assert.rejects(
      selectBackend(r, undefined, quiet),
      /No backend could be activated\. Tried: a \(ra\); b \(rb\)/,
    );
  });
});
