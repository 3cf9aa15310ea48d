import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createSdkContainer,
  discoverPlugins,
  type ExporterFactory,
  ExporterRegistryToken,
  exportModel,
  importPlugin,
  isTfscaleError,
  LoggerToken,
  loadPlugins,
} from '@tfscale/sdk';
import { canonicalModel, conformanceContext, describeExporterConformance } from '@tfscale/sdk/testing';
import defaultExport, * as entry from './index';
import { PLUGIN_VERSION } from './plugin';
import { TFLITE_FILE, TfliteExporter } from './tflite-exporter';

const packageDir = path.resolve(__dirname, '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tflite-'));

async function registeredFactory(): Promise<ExporterFactory> {
  const container = createSdkContainer();
  await loadPlugins([defaultExport], container);
  return container.resolve(ExporterRegistryToken).get('tflite');
}

describeExporterConformance('tflite (plugin registration)', registeredFactory, {
  makeModel: () => canonicalModel(),
  makeDestination: () => path.join(tmp(), 'tflite', '1'),
});
describeExporterConformance('tflite, dynamic-range int8', registeredFactory, {
  options: { quantize: 'dynamic-int8', quantizeMinElements: 0 },
  makeModel: () => canonicalModel(),
  makeDestination: () => path.join(tmp(), 'model.tflite'),
});

describe('plugin-exporter-tflite/plugin', () => {
  it('is discovered from package.json "tfscale.plugin" and its version matches', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    assert.equal(PLUGIN_VERSION, pkg.version);
    assert.equal(pkg.tfscale.plugin, 'dist/index.js');
    const found = (await discoverPlugins({ cwd: packageDir })).find(
      (d) => d.packageName === '@tfscale/plugin-exporter-tflite',
    );
    assert.ok(found, 'not discovered');
    assert.equal(importPlugin(found), entry.tflitePlugin);
  });

  it('registers the tflite exporter; versioned export writes <base>/tflite/<version>/model.tflite', async () => {
    const container = createSdkContainer();
    await loadPlugins([defaultExport], container);
    const base = path.join(tmp(), 'models', 'tiny');
    const { version, results } = await exportModel(container, canonicalModel(), {
      formats: ['savedmodel', 'tflite'],
      base,
    });
    assert.equal(version, 1);
    const tflite = results.find((r) => r.format === 'tflite')!;
    assert.equal(tflite.path, path.join(base, 'tflite', '1'));
    assert.deepEqual(tflite.files, [TFLITE_FILE]);
    assert.equal(fs.readFileSync(path.join(tflite.path, TFLITE_FILE)).subarray(4, 8).toString('latin1'), 'TFL3');
  });

  it('plugin options become exporter defaults; export options override them', async () => {
    const container = createSdkContainer();
    await loadPlugins(
      [{ plugin: defaultExport, options: { quantize: 'dynamic-int8', quantizeMinElements: 0 } }],
      container,
    );
    const factory = container.resolve(ExporterRegistryToken).get('tflite');
    const exporter = await factory({}, { container, logger: container.resolve(LoggerToken) });
    const dir = tmp();
    const model = canonicalModel();
    const int8 = await exporter.export(model, path.join(dir, 'a.tflite'));
    const float = await exporter.export(model, path.join(dir, 'b.tflite'), { quantize: 'none' });
    assert.ok(int8.bytes < float.bytes, `int8 ${int8.bytes} B, float ${float.bytes} B`);
  });

  it('rejects unknown options, existing destinations (unless overwrite) and non-models with coded errors', async () => {
    assert.throws(
      () => new TfliteExporter({ quantize: 'float16' }),
      (e: unknown) => isTfscaleError(e, 'TFSCALE_E_INVALID_VALUE') && /quantize/.test((e as Error).message),
    );
    const exporter = (await registeredFactory())({}, conformanceContext()) as TfliteExporter;
    const dir = tmp();
    await assert.rejects(exporter.export(canonicalModel(), dir), /a folder that does not exist yet/);
    const written = await exporter.export(canonicalModel(), dir, { overwrite: true });
    assert.deepEqual(fs.readdirSync(dir), [TFLITE_FILE]);
    assert.equal(written.bytes, fs.statSync(path.join(dir, TFLITE_FILE)).size);
    await assert.rejects(exporter.export({ layers: 'no' }, path.join(dir, 'x')), (e: unknown) =>
      isTfscaleError(e, 'TFSCALE_E_INVALID_VALUE'),
    );
    await assert.rejects(
      exporter.export(canonicalModel(), path.join(dir, 'q'), { quantizeMinElements: -1 }),
      (e: unknown) => isTfscaleError(e, 'TFSCALE_E_INVALID_VALUE'),
    );
    assert.equal(fs.existsSync(path.join(dir, 'q')), false);
  });
});
