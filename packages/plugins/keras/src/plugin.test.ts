import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createRootContainer,
  createSdkContainer,
  discoverPlugins,
  ExporterRegistryToken,
  exportModel,
  importPlugin,
  loadPlugins,
} from '@tfscale/sdk';
import { canonicalModel } from '@tfscale/sdk/testing';
import defaultExport, * as entry from './index';
import { PLUGIN_VERSION } from './plugin';

const packageDir = path.resolve(__dirname, '..');

describe('plugin-keras/plugin', () => {
  it('registers the keras exporter through the SDK plugin contract', async () => {
    const root = createRootContainer();
    const { loaded } = await loadPlugins([defaultExport], root);
    assert.deepEqual(
      loaded.map((m) => m.name),
      ['@tfscale/plugin-keras'],
    );
    assert.ok(root.resolve(ExporterRegistryToken).has('keras'));
  });

  it('is discovered from package.json "tfscale.plugin" and its version matches', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    assert.equal(PLUGIN_VERSION, pkg.version);
    assert.equal(pkg.tfscale.plugin, 'dist/index.js');
    const found = (await discoverPlugins({ cwd: packageDir })).find((d) => d.packageName === '@tfscale/plugin-keras');
    assert.ok(found, 'not discovered');
    assert.equal(importPlugin(found), entry.kerasPlugin);
  });

  it('exportModel writes <base>/keras/<version>/model.keras next to the other formats', async () => {
    const root = createSdkContainer();
    await loadPlugins([defaultExport], root);
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-plugin-'));
    try {
      const { version, results } = await exportModel(root, canonicalModel(), { formats: ['keras', 'tfjs'], base });
      assert.equal(version, 1);
      const keras = results.find((r) => r.format === 'keras')!;
      assert.equal(keras.path, path.join(base, 'keras', '1'));
      assert.deepEqual(keras.files, ['model.keras']);
      assert.equal(fs.statSync(path.join(keras.path, 'model.keras')).size, keras.bytes);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('exports the loader, the saver and the translation tables', () => {
    for (const name of ['loadKerasModel', 'saveKerasModel', 'KerasExporter']) {
      assert.equal(typeof (entry as Record<string, unknown>)[name], 'function', name);
    }
  });
});
