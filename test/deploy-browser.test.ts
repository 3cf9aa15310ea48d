/**
 * The browser deployment end to end: two models exported as TF.js and SavedModel, the TF.js one
 * deployed as a page and driven in headless Chromium (typed fields for an 8-feature model, a
 * pasted JSON array for a 64-pixel image model), each prediction compared with the tfscale
 * model server's REST answer for the same input (SavedModel on native TensorFlow).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserDeployer } from '@tfscale/plugin-deploy-browser';
import { createSdkContainer, exportModel, loadTf, type RunningModelServer } from '@tfscale/sdk';
import { canonicalData, canonicalModel } from '@tfscale/sdk/testing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { serving } from './support/serving';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TOLERANCE = 1e-5;
let worstSeen = 0;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Conv2D → MaxPool → Flatten → Dense on an 8×8×1 image (64 inputs: the page's JSON box). */
function imageModel() {
  const tf = loadTf();
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        biasInitializer: tf.initializers.randomNormal({ seed: 4, stddev: 0.1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 5,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      }),
    ],
  });
}

function assertClose(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i])));
  worstSeen = Math.max(worstSeen, worst);
  assert.ok(worst <= TOLERANCE, `${what}: max |browser - server| = ${worst}\nbrowser ${actual}\nserver  ${expected}`);
}

describe('browser deployment: the page in Chromium predicts what the model server does', function () {
  this.timeout(300_000);
  let dir: string;
  let server: RunningModelServer | undefined;
  let restPort: number;
  let context: BrowserContext | undefined;
  const stops: Array<() => Promise<void>> = [];
  const requests: string[] = [];
  let chromiumVersion = '';
  let backend = '?';

  before(async function () {
    if (process.env.TFSCALE_SKIP_NATIVE === '1') this.skip();
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI === 'true') assert.fail(`CI: ${CHROMIUM} missing (.ci/run installs Debian's chromium)`);
      console.log(`      (skipped: ${CHROMIUM} not installed; apt-get install chromium)`);
      this.skip();
    }
    chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-deploy-browser-'));
    const container = createSdkContainer();
    const features = canonicalModel();
    // A few epochs so the weights are not the initial ones.
    const { x, y } = canonicalData(64);
    const tf = loadTf();
    await features.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 3, batchSize: 16, verbose: 0 });
    await exportModel(container, features, { formats: ['tfjs', 'savedmodel'], base: path.join(dir, 'features') });
    await exportModel(container, imageModel(), { formats: ['tfjs', 'savedmodel'], base: path.join(dir, 'image') });
    restPort = await freePort();
    const config = serving.parseModelServerConfig(
      `model_config_list { config { name: 'features' base_path: '${dir}/features' model_platform: 'tensorflow' } ` +
        `config { name: 'image' base_path: '${dir}/image' model_platform: 'tensorflow' } }`,
    );
    server = await serving.startModelServer({
      config,
      runtimes: serving.servingRuntimeRegistry(container),
      runtime: 'savedmodel',
      restApiPort: restPort,
      grpcPort: 0,
      fileSystemPollWaitSeconds: 0,
    });
    context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(dir, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    context.on('request', (r) => requests.push(r.url()));
  });

  after(async () => {
    for (const stop of stops) await stop();
    await context?.close();
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (chromiumVersion)
      console.log(`      (${chromiumVersion}; page backend ${backend}; max |browser - server| ${worstSeen})`);
  });

  async function restPredict(model: string, instance: unknown): Promise<number[]> {
    const r = await fetch(`http://127.0.0.1:${restPort}/v1/models/${model}:predict`, {
      method: 'POST',
      body: JSON.stringify({ instances: [instance] }),
    });
    const body = await r.text();
    assert.equal(r.status, 200, body);
    return (JSON.parse(body).predictions[0] as number[]).flat(Number.POSITIVE_INFINITY) as number[];
  }

  /** Deploys a model's TF.js export and opens the page, watching for CSP violations and errors. */
  async function openPage(model: string): Promise<{ page: Page; url: string; problems: string[] }> {
    const deployment = await new BrowserDeployer().deploy({
      modelPath: path.join(dir, model),
      modelName: model,
      options: { out: path.join(dir, `site-${model}`) },
    });
    stops.push(() => deployment.stop());
    const page = await context!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    // Runs before the page's own scripts (injected by the browser, not subject to its CSP).
    await page.addInitScript({
      content:
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    await page.goto(deployment.url!);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('body', 'data-state'), 'ready', (await page.textContent('#error')) ?? '');
    return { page, url: deployment.url!, problems };
  }

  async function predictInPage(page: Page): Promise<number[]> {
    await page.click('#predict');
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('body', 'data-state'), 'done', (await page.textContent('#error')) ?? '');
    backend = /with the (\w+) backend/.exec((await page.textContent('#status')) ?? '')?.[1] ?? '?';
    const result = JSON.parse((await page.textContent('#output')) ?? '');
    return (result.outputs[0].values as number[]).flat(Number.POSITIVE_INFINITY) as number[];
  }

  it('typed fields (8 features): the same class probabilities as TF Serving REST', async () => {
    const { page, url, problems } = await openPage('features');
    assert.equal(await page.locator('fieldset input').count(), 8);
    const { x } = canonicalData(3, { seed: 7 });
    for (const row of x) {
      for (const [k, v] of row.entries()) await page.fill(`input[name="0-${k}"]`, String(v));
      const browser = await predictInPage(page);
      assertClose(browser, await restPredict('features', row), `features ${JSON.stringify(row)}`);
      assert.ok(Math.abs(browser.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax sums to 1');
    }
    assert.deepEqual(problems, []);
    const foreign = requests.filter((r) => !r.startsWith(url));
    assert.deepEqual(foreign, [], 'every request stays on the deployed site');
  });

  it('a pasted JSON array (64-pixel image): the same answer; a wrong count is shown, not thrown', async () => {
    const { page, problems } = await openPage('image');
    assert.equal(await page.locator('fieldset textarea').count(), 1);
    const pixels = Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => [((r * 8 + c) % 13) / 12]));
    await page.fill('textarea', JSON.stringify(pixels));
    assertClose(await predictInPage(page), await restPredict('image', pixels), 'image');

    await page.fill('textarea', JSON.stringify(pixels.flat(2).slice(1)));
    await page.click('#predict');
    await page.waitForSelector('body[data-state="error"]');
    assert.match((await page.textContent('#error')) ?? '', /63 values; expected 64 \(shape \[8, 8, 1\]\)/);
    assert.deepEqual(problems, []);
  });

  it('tfscale deploy --target browser prints the page, serves it until Ctrl-C, then exits 0', async () => {
    const cli = path.resolve(__dirname, '..', '..', 'packages/sdk/dist/cli/main.js');
    const out = path.join(dir, 'site-cli');
    const child = spawn(process.execPath, [
      cli,
      'deploy',
      path.join(dir, 'features'),
      '--target',
      'browser',
      '--out',
      out,
    ]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = once(child, 'exit');
    try {
      const deadline = Date.now() + 60_000;
      while (!/^Ctrl-C stops it\.$/m.test(stdout)) {
        assert.ok(child.exitCode === null && Date.now() < deadline, `no page: ${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /^ {2}page {2}(http:\/\/127\.0\.0\.1:\d+\/?)$/m.exec(stdout)?.[1];
      assert.ok(url, stdout);
      assert.doesNotMatch(stdout, /REST|curl/, 'a page is not a model API');
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await exited;
    assert.equal(code, 0);
    assert.match(stdout, /^stopped$/m);
  });
});
