/**
 * The deployment chapter's examples (SavedModel, serving, alternative deployment) run as their
 * READMEs say (reduced epochs) and reach their outcome; what they produce is also checked in
 * Python TensorFlow.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFreshProject } from './support/fresh-project';
import { interopPython } from './support/python';

const dist = path.resolve(__dirname, '..', '..', 'examples', 'dist');

/** Runs `script` in the interop Python with `input` as JSON on stdin; parses its JSON stdout. */
function python<T>(script: string, input: unknown): T {
  const found = interopPython();
  if (!found.path) throw new Error(found.reason);
  const r = spawnSync(found.path, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The largest absolute difference between two row-major nested arrays. */
function maxDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('examples (deployment chapter)', function () {
  this.timeout(600_000);

  it('savedmodel: loaded back in TypeScript and in Python TensorFlow, it predicts like the trained model', async function () {
    const { main } = require(path.join(dist, 'savedmodel', 'run.js'));
    const r = await main(2);
    assert.ok(r.maxDiff < 1e-5, `SavedModel vs trained: ${r.maxDiff}`);
    assert.deepEqual(r.signature.inputs[0].shape, [-1, 64]);
    assert.deepEqual(r.signature.outputs[0].shape, [-1, 10]);
    if (!interopPython().path) this.skip();
    const py = python<{ keys: string[]; y: number[][] }>(
      [
        'import json, sys, tensorflow as tf',
        'req = json.load(sys.stdin)',
        "fn = tf.saved_model.load(req['dir']).signatures['serving_default']",
        "out = fn(**{req['input']: tf.constant(req['x'], tf.float32)})",
        "print(json.dumps({'keys': sorted(out), 'y': out[req['output']].numpy().tolist()}))",
      ].join('\n'),
      { dir: r.savedModelDir, x: r.x, input: r.signature.inputs[0].key, output: r.signature.outputs[0].key },
    );
    assert.deepEqual(py.keys, [r.signature.outputs[0].key]);
    const d = maxDiff(py.y, r.expected);
    console.log(`      Python tf.saved_model.load vs trained model: max |diff| ${d.toExponential(2)}`);
    assert.ok(d < 1e-5, `Python SavedModel vs trained: ${d}`);
  });

  it('serving: REST, curl, gRPC, labels and a version swap answer like the versions exported; SIGTERM exits 0', async () => {
    const { main } = require(path.join(dist, 'serving', 'run.js'));
    const r = await main();
    assert.deepEqual(Object.keys(r.results), [
      'REST latest = v2',
      'REST /versions/1 = v1',
      'REST /labels/stable = v1',
      'curl /labels/canary = v2',
      'gRPC latest = v2',
      'gRPC label stable = v1',
      'REST latest after push = v3',
      'gRPC latest after push = v3',
    ]);
    for (const [name, d] of Object.entries(r.results as Record<string, number>)) assert.ok(d < 1e-5, `${name}: ${d}`);
    // The checks can tell versions apart: consecutive checkpoints differ far more than the tolerance.
    assert.ok(r.versionGap > 1e-3, `versions 2 and 3 differ by ${r.versionGap}`);
    const sig = r.metadata.signatures.serving_default;
    assert.deepEqual(Object.values(sig.inputs), [{ dtype: 'DT_FLOAT', shape: [-1, 64] }]);
    assert.deepEqual(Object.values(sig.outputs), [{ dtype: 'DT_FLOAT', shape: [-1, 10] }]);
    assert.deepEqual(r.status.map((s: { version: string; state: string }) => `${s.version}:${s.state}`).sort(), [
      '1:AVAILABLE',
      '2:AVAILABLE',
      '3:AVAILABLE',
    ]);
    assert.equal(r.exitCode, 0, r.serverOutput);
    assert.match(r.serverOutput, /SIGTERM: finishing in-flight requests/);
  });

  it('alternative-deployment: TFLite (float, int8) in tf.lite.Interpreter and ONNX in onnxruntime predict like TF.js; the page serves the model', async function () {
    const { main } = require(path.join(dist, 'alternative-deployment', 'run.js'));
    const r = await main(3);
    assert.ok(r.onnxDiff < 1e-5, `ONNX vs TF.js: ${r.onnxDiff}`);
    assert.ok(
      r.sizes['tflite-int8'] < 0.6 * r.sizes.tflite,
      `int8 ${r.sizes['tflite-int8']} vs float ${r.sizes.tflite}`,
    );
    const b = r.browser;
    assert.equal(b.exitCode, 0);
    assert.match(b.csp ?? '', /script-src 'self'/);
    const bin = fs
      .readdirSync(r.files.tfjs)
      .filter((f: string) => f.endsWith('.bin'))
      .reduce((n: number, f: string) => n + fs.statSync(path.join(r.files.tfjs, f)).size, 0);
    assert.equal(b.weightBytes, bin, 'the page serves the TF.js export');
    if (!interopPython().path) this.skip();
    const py = python<Record<string, number[][]>>(
      [
        'import json, sys, numpy as np, tensorflow as tf',
        'req = json.load(sys.stdin)',
        'x = np.array(req["x"], np.float32)',
        'out = {}',
        'for name, file in req["files"].items():',
        '    it = tf.lite.Interpreter(model_path=file)',
        '    inp = it.get_input_details()[0]',
        '    it.resize_tensor_input(inp["index"], list(x.shape))',
        '    it.allocate_tensors()',
        '    it.set_tensor(inp["index"], x)',
        '    it.invoke()',
        '    out[name] = it.get_tensor(it.get_output_details()[0]["index"]).tolist()',
        'print(json.dumps(out))',
      ].join('\n'),
      { x: r.x, files: { float: r.files.tflite, int8: r.files['tflite-int8'] } },
    );
    const float = maxDiff(py.float!, r.tfjs);
    const int8 = maxDiff(py.int8!, r.tfjs);
    const classes = (rows: number[][]) => rows.map((row) => row.indexOf(Math.max(...row)));
    const sameClass = classes(py.int8!).filter((c, i) => c === classes(r.tfjs)[i]).length;
    console.log(
      `      tf.lite.Interpreter vs TF.js: float ${float.toExponential(2)}, int8 ${int8.toExponential(2)} (${sameClass}/${r.x.length} same class)`,
    );
    assert.ok(float < 1e-5, `TFLite float vs TF.js: ${float}`);
    assert.ok(int8 < 0.05, `TFLite int8 vs TF.js: ${int8}`);
    assert.ok(sameClass >= r.x.length - 1, `int8 changed ${r.x.length - sameClass} classes`);
  });
});

describe('examples: a third-party plugin written from the plugin guide', function () {
  this.timeout(300_000);
  const repo = path.resolve(__dirname, '..', '..');
  const pluginDir = path.join(repo, 'examples', 'third-party-plugin');
  let project: string;
  let app: string;

  /** Runs a command without blocking the event loop (the webhook server answers meanwhile). */
  function run(cmd: string, args: string[], cwd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        cmd,
        args,
        { cwd, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024, env: { ...process.env, TFSCALE_SKIP_NATIVE: '1' } },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`))
            : resolve(stdout),
      );
    });
  }

  before(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-third-party-'));
    // The plugin builds with its own tsconfig; its own test runs the conformance suite.
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', pluginDir], repo);
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it("its own tests pass: the SDK's callback conformance suite and the webhook's behaviour", async () => {
    const mocha = require.resolve('mocha/bin/mocha.js');
    const out = await run(process.execPath, [mocha, '--reporter', 'dot', 'dist/index.test.js'], pluginDir);
    assert.match(out, /\d+ passing/);
    assert.doesNotMatch(out, /failing/);
  });

  it('installed from its folder into a fresh project, it is discovered and posts every epoch to the webhook', async () => {
    const packs = path.join(project, 'packs');
    fs.mkdirSync(packs);
    const pack = async (dir: string) =>
      path.join(
        packs,
        (await run('npm', ['pack', '--silent', '--pack-destination', packs], dir)).trim().split('\n').at(-1)!,
      );
    const [sdkTgz, pluginTgz] = [await pack(path.join(repo, 'packages', 'sdk')), await pack(pluginDir)];
    app = path.join(project, 'app');
    fs.mkdirSync(path.join(app, 'data'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'examples', 'data', 'digits', 'digits.csv'), path.join(app, 'data', 'digits.csv'));
    // Offline, from npm's cache as `npm ci` filled it: the app's lockfile pins the repository's
    // versions. --ignore-scripts: tfjs-node's own installer downloads libtensorflow from outside
    // the registry, and TFSCALE_SKIP_NATIVE cannot stop it (the SDK has no install script of its own).
    const registry = (await run('npm', ['config', 'get', 'registry'], app)).trim();
    writeFreshProject(app, sdkTgz, { 'tfscale-plugin-webhook': { tgz: pluginTgz, version: '1.0.0' } }, registry);
    const started = Date.now();
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], app);
    console.log(`      npm ci --offline (SDK + plugin tarballs): ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const plugins = await run('npx', ['tfscale', 'plugins'], app);
    assert.match(plugins, /^tfscale-plugin-webhook@1\.0\.0\s+loaded/m);
    assert.match(plugins, /^callback .*webhook \(tfscale-plugin-webhook\)/m);

    const received: { event: string; epoch?: number; run?: string; logs: Record<string, number> }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      fs.writeFileSync(
        path.join(app, 'tfscale.json'),
        JSON.stringify({
          name: 'digits-webhook',
          model: {
            type: 'sequential',
            layers: [
              { type: 'rescaling', scale: 0.0625, inputShape: [64] },
              { type: 'dense', units: 32, activation: 'relu' },
              { type: 'dense', units: 10, activation: 'softmax' },
            ],
          },
          compile: {
            optimizer: { type: 'adam', learningRate: 0.005 },
            loss: 'sparse_categorical_crossentropy',
            metrics: ['accuracy'],
          },
          data: { train: { csv: 'data/digits.csv', label: 'label' }, validationSplit: 0.2, batchSize: 32, seed: 1 },
          epochs: 3,
          plugins: ['tfscale-plugin-webhook'],
          callbacks: [{ name: 'webhook', options: { url, run: 'fresh-project' } }],
          outputDir: 'runs',
        }),
      );
      const out = await run(
        'npx',
        ['tfscale', 'train', 'tfscale.json', '--checkpoint-dir', 'runs/ckpt', '--quiet'],
        app,
      );
      assert.match(out, /^done: 3 epochs/m);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.deepEqual(
      received.map((m) => `${m.event}${m.epoch ?? ''}`),
      ['train_begin', 'epoch_end0', 'epoch_end1', 'epoch_end2', 'train_end'],
    );
    for (const m of received.filter((r) => r.event === 'epoch_end')) {
      assert.equal(m.run, 'fresh-project');
      for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy'])
        assert.ok(Number.isFinite(m.logs[k]), `epoch ${m.epoch}: ${k} = ${m.logs[k]}`);
    }
    assert.ok(received[3]!.logs.loss! < received[1]!.logs.loss!, 'loss fell');

    // The conformance suite again, from the installed packages only (the app's node_modules).
    fs.writeFileSync(
      path.join(app, 'conformance.test.js'),
      [
        "const { CallbackRegistryToken, createSdkContainer, loadPlugins } = require('@tfscale/sdk');",
        "const { describeCallbackConformance } = require('@tfscale/sdk/testing');",
        "const plugin = require('tfscale-plugin-webhook').default;",
        "describeCallbackConformance('webhook', async () => {",
        '  const container = createSdkContainer();',
        '  await loadPlugins([plugin], container);',
        "  return container.resolve(CallbackRegistryToken).get('webhook');",
        "}, { options: { url: 'http://127.0.0.1:9/' } });",
      ].join('\n'),
    );
    const conformance = await run(
      process.execPath,
      [require.resolve('mocha/bin/mocha.js'), '--reporter', 'dot', 'conformance.test.js'],
      app,
    );
    assert.match(conformance, /[1-9]\d* passing/);
  });

  it("a new user's path in that project: export, serve, and curl answers like the trained model", async function () {
    if (!app || !fs.existsSync(path.join(app, 'runs', 'ckpt', 'ckpt-03'))) this.skip();
    await run(
      'npx',
      ['tfscale', 'export', 'runs/ckpt/ckpt-03', '--format', 'savedmodel,tfjs', '--out', 'models/digits'],
      app,
    );
    // No native TensorFlow here (--ignore-scripts): the TF.js export is what this machine can serve.
    const ports = await Promise.all([0, 0].map(() => freePort()));
    const args = ['tfscale', 'serve', '--model_name', 'digits', '--model_base_path', 'models/digits/tfjs'];
    const child = spawn('npx', [...args, '--rest_api_port', String(ports[0]), '--port', String(ports[1])], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let log = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          log += d;
          if (/^gRPC API listening/m.test(log)) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`tfscale serve exited ${code}:\n${log}`)));
      });
      assert.match(log, /version 1 AVAILABLE on the tfjs runtime/);
      const [header, ...rows] = fs
        .readFileSync(path.join(app, 'data', 'digits.csv'), 'utf8')
        .trim()
        .split('\n');
      const labelAt = header!.split(',').indexOf('label');
      const x = rows.slice(0, 3).map((r) =>
        r
          .split(',')
          .map(Number)
          .filter((_, i) => i !== labelAt),
      );
      const curl = `curl -s -d '${JSON.stringify({ instances: x })}' -X POST http://127.0.0.1:${ports[0]}/v1/models/digits:predict`;
      const served = JSON.parse(await run('sh', ['-c', curl], app)).predictions as number[][];
      const tf = await import('@tensorflow/tfjs');
      const { tfjsFolder } = await import('@tfscale/sdk');
      const model = await tf.loadLayersModel(tfjsFolder(path.join(app, 'runs', 'ckpt', 'ckpt-03')));
      const expected = (model.predict(tf.tensor2d(x)) as import('@tensorflow/tfjs').Tensor).arraySync() as number[][];
      assert.ok(maxDiff(served, expected) < 1e-4, `served vs trained: ${maxDiff(served, expected)}`);
    } finally {
      // npx runs the CLI in a child of its own: stop the whole group.
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  });
});
