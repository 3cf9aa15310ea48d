/**
 * Serving ONNX exports: the onnx runtime (ONNX Runtime) answers TF Serving REST requests for a
 * model like the SavedModel runtime (native TensorFlow) answers them for the same model, and
 * `tfscale export --format onnx` + `tfscale serve --model_base_path <base>/onnx` work with the
 * plugin found by discovery. Tolerance: |onnx - savedmodel| <= 1e-5 + 1e-5 * |savedmodel|.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnxPlugin } from '@tfscale/plugin-exporter-onnx';
import { createSdkContainer, exportModel, loadPlugins, servingRuntimeRegistry, tfjsFolder } from '@tfscale/sdk';
import { canonicalModel } from '@tfscale/sdk/testing';
import type { FileSystemModelManager as Manager } from '../packages/sdk/src/serving';
import type { ModelHttpServer as RestServer } from '../packages/sdk/src/serving/http-server';
import { randomizeWeights, seeded, ZOO } from './support/model-zoo';
import { httpServer, serving } from './support/serving';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');

/** Every number in two JSON values equal within the tolerance, everything else identical. */
function assertSameJson(got: unknown, want: unknown, where = '$'): void {
  if (typeof want === 'number' && typeof got === 'number') {
    assert.ok(Math.abs(got - want) <= 1e-5 + 1e-5 * Math.abs(want), `${where}: ${got} vs ${want}`);
  } else if (Array.isArray(want) && Array.isArray(got)) {
    assert.equal(got.length, want.length, `${where}: length`);
    for (const [i, w] of want.entries()) assertSameJson(got[i], w, `${where}[${i}]`);
  } else if (want && typeof want === 'object' && got && typeof got === 'object') {
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${where}: keys`);
    for (const [k, w] of Object.entries(want)) assertSameJson((got as Record<string, unknown>)[k], w, `${where}.${k}`);
  } else assert.deepEqual(got, want, where);
}

async function post(port: number, model: string, body: unknown) {
  const r = await fetch(`http://127.0.0.1:${port}/v1/models/${model}:predict`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

describe('the onnx runtime answers TF Serving REST predict like the SavedModel runtime', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-onnx-serving-'));
  const names = ['mlp', 'two_tower'];
  let manager: Manager;
  let rest: RestServer;
  let port: number;

  before(async function () {
    if (process.env.TFSCALE_SKIP_NATIVE === '1') this.skip();
    const container = createSdkContainer();
    await loadPlugins([onnxPlugin], container);
    const configs: string[] = [];
    for (const name of names) {
      const i = ZOO.findIndex((e) => e.name === name);
      const model = ZOO[i]!.build();
      randomizeWeights(model, seeded(100 + i));
      const base = path.join(dir, name);
      await exportModel(container, model, { formats: ['savedmodel', 'onnx'], base });
      configs.push(`config { name: '${name}' base_path: '${base}' model_platform: 'tensorflow' }`);
      configs.push(`config { name: '${name}_onnx' base_path: '${base}/onnx' model_platform: 'tensorflow' }`);
    }
    const { FileSystemModelManager, parseModelServerConfig } = serving;
    manager = new FileSystemModelManager({ runtimes: servingRuntimeRegistry(container), fileSystemPollWaitSeconds: 0 });
    await manager.start(parseModelServerConfig(`model_config_list { ${configs.join(' ')} }`));
    rest = new httpServer.ModelHttpServer({ manager, port: 0 });
    port = (await rest.listen()).port;
  });

  after(async () => {
    await rest?.close(0);
    await manager?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('each folder is served by the runtime of its format', () => {
    for (const name of names) {
      for (const [model, runtime] of [
        [name, 'savedmodel'],
        [`${name}_onnx`, 'onnx'],
      ] as const) {
        const { servable, release } = manager.acquire(model, {});
        assert.equal(servable.runtime, runtime, model);
        release();
      }
    }
  });

  it('metadata shows the same signature keys, dtypes and shapes', async () => {
    for (const name of names) {
      const sig = async (model: string) => {
        const r = await fetch(`http://127.0.0.1:${port}/v1/models/${model}/metadata`);
        assert.equal(r.status, 200);
        const def = JSON.parse(await r.text()).metadata.signature_def.signature_def.serving_default;
        const strip = (m: Record<string, { name: string }>) =>
          Object.fromEntries(Object.entries(m).map(([k, { name: _, ...rest }]) => [k, rest]));
        return { method: def.method_name, inputs: strip(def.inputs), outputs: strip(def.outputs) };
      };
      assert.deepEqual(await sig(`${name}_onnx`), await sig(name), name);
    }
  });

  it('predict: the same answers, row and columnar formats, batch 1 and 4, and the same errors', async () => {
    const rng = seeded(5);
    const rows = (n: number, width: number) =>
      Array.from({ length: n }, () => Array.from({ length: width }, () => Math.round((rng() * 4 - 2) * 1000) / 1000));
    const bodies: Array<[string, unknown]> = [];
    for (const n of [1, 4]) {
      bodies.push(['mlp', { instances: rows(n, 10) }]);
      bodies.push(['mlp', { signature_name: 'serving_default', inputs: rows(n, 10) }]);
      const image = () => Array.from({ length: 5 }, () => rows(5, 2));
      const towers = Array.from({ length: n }, () => ({ features: rows(1, 6)[0], image: image() }));
      bodies.push(['two_tower', { instances: towers }]);
      bodies.push([
        'two_tower',
        {
          inputs: { features: towers.map((t) => t.features), image: towers.map((t) => t.image) },
          output_filter: ['score'],
        },
      ]);
    }
    for (const [name, body] of bodies) {
      const [sm, onnx] = [await post(port, name, body), await post(port, `${name}_onnx`, body)];
      assert.equal(sm.status, 200, sm.text);
      assert.equal(onnx.status, 200, onnx.text);
      assertSameJson(JSON.parse(onnx.text), JSON.parse(sm.text), `${name} ${JSON.stringify(body).slice(0, 60)}`);
    }
    for (const bad of [{ instances: [[1, 2]] }, { inputs: { nope: [[1]] } }, { instances: [] }]) {
      const [sm, onnx] = [await post(port, 'mlp', bad), await post(port, 'mlp_onnx', bad)];
      assert.equal(sm.status, 400, sm.text);
      assert.deepEqual([onnx.status, onnx.text], [sm.status, sm.text], JSON.stringify(bad));
    }
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('tfscale export --format onnx, then tfscale serve --model_base_path <base>/onnx', function () {
  this.timeout(120_000);

  it('exports with the discovered plugin and serves the export with ONNX Runtime', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-onnx-cli-'));
    const model = canonicalModel();
    await model.save(tfjsFolder(path.join(dir, 'ckpt')));
    const base = path.join(dir, 'models', 'tiny');
    const exported = spawnSync(
      process.execPath,
      [cli, 'export', path.join(dir, 'ckpt'), '--format', 'onnx', '--out', base],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.equal(exported.status, 0, exported.stderr);
    assert.ok(fs.statSync(path.join(base, 'onnx', '1', 'model.onnx')).size > 0);

    const restPort = await freePort();
    const child = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--model_name=tiny',
        `--model_base_path=${path.join(base, 'onnx')}`,
        `--rest_api_port=${restPort}`,
        '--port=0',
      ],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        if (/curl .* -X POST \S+/.test(stdout)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`tfscale serve exited ${code}:\n${stdout}\n${stderr}`)));
    });
    try {
      const x = [
        [0.5, -1, 0.25, 0, 1, -0.5, 0.75, 0.1],
        [-0.3, 0.2, 0.9, -0.9, 0.4, 0.6, -0.1, 0],
      ];
      const r = await post(restPort, 'tiny', { instances: x });
      assert.equal(r.status, 200, r.text);
      const tf = (await import('@tfscale/sdk')).loadTf();
      const want = (model.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor>).arraySync();
      assertSameJson(JSON.parse(r.text), { predictions: want });
      const status = await fetch(`http://127.0.0.1:${restPort}/v1/models/tiny/versions/1`);
      assert.equal(status.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, stderr);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
