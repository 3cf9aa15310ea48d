import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createRootContainer,
  createSdkContainer,
  DeployerRegistryToken,
  discoverPlugins,
  exportModel,
  importPlugin,
  isTfscaleError,
  loadPlugins,
} from '@tfscale/sdk';
import { canonicalModel, conformanceContext, describeDeployerConformance } from '@tfscale/sdk/testing';
import { BrowserDeployer, type BrowserDeployment, browserDeployerFactory } from './browser-deployer';
import defaultExport, * as entry from './index';
import { PAGE_CSP } from './site';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-browser-deployer-'));
const base = path.join(tmp, 'models', 'tiny');
let exported: Promise<void> | undefined;
/** A canonical model exported as TF.js, once. */
function exportTiny(): Promise<void> {
  exported ??= exportModel(createSdkContainer(), canonicalModel(), { formats: ['tfjs'], base }).then(() => undefined);
  return exported;
}
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeDeployerConformance('browser', () => browserDeployerFactory, {
  options: { out: path.join(tmp, 'conformance-site') },
  makeSpec: async () => {
    await exportTiny();
    return { modelPath: base, modelName: 'tiny' };
  },
});

describe('plugin-deploy-browser/browser-deployer', () => {
  before(exportTiny);

  it('writes the site (model, bundled tfjs, page with CSP) and serves it on 127.0.0.1', async () => {
    const out = path.join(tmp, 'site');
    const page = (await new BrowserDeployer().deploy({
      modelPath: base,
      modelName: 'tiny',
      options: { out },
    })) as BrowserDeployment;
    try {
      assert.match(page.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.deepEqual(fs.readdirSync(out).sort(), ['app.js', 'favicon.svg', 'index.html', 'model', 'style.css']);
      assert.deepEqual(
        fs.readdirSync(path.join(out, 'model')).sort(),
        fs.readdirSync(path.join(base, 'tfjs', '1')).sort(),
      );
      const html = await (await fetch(page.url)).text();
      assert.ok(html.includes(`content="${PAGE_CSP}"`));
      assert.ok(
        !/<script>|\son\w+=|https?:\/\//.test(html.replace(/<meta[^>]*>/g, '')),
        'no inline code or remote sources',
      );
      const script = await fetch(new URL('app.js', page.url));
      assert.equal(script.headers.get('content-security-policy'), PAGE_CSP);
      const code = await script.text();
      assert.match(code, /loadLayersModel|LayersModel/);
      assert.ok(!code.includes('WebAssembly'), 'no WebAssembly for the CSP to refuse');
      const model = await (await fetch(new URL('model/model.json', page.url))).json();
      assert.equal(model.format, 'layers-model');
      assert.equal((await page.status()).state, 'ready');
    } finally {
      await page.stop();
    }
    assert.equal((await page.status()).state, 'stopped');
    assert.ok(fs.existsSync(path.join(out, 'index.html')), 'the site stays');
  });

  it('honours restApiPort (also as a string) and refuses bad options', async () => {
    const probe = await new BrowserDeployer().deploy({
      modelPath: base,
      modelName: 'tiny',
      options: { out: path.join(tmp, 'p1') },
    });
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const page = await new BrowserDeployer({ restApiPort: String(port) }).deploy({
      modelPath: base,
      modelName: 'tiny',
      options: { out: path.join(tmp, 'p2') },
    });
    assert.equal(new URL(page.url).port, String(port));
    await page.stop();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ restApiPort: 'http' }, /`restApiPort`/],
      [{ out: path.join(base, 'tfjs') }, /outside the model export/],
    ];
    for (const [options, message] of bad) {
      await assert.rejects(
        new BrowserDeployer().deploy({ modelPath: base, modelName: 'tiny', options }),
        (e: unknown) => isTfscaleError(e) && message.test(e.message),
      );
    }
  });

  it('is discovered as a plugin and registers the browser target', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    assert.equal(entry.PLUGIN_VERSION, pkg.version);
    const found = (await discoverPlugins({ cwd: path.join(__dirname, '..') })).find((d) => d.packageName === pkg.name);
    assert.ok(found, 'not discovered');
    assert.equal(importPlugin(found), entry.deployBrowserPlugin);
    const root = createRootContainer();
    await loadPlugins([defaultExport], root);
    const deployer = await root.resolve(DeployerRegistryToken).get('browser')({}, conformanceContext());
    assert.equal(deployer.target, 'browser');
  });
});
