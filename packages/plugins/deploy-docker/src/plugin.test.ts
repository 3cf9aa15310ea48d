import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRootContainer, DeployerRegistryToken, discoverPlugins, importPlugin, loadPlugins } from '@tfscale/sdk';
import defaultExport, * as entry from './index';
import { PLUGIN_VERSION } from './plugin';

const packageDir = path.resolve(__dirname, '..');

describe('plugin-deploy-docker/plugin', () => {
  it('registers the docker deployer target through the plugin contract', async () => {
    const root = createRootContainer();
    const { loaded } = await loadPlugins([defaultExport], root);
    assert.deepEqual(
      loaded.map((m) => m.name),
      ['@tfscale/plugin-deploy-docker'],
    );
    const registry = root.resolve(DeployerRegistryToken);
    assert.deepEqual(registry.names(), ['docker']);
    assert.equal(registry.list()[0]?.plugin, '@tfscale/plugin-deploy-docker');
  });

  it('is discovered from package.json "tfscale.plugin" and its version matches', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    assert.equal(PLUGIN_VERSION, pkg.version);
    assert.equal(pkg.tfscale.plugin, 'dist/index.js');
    const found = (await discoverPlugins({ cwd: packageDir })).find(
      (d) => d.packageName === '@tfscale/plugin-deploy-docker',
    );
    assert.ok(found, 'not discovered');
    assert.equal(importPlugin(found), entry.deployDockerPlugin);
  });
});
