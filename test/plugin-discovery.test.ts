import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CallbackRegistryToken,
  createRootContainer,
  discoverPlugins,
  importPlugin,
  isTfscaleError,
  loadPlugins,
  type PluginDescriptor,
  PluginRegistryToken,
  silentLogger,
} from '@tfscale/sdk';

// Compiled to test/dist/, fixtures stay in test/fixtures/.
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'plugins');

function writePackage(dir: string, pkg: Record<string, unknown>, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

/**
 * proj/
 *   node_modules/
 *     tfscale-plugin-hello/           copy of the fixture, 0.1.0 (shadowed by the nearer copy)
 *     @acme/tfscale-plugin-x  ->  ../../packages/plugin-x   (symlinked workspace package, sdk ^9)
 *     left-pad/                       not a plugin
 *     .bin/
 *   packages/plugin-x/                the scoped fixture
 *   packages/app/node_modules/tfscale-plugin-hello/   nearer copy, version 0.2.0
 *   packages/app/src/deep/            discovery starts here
 */
function makeProject(): { root: string; cwd: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tfscale-discovery-'));
  const nm = path.join(root, 'node_modules');
  cpSync(path.join(FIXTURES, 'tfscale-plugin-hello'), path.join(nm, 'tfscale-plugin-hello'), { recursive: true });
  cpSync(path.join(FIXTURES, 'acme-tfscale-plugin-x'), path.join(root, 'packages', 'plugin-x'), { recursive: true });
  mkdirSync(path.join(nm, '@acme'), { recursive: true });
  symlinkSync(path.join('..', '..', 'packages', 'plugin-x'), path.join(nm, '@acme', 'tfscale-plugin-x'), 'dir');
  writePackage(path.join(nm, 'left-pad'), { name: 'left-pad', version: '1.3.0' });
  mkdirSync(path.join(nm, '.bin'));
  const nearer = path.join(root, 'packages', 'app', 'node_modules', 'tfscale-plugin-hello');
  cpSync(path.join(FIXTURES, 'tfscale-plugin-hello'), nearer, { recursive: true });
  writePackage(nearer, { name: 'tfscale-plugin-hello', version: '0.2.0', tfscale: { plugin: 'index.js' } });
  const cwd = path.join(root, 'packages', 'app', 'src', 'deep');
  mkdirSync(cwd, { recursive: true });
  return { root, cwd };
}

describe('plugin discovery (installed packages → container)', () => {
  let project: { root: string; cwd: string };
  let found: PluginDescriptor[];

  before(async () => {
    project = makeProject();
    found = await discoverPlugins({ cwd: project.cwd });
  });
  after(() => rmSync(project.root, { recursive: true, force: true }));

  it('finds plugin packages walking up from a nested folder, scoped and symlinked ones included', () => {
    const byName = new Map(found.map((d) => [d.packageName, d]));
    assert.deepEqual([...byName.keys()].sort(), ['@acme/tfscale-plugin-x', 'tfscale-plugin-hello']);
    const x = byName.get('@acme/tfscale-plugin-x')!;
    assert.equal(x.version, '3.0.0');
    assert.equal(x.dir, path.join(project.root, 'node_modules', '@acme', 'tfscale-plugin-x'));
    assert.equal(x.entry, path.join(x.dir, 'plugin.js'));
  });

  it('the nearest node_modules wins for a package found twice', () => {
    const hello = found.find((d) => d.packageName === 'tfscale-plugin-hello')!;
    assert.equal(hello.version, '0.2.0');
    assert.equal(hello.dir, path.join(project.root, 'packages', 'app', 'node_modules', 'tfscale-plugin-hello'));
  });

  it('loads the compatible plugin and refuses the incompatible one with TFSCALE_E_PLUGIN_SDK_MISMATCH', async () => {
    const root = createRootContainer({ logger: silentLogger });
    const sources = found.map((d) => ({ plugin: importPlugin(d), source: d.packageName }));
    const { loaded, refused } = await loadPlugins(sources, root, undefined, { onError: 'collect' });

    assert.deepEqual(
      loaded.map((m) => m.name),
      ['tfscale-plugin-hello'],
    );
    const callbacks = root.resolve(CallbackRegistryToken);
    assert.equal(callbacks.has('hello'), true);
    assert.equal(callbacks.entry('hello').plugin, 'tfscale-plugin-hello');
    const hello = await callbacks.get('hello')({}, { container: root, logger: silentLogger });
    assert.equal(hello.name, 'hello');
    await hello.onTrainBegin?.();

    assert.equal(refused.length, 1);
    const [{ name, source, error }] = refused as [(typeof refused)[number]];
    assert.equal(name, '@acme/tfscale-plugin-x');
    assert.equal(source, '@acme/tfscale-plugin-x');
    assert.ok(isTfscaleError(error, 'TFSCALE_E_PLUGIN_SDK_MISMATCH'));
    assert.match(error.message, /requires @tfscale\/sdk \^9\.0\.0, but this is @tfscale\/sdk 0\.1\.0/);
    assert.deepEqual(root.resolve(PluginRegistryToken).names(), ['tfscale-plugin-hello']);
  });

  it('by default refuses the whole set before registering anything', async () => {
    const root = createRootContainer({ logger: silentLogger });
    const sources = found.map((d) => ({ plugin: importPlugin(d), source: d.packageName }));
    await assert.rejects(loadPlugins(sources, root), {
      code: 'TFSCALE_E_PLUGIN_SDK_MISMATCH',
      plugin: '@acme/tfscale-plugin-x',
    });
    assert.equal(root.resolve(CallbackRegistryToken).has('hello'), false);
  });

  it('importPlugin names the package when the entry is missing or exports no factory', () => {
    const dir = path.join(project.root, 'broken');
    writePackage(dir, { name: 'tfscale-plugin-broken', version: '1.0.0' }, { 'empty.js': 'exports.nothing = 1;\n' });
    const missing = {
      packageName: 'tfscale-plugin-broken',
      version: '1.0.0',
      dir,
      entry: path.join(dir, 'dist', 'index.js'),
    };
    assert.throws(() => importPlugin(missing), {
      code: 'TFSCALE_E_PLUGIN_ENTRY_MISSING',
      message: /^Plugin package tfscale-plugin-broken names entry .*dist[\\/]index\.js, which does not exist\./,
    });
    assert.throws(() => importPlugin({ ...missing, entry: path.join(dir, 'empty.js') }), {
      code: 'TFSCALE_E_PLUGIN_INVALID',
      message: /^Plugin package tfscale-plugin-broken exports no plugin factory/,
    });
  });

  it('skips, with a warning, a tfscale.plugin entry that points outside its package', async () => {
    const { root, cwd } = makeProject();
    try {
      writePackage(path.join(root, 'node_modules', 'tfscale-plugin-escape'), {
        name: 'tfscale-plugin-escape',
        version: '1.0.0',
        tfscale: { plugin: '../../evil.js' },
      });
      const warnings: string[] = [];
      const names = (await discoverPlugins({ cwd, logger: { warn: (m) => warnings.push(m) } })).map(
        (d) => d.packageName,
      );
      assert.ok(!names.includes('tfscale-plugin-escape'));
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /^Skipping tfscale-plugin-escape: "tfscale.plugin" must be a file path inside the package/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
