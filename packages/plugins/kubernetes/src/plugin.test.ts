import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createRootContainer,
  DeployerRegistryToken,
  discoverPlugins,
  importPlugin,
  loadPlugins,
  PluginRegistryToken,
} from '@tfscale/sdk';
import { conformanceContext } from '@tfscale/sdk/testing';
import defaultExport, * as entry from './index';
import { PLUGIN_VERSION } from './plugin';

const packageDir = path.resolve(__dirname, '..');

describe('plugin-kubernetes/plugin', () => {
  it('loads through the SDK plugin contract and registers the kubernetes deployer', async () => {
    const root = createRootContainer();
    const { loaded } = await loadPlugins([defaultExport], root);
    assert.deepEqual(
      loaded.map((m) => m.name),
      ['@tfscale/plugin-kubernetes'],
    );
    assert.ok(root.resolve(PluginRegistryToken).has('@tfscale/plugin-kubernetes'));
    const deployer = await root.resolve(DeployerRegistryToken).get('kubernetes')({}, conformanceContext());
    assert.equal(deployer.target, 'kubernetes');
  });

  it('is discovered from package.json "tfscale.plugin" and its version matches', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    assert.equal(PLUGIN_VERSION, pkg.version);
    assert.equal(pkg.tfscale.plugin, 'dist/index.js');
    const found = (await discoverPlugins({ cwd: packageDir })).find(
      (d) => d.packageName === '@tfscale/plugin-kubernetes',
    );
    assert.ok(found, 'not discovered');
    assert.equal(importPlugin(found), entry.kubernetesPlugin);
  });

  it('exports the generators', () => {
    for (const name of [
      'generateTrainingManifests',
      'tfJobManifest',
      'indexedJobManifests',
      'validateTrainingManifests',
      'toYaml',
    ]) {
      assert.equal(typeof (entry as Record<string, unknown>)[name], 'function', name);
    }
  });
});
