import assert from 'node:assert/strict';
import type { DependencyContainer } from 'tsyringe';
import { createRootContainer } from './container';
import { isTfscaleError } from './errors';
import { silentLogger } from './logger';
import { definePlugin, loadPlugins, type PluginMeta, type TfscalePlugin } from './plugin';
import { CallbackRegistryToken, PluginRegistryToken, StrategyRegistryToken } from './tokens';

function plugin(name: string, extra: Partial<PluginMeta> = {}, register?: TfscalePlugin['register']): TfscalePlugin {
  return {
    meta: { name, version: '1.0.0', sdk: '^0.1.0', ...extra },
    register:
      register ??
      ((_container, ctx) => {
        ctx.registries.callback.register(`${name}-cb`, () => ({}));
      }),
  };
}

describe('core/plugin loadPlugins', () => {
  let root: DependencyContainer;
  beforeEach(() => {
    root = createRootContainer({ logger: silentLogger, sdkVersion: '0.1.3' });
  });

  it('registers plugins, stamping entries with the plugin name', async () => {
    const factory = definePlugin((options = {}) => plugin(`greeter-${String(options.lang ?? 'en')}`));
    const result = await loadPlugins([factory, { plugin: factory, options: { lang: 'fr' }, source: 'pkg-fr' }], root);
    assert.deepEqual(
      result.loaded.map((m) => m.name),
      ['greeter-en', 'greeter-fr'],
    );
    const callbacks = root.resolve(CallbackRegistryToken);
    assert.equal(callbacks.entry('greeter-fr-cb').plugin, 'greeter-fr');
    assert.deepEqual(root.resolve(PluginRegistryToken).names(), ['greeter-en', 'greeter-fr']);
  });

  it('nothing registers before register() runs (factories are pure)', async () => {
    let calls = 0;
    const factory = definePlugin(() => plugin('lazy', {}, () => void calls++));
    factory();
    assert.equal(calls, 0);
    await loadPlugins([factory], root);
    assert.equal(calls, 1);
  });

  it('refuses an SDK range that excludes this SDK, naming plugin, range and version', async () => {
    await assert.rejects(loadPlugins([{ plugin: plugin('future', { sdk: '^9.0.0' }), source: '@acme/future' }], root), {
      code: 'TFSCALE_E_PLUGIN_SDK_MISMATCH',
      plugin: 'future',
      message:
        'Plugin "future" 1.0.0 (from @acme/future) requires @tfscale/sdk ^9.0.0, but this is @tfscale/sdk 0.1.3.\n' +
        'HINT: Upgrade one of them: install a "future" release built for @tfscale/sdk 0.1.3, or an @tfscale/sdk that satisfies ^9.0.0.',
    });
    assert.deepEqual(root.resolve(CallbackRegistryToken).names(), []);
  });

  it('validates everything before registering anything', async () => {
    await assert.rejects(loadPlugins([plugin('ok'), plugin('bad', { sdk: '>=2' })], root), {
      code: 'TFSCALE_E_PLUGIN_SDK_MISMATCH',
    });
    assert.equal(root.resolve(CallbackRegistryToken).has('ok-cb'), false);
  });

  it('refuses a missing dependency', async () => {
    await assert.rejects(loadPlugins([plugin('child', { dependsOn: ['parent'] })], root), {
      code: 'TFSCALE_E_PLUGIN_MISSING_DEPENDENCY',
      plugin: 'child',
      message: /^Plugin "child" depends on plugin "parent", which is not loaded\.\nHINT: /,
    });
  });

  it('orders registration by dependsOn, and sees plugins loaded earlier', async () => {
    const order: string[] = [];
    const track = (name: string, dependsOn?: string[]) =>
      plugin(name, dependsOn ? { dependsOn } : {}, () => void order.push(name));
    await loadPlugins([track('c', ['b']), track('b', ['a']), track('a')], root);
    assert.deepEqual(order, ['a', 'b', 'c']);
    await loadPlugins([track('d', ['a'])], root);
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  });

  it('refuses a dependency cycle, showing the cycle', async () => {
    await assert.rejects(loadPlugins([plugin('a', { dependsOn: ['b'] }), plugin('b', { dependsOn: ['a'] })], root), {
      code: 'TFSCALE_E_PLUGIN_DEPENDENCY_CYCLE',
      message: /^Plugins depend on each other in a cycle: a → b → a\./,
    });
  });

  it('wraps a throwing register() naming the plugin and keeping the cause', async () => {
    const boom = new Error('boom');
    const bad = plugin('tfscale-plugin-bad', { version: '2.0.0' }, () => {
      throw boom;
    });
    await assert.rejects(loadPlugins([bad], root), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_PLUGIN_REGISTER_FAILED'));
      assert.equal(err.plugin, 'tfscale-plugin-bad');
      assert.equal(err.hook, 'register');
      assert.equal(err.cause, boom);
      assert.equal(
        err.message,
        'Plugin "tfscale-plugin-bad" failed in register(): boom\n' +
          'HINT: This is a bug in "tfscale-plugin-bad" 2.0.0: report it to its maintainers, or uninstall it.',
      );
      return true;
    });
  });

  it('a duplicate registration inside register() names both plugins', async () => {
    const first = plugin('first', {}, (_c, ctx) => void ctx.registries.strategy.register('ring', () => ({}) as never));
    const second = plugin(
      'second',
      {},
      (_c, ctx) => void ctx.registries.strategy.register('ring', () => ({}) as never),
    );
    await assert.rejects(loadPlugins([first, second], root), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_PLUGIN_REGISTER_FAILED'));
      assert.match(err.message, /Plugin "second" cannot register strategy "ring": .* by plugin "first"/);
      assert.match(err.message, /HINT: .*\{ override: true \}/);
      return true;
    });
    assert.equal(root.resolve(StrategyRegistryToken).entry('ring').plugin, 'first');
  });

  it('refuses invalid shapes with TFSCALE_E_PLUGIN_INVALID naming the source', async () => {
    await assert.rejects(loadPlugins([{ plugin: { meta: { name: 'x' } }, source: 'pkg-x' }], root), {
      code: 'TFSCALE_E_PLUGIN_INVALID',
      message:
        /^pkg-x is not a valid tfscale plugin: meta\.version must be a string; meta\.sdk must be a semver range .*; register must be a function\./,
    });
    await assert.rejects(loadPlugins([{ plugin: 42, source: 'pkg-n' }], root), { code: 'TFSCALE_E_PLUGIN_INVALID' });
    const throwing = () => {
      throw new Error('bad options');
    };
    await assert.rejects(loadPlugins([{ plugin: throwing, source: 'pkg-t' }], root), {
      code: 'TFSCALE_E_PLUGIN_INVALID',
      message: /^The plugin factory of pkg-t threw: bad options/,
    });
  });

  it("reports a refused plugin's source (package name) in collect mode", async () => {
    const { refused } = await loadPlugins(
      [
        { plugin: plugin('future', { sdk: '^9.0.0' }), source: '@acme/future' },
        { plugin: { meta: {} }, source: '@acme/broken' },
      ],
      root,
      undefined,
      { onError: 'collect' },
    );
    assert.deepEqual(
      refused.map((r) => [r.name, r.source, r.error.code]),
      [
        ['future', '@acme/future', 'TFSCALE_E_PLUGIN_SDK_MISMATCH'],
        ['@acme/broken', '@acme/broken', 'TFSCALE_E_PLUGIN_INVALID'],
      ],
    );
  });

  it('refuses the same plugin twice', async () => {
    await assert.rejects(loadPlugins([plugin('twin'), plugin('twin')], root), { code: 'TFSCALE_E_PLUGIN_DUPLICATE' });
    await loadPlugins([plugin('once')], root);
    await assert.rejects(loadPlugins([plugin('once')], root), { code: 'TFSCALE_E_PLUGIN_DUPLICATE' });
  });

  it("onError: 'collect' loads what it can and reports the rest, dependents included", async () => {
    const { loaded, refused } = await loadPlugins(
      [
        plugin('good'),
        plugin('future', { sdk: '^9.0.0' }),
        plugin('needs-future', { dependsOn: ['future'] }),
        plugin('crashes', {}, () => {
          throw new Error('x');
        }),
        plugin('needs-crashes', { dependsOn: ['crashes'] }),
      ],
      root,
      undefined,
      { onError: 'collect' },
    );
    assert.deepEqual(
      loaded.map((m) => m.name),
      ['good'],
    );
    assert.deepEqual(
      refused.map((r) => [r.name, r.error.code]),
      [
        ['future', 'TFSCALE_E_PLUGIN_SDK_MISMATCH'],
        ['needs-future', 'TFSCALE_E_PLUGIN_MISSING_DEPENDENCY'],
        ['crashes', 'TFSCALE_E_PLUGIN_REGISTER_FAILED'],
        ['needs-crashes', 'TFSCALE_E_PLUGIN_MISSING_DEPENDENCY'],
      ],
    );
    assert.deepEqual(
      refused.map((r) => r.source),
      ['future', 'needs-future', 'crashes', 'needs-crashes'],
    );
    assert.match(refused[1]!.error.message, /which was refused/);
    assert.match(refused[3]!.error.message, /which failed to register/);
  });

  it('uses the container SDK version by default, prereleases included', async () => {
    const pre = createRootContainer({ logger: silentLogger, sdkVersion: '0.2.0-beta.1' });
    await loadPlugins([plugin('p', { sdk: '>=0.2.0-0' })], pre);
    assert.equal(pre.resolve(PluginRegistryToken).has('p'), true);
  });
});
