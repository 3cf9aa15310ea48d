import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createSdkContainer,
  discoverPlugins,
  ExporterRegistryToken,
  exportModel,
  importPlugin,
  loadPlugins,
  selectRuntime,
  servingRuntimeRegistry,
} from '@tfscale/sdk';
import { canonicalModel, describeExporterConformance } from '@tfscale/sdk/testing';
import defaultExport, * as entry from './index';
import { ONNX_MODEL_FILE } from './onnx-exporter';
import { PLUGIN_VERSION } from './plugin';

const packageDir = path.resolve(__dirname, '..');

describe('plugin-exporter-onnx/plugin', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-onnx-plugin-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('registers the onnx exporter and the onnx serving runtime, which outranks savedmodel', async () => {
    const root = createSdkContainer();
    const { loaded } = await loadPlugins([defaultExport], root);
    assert.deepEqual(
      loaded.map((m) => m.name),
      ['@tfscale/plugin-exporter-onnx'],
    );
    const exporters = root.resolve(ExporterRegistryToken);
    assert.equal(exporters.entry('onnx')?.plugin, '@tfscale/plugin-exporter-onnx');
    const runtimes = servingRuntimeRegistry(root);
    const onnx = runtimes.get('onnx');
    assert.ok(onnx.priority > runtimes.get('savedmodel').priority);

    // exportModel lays it out as <base>/onnx/<version>/model.onnx, which the registry's runtimes serve.
    const base = path.join(tmp, 'models', 'tiny');
    const { version, results } = await exportModel(root, canonicalModel(), { formats: ['savedmodel', 'onnx'], base });
    assert.equal(results[1]!.path, path.join(base, 'onnx', String(version)));
    assert.ok(fs.existsSync(path.join(base, 'onnx', String(version), ONNX_MODEL_FILE)));
    const all = runtimes.list().map((e) => e.value);
    assert.equal((await selectRuntime(all, path.join(base, 'onnx', String(version)))).name, 'onnx');
    assert.equal((await selectRuntime(all, path.join(base, String(version)))).name, 'savedmodel');
  });

  it('takes the intra-op thread count as a plugin option', async () => {
    const root = createSdkContainer();
    await loadPlugins([entry.onnxPlugin({ intraOpNumThreads: 3 })], root);
    assert.ok(servingRuntimeRegistry(root).get('onnx') instanceof entry.OnnxServingRuntime);
  });

  it('is discovered from package.json "tfscale.plugin" and its version matches', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    assert.equal(PLUGIN_VERSION, pkg.version);
    assert.equal(pkg.tfscale.plugin, 'dist/index.js');
    const found = (await discoverPlugins({ cwd: packageDir })).find(
      (d) => d.packageName === '@tfscale/plugin-exporter-onnx',
    );
    assert.ok(found, 'not discovered');
    assert.equal(importPlugin(found), entry.onnxPlugin);
  });

  describeExporterConformance(
    'onnx (as registered by the plugin)',
    async () => {
      const root = createSdkContainer();
      await loadPlugins([defaultExport], root);
      return root.resolve(ExporterRegistryToken).get('onnx');
    },
    { makeModel: () => canonicalModel(), makeDestination: () => path.join(fs.mkdtempSync(path.join(tmp, 'c-')), 'v1') },
  );
});
