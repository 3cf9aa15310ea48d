/**
 * TF Serving's REST API on the wire, against real SavedModels: the tfscale-written half_plus_two
 * (two versions, labels), a Keras `model.export` model and TF Serving's own TF1 half_plus_two
 * (regress/classify/bytes signatures) written by Python TensorFlow, whose answers we compare.
 * Expected bodies are TF Serving's, byte for byte, from its docs (g3doc/api_rest.md) and sources.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, writeSavedModel } from '@tfscale/sdk';
import type { FileSystemModelManager as Manager } from '../packages/sdk/src/serving';
import type { ModelHttpServer as RestServer } from '../packages/sdk/src/serving/http-server';
import type { PredictCall, PredictOutputs } from '../packages/sdk/src/serving/predict-hooks';
import { interopPython } from './support/python';
import { httpServer, serving } from './support/serving';

const { FileSystemModelManager, SavedModelRuntime, parseModelServerConfig } = serving;

async function post(port: number, route: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${route}`, { method: 'POST', body, headers });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

async function get(port: number, route: string) {
  const r = await fetch(`http://127.0.0.1:${port}${route}`);
  return { status: r.status, text: await r.text() };
}

const error = (message: string) => `{\n    "error": ${JSON.stringify(message)}\n}`;

/** tfjs Dense(1→1) with kernel 0.5 and the given bias, exported by tfscale as a SavedModel. */
async function halfPlus(bias: number, dir: string): Promise<void> {
  const tf = loadTf();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([bias])]);
  await writeSavedModel(model, dir);
  model.dispose();
}

describe('TF Serving REST API on the wire, with real SavedModels', function () {
  this.timeout(180_000);
  let dir: string;
  let manager: Manager;
  let rest: RestServer;
  let port: number;
  let python:
    | { keras: { a: number[][]; b: number[][]; outputs: Record<string, number[][]> }; half: { regress: number[] } }
    | undefined;

  before(async function () {
    if (process.env.TFSCALE_SKIP_NATIVE === '1') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-serving-rest-'));
    // half_plus_two as version 1, half_plus_three as version 2 (the api_rest.md numbers).
    await halfPlus(2, path.join(dir, 'half', '1'));
    await halfPlus(3, path.join(dir, 'half', '2'));
    const py = interopPython();
    if (py.path) {
      await new Promise<void>((resolve, reject) =>
        execFile(
          py.path as string,
          [path.join(__dirname, '..', 'interop', 'serving_models.py'), path.join(dir, 'py'), path.join(dir, 'py.json')],
          (e, _o, stderr) => (e ? reject(new Error(stderr)) : resolve()),
        ),
      );
      python = JSON.parse(fs.readFileSync(path.join(dir, 'py.json'), 'utf8'));
    } else console.log(`      (Python models skipped: ${py.reason})`);
    const models = [
      `config { name: 'half' base_path: '${dir}/half' model_platform: 'tensorflow' model_version_policy { all {} } }`,
    ];
    if (python) {
      models.push(`config { name: 'keras' base_path: '${dir}/py/keras' model_platform: 'tensorflow' }`);
      models.push(`config { name: 'tf_half' base_path: '${dir}/py/half' model_platform: 'tensorflow' }`);
    }
    manager = new FileSystemModelManager({ runtimes: [new SavedModelRuntime()], fileSystemPollWaitSeconds: 0 });
    await manager.start(parseModelServerConfig(`model_config_list { ${models.join(' ')} }`));
    // Labels may only name loaded versions, so they come with a second config, as TF Serving's docs advise.
    const labels = "version_labels { key: 'stable' value: 1 } version_labels { key: 'canary' value: 2 }";
    await manager.reloadConfig(
      parseModelServerConfig(
        `model_config_list { ${models.join(' ').replace('model_version_policy { all {} }', `model_version_policy { all {} } ${labels}`)} }`,
      ),
    );
    rest = new httpServer.ModelHttpServer({ manager, port: 0, maxBodyBytes: 64 * 1024, maxTensorElements: 100_000 });
    port = (await rest.listen()).port;
  });

  after(async () => {
    await rest?.close(0);
    await manager?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers model status as the api_rest.md example, newest version first', async () => {
    const r = await get(port, '/v1/models/half');
    assert.equal(r.status, 200);
    const version = (v: number) =>
      `  {\n   "version": "${v}",\n   "state": "AVAILABLE",\n   "status": {\n    "error_code": "OK",\n    "error_message": ""\n   }\n  }`;
    assert.equal(r.text, `{\n "model_version_status": [\n${version(2)},\n${version(1)}\n ]\n}\n`);
    assert.equal(
      (await get(port, '/v1/models/half/versions/1')).text,
      `{\n "model_version_status": [\n${version(1)}\n ]\n}\n`,
    );
  });

  it('answers metadata with the doubly nested signature_def, int64 as strings and DT_ names', async () => {
    const r = await get(port, '/v1/models/half/labels/stable/metadata');
    assert.equal(r.status, 200);
    const meta = JSON.parse(r.text);
    assert.deepEqual(meta.model_spec, { name: 'half', signature_name: '', version: '1' });
    const sig = meta.metadata.signature_def.signature_def.serving_default;
    assert.equal(sig.method_name, 'tensorflow/serving/predict');
    const [input] = Object.values(sig.inputs) as Array<{ dtype: string; tensor_shape: unknown }>;
    assert.equal(input.dtype, 'DT_FLOAT');
    assert.deepEqual(input.tensor_shape, {
      dim: [
        { size: '-1', name: '' },
        { size: '1', name: '' },
      ],
      unknown_rank: false,
    });
  });

  it('predicts in row and columnar format on the latest version, a version and a label', async () => {
    const row = await post(port, '/v1/models/half:predict', '{"instances": [[1.0], [2.0], [5.0]]}');
    assert.equal(row.status, 200);
    assert.equal(row.type, 'application/json');
    assert.equal(row.text, '{\n    "predictions": [[3.5], [4.0], [5.5]\n    ]\n}');
    const v1 = '{\n    "predictions": [[2.5], [3.0], [4.5]\n    ]\n}';
    assert.equal(
      (await post(port, '/v1/models/half/versions/1:predict', '{"instances": [[1.0], [2.0], [5.0]]}')).text,
      v1,
    );
    assert.equal(
      (await post(port, '/v1/models/half/labels/stable:predict', '{"instances": [[1.0], [2.0], [5.0]]}')).text,
      v1,
    );
    const col = await post(port, '/v1/models/half/labels/canary:predict', '{"inputs": [[1.0], [2.0]]}');
    assert.equal(
      col.text,
      '{\n    "outputs": [\n        [\n            3.5\n        ],\n        [\n            4.0\n        ]\n    ]\n}',
    );
  });

  it('answers unknown models, versions and labels, bad JSON, dtypes and shapes with TF Serving’s codes', async () => {
    const cases: Array<[string, string, number, string | RegExp]> = [
      [
        '/v1/models/half2:predict',
        '{"instances": [[1.0], [5.0]]}',
        404,
        error('Servable not found for request: Latest(half2)'),
      ],
      [
        '/v1/models/half/versions/3:predict',
        '{"instances": [[1.0]]}',
        404,
        error('Servable not found for request: Specific(half, 3)'),
      ],
      [
        '/v1/models/half/labels/beta:predict',
        '{"instances": [[1.0]]}',
        400,
        error('Unrecognized servable version label: beta'),
      ],
      [
        '/v1/models/half:predict',
        '{"instances": [[1.0], [2.0]',
        400,
        error("JSON Parse error: Missing a comma or ']' after an array element. at offset: 27"),
      ],
      [
        '/v1/models/half:predict',
        '{"instances": [["a"]]}',
        400,
        error(
          'Failed to process element: 0 of \'instances\' list. Error: INVALID_ARGUMENT: JSON Value: "a" Type: String is not of expected type: float',
        ),
      ],
      ['/v1/models/half:predict', '{"instances": [[1.0, 2.0]]}', 400, /"error": ".*shape \[1,2\].*"/],
      [
        '/v1/models/half/versions/one:predict',
        '{}',
        400,
        error('Malformed request: POST /v1/models/half/versions/one:predict'),
      ],
      [
        '/v1/models/..%2F..%2Fetc%2Fpasswd:predict',
        '{"instances": [[1.0]]}',
        404,
        error('Servable not found for request: Latest(../../etc/passwd)'),
      ],
    ];
    for (const [route, body, status, expected] of cases) {
      const r = await post(port, route, body);
      assert.equal(r.status, status, route);
      if (typeof expected === 'string') assert.equal(r.text, expected, route);
      else assert.match(r.text, expected, route);
    }
  });

  it('refuses hostile requests with a clear 4xx and keeps serving', async () => {
    const big = await post(
      port,
      '/v1/models/half:predict',
      `{"instances": [${Array(20_000).fill('[1.0]').join(',')}]}`,
    );
    assert.equal(big.status, 413);
    assert.match(JSON.parse(big.text).error, /over the limit of 65536 bytes \(--max-body-bytes\)/);
    const deep = await post(port, '/v1/models/half:predict', `{"instances": ${'['.repeat(20_000)}`);
    assert.equal(deep.status, 400);
    const huge = await post(
      port,
      '/v2/models/half/infer',
      '{"inputs": [{"name": "x", "shape": [4294967296, 4294967296], "datatype": "FP32", "data": [1]}]}',
    );
    assert.equal(huge.status, 400);
    assert.match(JSON.parse(huge.text).error, /this server accepts at most 100000 per tensor/);
    assert.equal(
      (await post(port, '/v1/models/half:predict', '{"instances": [[1.0]]}')).text,
      '{\n    "predictions": [[3.5]\n    ]\n}',
    );
  });

  it('serves KServe V2 inference on the same models', async () => {
    const meta = JSON.parse((await get(port, '/v2/models/half')).text);
    assert.deepEqual(meta.versions, ['1', '2']);
    assert.equal(meta.platform, 'tensorflow_savedmodel');
    const key = JSON.parse((await get(port, '/v2/models/half/versions/1')).text).inputs[0].name;
    const r = await post(
      port,
      '/v2/models/half/versions/1/infer',
      JSON.stringify({ id: 'a', inputs: [{ name: key, shape: [2, 1], datatype: 'FP32', data: [1, 2] }] }),
    );
    assert.equal(r.status, 200, r.text);
    const body = JSON.parse(r.text);
    assert.deepEqual([body.model_name, body.model_version, body.id], ['half', '1', 'a']);
    assert.deepEqual(body.outputs[0].data, [2.5, 3]);
    assert.deepEqual(JSON.parse((await get(port, '/v2/health/ready')).text), { ready: true });
  });

  it('finishes a request in flight when shut down gracefully', async () => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const wrapPredict = async (call: PredictCall, next: (c: PredictCall) => Promise<PredictOutputs>) => {
      arrived();
      await gate;
      return next(call);
    };
    const draining = new httpServer.ModelHttpServer({ manager, port: 0, hooks: { wrapPredict } });
    const p = (await draining.listen()).port;
    const pending = post(p, '/v1/models/half:predict', '{"instances": [[1.0]]}');
    await inFlight;
    const closed = draining.close();
    await assert.rejects(fetch(`http://127.0.0.1:${p}/healthz`));
    release();
    assert.equal((await pending).text, '{\n    "predictions": [[3.5]\n    ]\n}');
    await closed;
  });

  describe('with SavedModels written by Python TensorFlow', () => {
    before(function () {
      if (!python) this.skip();
    });

    it('serves a Keras model.export model (two inputs, two outputs) with TensorFlow’s predictions', async () => {
      const k = python!.keras;
      const instances = k.a.map((a, i) => ({ a, b: k.b[i] }));
      const row = await post(port, '/v1/models/keras:predict', JSON.stringify({ instances }));
      assert.equal(row.status, 200, row.text);
      const predictions = JSON.parse(row.text).predictions as Array<Record<string, number[]>>;
      const col = JSON.parse(
        (await post(port, '/v1/models/keras:predict', JSON.stringify({ inputs: { a: k.a, b: k.b } }))).text,
      ).outputs;
      for (const [name, want] of Object.entries(k.outputs)) {
        for (const [i, rowWant] of want.entries()) {
          for (const [j, v] of rowWant.entries()) {
            assert.ok(Math.abs(predictions[i][name][j] - v) <= 1e-6 * Math.max(1, Math.abs(v)), `${name}[${i}][${j}]`);
            assert.equal(col[name][i][j], predictions[i][name][j]);
          }
        }
      }
    });

    it('runs TF Serving’s half_plus_two: the documented regress call, classify, and b64 strings', async () => {
      const regress = await post(
        port,
        '/v1/models/tf_half:regress',
        '{"signature_name": "tensorflow/serving/regress", "examples": [{"x": 1.0}, {"x": 2.0}]}',
      );
      assert.equal(regress.status, 200, regress.text);
      assert.equal(regress.text, '{\n    "results": [2.5, 3.0]\n}');
      assert.deepEqual(JSON.parse(regress.text).results, python!.half.regress);
      const classify = await post(
        port,
        '/v1/models/tf_half:classify',
        '{"signature_name": "tensorflow/serving/classify", "context": {"x": 4.0}, "examples": [{"x": 1.0}, {}]}',
      );
      assert.equal(classify.text, '{\n    "results": [[["", 2.5]], [["", 4.0]]\n    ]\n}');
      const strings = await post(
        port,
        '/v1/models/tf_half:predict',
        '{"signature_name": "bytes", "instances": [{"b64": "/wA="}, "héllo"]}',
      );
      assert.equal(strings.status, 200, strings.text);
      assert.deepEqual(JSON.parse(strings.text).predictions, [
        { echo_bytes: { b64: '/wA=' }, lengths: 2 },
        { echo_bytes: { b64: Buffer.from('héllo').toString('base64') }, lengths: 6 },
      ]);
      const rows = await post(port, '/v1/models/tf_half:predict', '{"instances": [[1.0], [2.0], [5.0]]}');
      assert.equal(rows.text, '{\n    "predictions": [[2.5], [3.0], [4.5]\n    ]\n}');
      // api_rest.md's own example: rank-1 instances into a [-1, 1] signature, fed as TF Serving does.
      const documented = await post(port, '/v1/models/tf_half:predict', '{"instances": [1.0, 2.0, 5.0]}');
      assert.equal(documented.text, '{\n    "predictions": [2.5, 3.0, 4.5\n    ]\n}');
    });
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('tfscale serve, end to end in a child process', function () {
  this.timeout(120_000);

  it('prints where it listens and a working curl line, serves it (CORS, auth), and exits 0 on SIGTERM', async function () {
    if (process.env.TFSCALE_SKIP_NATIVE === '1') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-serve-cli-'));
    await halfPlus(2, path.join(dir, 'half', '1'));
    const restPort = await freePort();
    const cli = path.resolve(__dirname, '..', '..', 'packages/sdk/dist/cli/main.js');
    const child = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--model_name=half',
        `--model_base_path=${path.join(dir, 'half')}`,
        `--rest_api_port=${restPort}`,
        '--port=0',
        '--rest_api_enable_cors_support',
        '--auth-token',
        'tok',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const curl = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        const m = /curl -H "Authorization: Bearer \$TOKEN" -d '([^']+)' -X POST (\S+)/.exec(stdout);
        if (m) resolve(m);
      });
      child.once('exit', (code) =>
        reject(new Error(`tfscale serve exited ${code} before listening:\n${stdout}\n${stderr}`)),
      );
    });
    try {
      assert.match(stdout, new RegExp(`REST API listening on http://127\\.0\\.0\\.1:${restPort} `));
      assert.equal(curl[2], `http://127.0.0.1:${restPort}/v1/models/half:predict`);
      const ok = await fetch(curl[2], { method: 'POST', body: curl[1], headers: { Authorization: 'Bearer tok' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(JSON.parse(await ok.text()), { predictions: [[2.25]] });
      assert.equal((await fetch(curl[2], { method: 'POST', body: curl[1] })).status, 401);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /SIGTERM: finishing in-flight requests, then exiting/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
