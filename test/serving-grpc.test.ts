import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadTf, writeSavedModel } from '@tfscale/sdk';
import type { GrpcServing, FileSystemModelManager as Manager } from '../packages/sdk/src/serving';
import { interopPython } from './support/python';
import { serving } from './support/serving';

const { Batcher, FileSystemModelManager, SavedModelRuntime, SERVING_PROTO_FILES, servingProtosDir, startGrpcServer } =
  serving;

// biome-ignore lint/suspicious/noExplicitAny: proto-loader clients are dynamic
type Client = grpc.Client & Record<string, any>;

/** TF Serving clients generated at run time by @grpc/proto-loader from the shipped .proto files. */
function connect(port: number) {
  const def = protoLoader.loadSync([...SERVING_PROTO_FILES], {
    includeDirs: [servingProtosDir()],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  // biome-ignore lint/suspicious/noExplicitAny: generated namespace
  const pkg = grpc.loadPackageDefinition(def) as any;
  const creds = grpc.credentials.createInsecure();
  const prediction: Client = new pkg.tensorflow.serving.PredictionService(`127.0.0.1:${port}`, creds);
  const model: Client = new pkg.tensorflow.serving.ModelService(`127.0.0.1:${port}`, creds);
  // biome-ignore lint/suspicious/noExplicitAny: response messages are plain objects
  const call = (c: Client, method: string, req: object): Promise<any> =>
    new Promise((resolve, reject) => c[method](req, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
  const close = () => {
    prediction.close();
    model.close();
  };
  return { prediction, model, call, close };
}

async function grpcError(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as grpc.ServiceError;
  }
  throw new Error('expected a gRPC error');
}

function near(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  for (const [i, v] of got.entries()) {
    assert.ok(Math.abs(v - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `${what}[${i}] ${v} vs ${want[i]}`);
  }
}

describe('gRPC serving of real SavedModels, checked by TF Serving clients (TS proto-loader, Python grpcio)', function () {
  this.timeout(300_000);
  const python = interopPython();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-grpc-'));
  let expected: { inputKey: string; outputKey: string; x: number[][]; y: number[][] };
  let manager: Manager;
  let server: GrpcServing;
  let c: ReturnType<typeof connect>;
  const x = (rows: number[][]) => ({
    dtype: 'DT_FLOAT',
    tensor_shape: { dim: [{ size: rows.length }, { size: rows[0]!.length }] },
    float_val: rows.flat(),
  });

  before(async function () {
    if (!python.path) {
      console.log(`      (skipped: ${python.reason})`);
      this.skip();
    }
    const exported = spawnSync(
      python.path as string,
      [
        path.join(__dirname, '..', 'interop', 'keras_export.py'),
        path.join(dir, 'keras', '1'),
        path.join(dir, 'keras.json'),
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(exported.status, 0, exported.stderr);
    expected = JSON.parse(fs.readFileSync(path.join(dir, 'keras.json'), 'utf8'));
    manager = new FileSystemModelManager({ runtimes: [new SavedModelRuntime()], fileSystemPollWaitSeconds: 0 });
    await manager.start({
      modelConfigList: { config: [{ name: 'keras', basePath: path.join(dir, 'keras'), modelPlatform: 'tensorflow' }] },
    });
    server = await startGrpcServer({ manager, host: '127.0.0.1', port: 0 });
    c = connect(server.port);
  });

  after(async () => {
    c?.close();
    await server?.shutdown(2000);
    await manager?.close();
  });

  it('Predict with typed float_val and with tensor_content returns Python TensorFlow’s predictions', async () => {
    for (const input of [
      x(expected.x),
      {
        dtype: 'DT_FLOAT',
        tensor_shape: { dim: [{ size: expected.x.length }, { size: 12 }] },
        tensor_content: Buffer.from(Float32Array.from(expected.x.flat()).buffer),
      },
    ]) {
      const r = await c.call(c.prediction, 'Predict', {
        model_spec: { name: 'keras' },
        inputs: { [expected.inputKey]: input },
      });
      const out = r.outputs[expected.outputKey];
      assert.equal(out.dtype, 'DT_FLOAT');
      assert.deepEqual(
        out.tensor_shape.dim.map((d: { size: string }) => Number(d.size)),
        [5, 3],
      );
      near(out.float_val, expected.y.flat(), 'y');
      assert.deepEqual(
        [r.model_spec.name, r.model_spec.version.value, r.model_spec.signature_name],
        ['keras', '1', 'serving_default'],
      );
    }
  });

  it('GetModelMetadata and GetModelStatus describe the loaded Keras export', async () => {
    const meta = await c.call(c.prediction, 'GetModelMetadata', {
      model_spec: { name: 'keras' },
      metadata_field: ['signature_def'],
    });
    assert.equal(meta.metadata.signature_def.type_url, 'type.googleapis.com/tensorflow.serving.SignatureDefMap');
    const status = await c.call(c.model, 'GetModelStatus', { model_spec: { name: 'keras' } });
    assert.deepEqual(status.model_version_status, [
      { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
    ]);
  });

  it('answers unknown models, versions and labels with TF Serving’s codes and messages', async () => {
    const inputs = { [expected.inputKey]: x(expected.x) };
    const latest = await grpcError(c.call(c.prediction, 'Predict', { model_spec: { name: 'nope' }, inputs }));
    assert.deepEqual(
      [latest.code, latest.details],
      [grpc.status.NOT_FOUND, 'Servable not found for request: Latest(nope)'],
    );
    const version = await grpcError(
      c.call(c.prediction, 'Predict', { model_spec: { name: 'keras', version: { value: 9 } }, inputs }),
    );
    assert.deepEqual(
      [version.code, version.details],
      [grpc.status.NOT_FOUND, 'Servable not found for request: Specific(keras, 9)'],
    );
    const label = await grpcError(
      c.call(c.prediction, 'Predict', { model_spec: { name: 'keras', version_label: 'canary' }, inputs }),
    );
    assert.deepEqual(
      [label.code, label.details],
      [grpc.status.INVALID_ARGUMENT, 'Unrecognized servable version label: canary'],
    );
    const status = await grpcError(c.call(c.model, 'GetModelStatus', { model_spec: { name: 'nope' } }));
    assert.deepEqual(
      [status.code, status.details],
      [grpc.status.NOT_FOUND, 'Could not find any versions of model nope'],
    );
    const shape = await grpcError(
      c.call(c.prediction, 'Predict', {
        model_spec: { name: 'keras' },
        inputs: { [expected.inputKey]: x([[1, 2, 3]]) },
      }),
    );
    assert.equal(shape.code, grpc.status.INVALID_ARGUMENT);
  });

  it('a Python grpcio client with protoc-generated stubs gets TensorFlow’s predictions, metadata and status', async function () {
    const probe = spawnSync(python.path as string, ['-c', 'import grpc, grpc_tools'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      if (process.env.CI === 'true') assert.fail(`CI: grpcio/grpcio-tools missing in the venv: ${probe.stderr}`);
      console.log('      (skipped: pip install grpcio==1.84.0 grpcio-tools into .venv)');
      this.skip();
    }
    const request = path.join(dir, 'py-request.json');
    const result = path.join(dir, 'py-result.json');
    fs.writeFileSync(request, JSON.stringify({ model: 'keras', inputKey: expected.inputKey, x: expected.x }));
    // Asynchronously: the server answering it lives in this process.
    await new Promise<void>((resolve, reject) =>
      execFile(
        python.path as string,
        [
          path.join(__dirname, '..', 'interop', 'grpc_client.py'),
          servingProtosDir(),
          `127.0.0.1:${server.port}`,
          request,
          result,
        ],
        { timeout: 120_000 },
        (error, _out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
      ),
    );
    const py = JSON.parse(fs.readFileSync(result, 'utf8'));
    assert.ok(py.generated.includes('prediction_service_pb2_grpc.py'), String(py.generated));
    for (const mode of ['typed', 'content']) {
      assert.deepEqual([py[mode].key, py[mode].dtype, py[mode].shape], [expected.outputKey, 'DT_FLOAT', [5, 3]]);
      assert.deepEqual([py[mode].version, py[mode].signature, py[mode].contentBytes], [1, 'serving_default', 0]);
      near(py[mode].values, expected.y.flat(), `python ${mode}`);
    }
    assert.deepEqual(py.metadata, {
      typeUrl: 'type.googleapis.com/tensorflow.serving.SignatureDefMap',
      method: 'tensorflow/serving/predict',
      inputs: { [expected.inputKey]: ['DT_FLOAT', [-1, 12]] },
    });
    assert.deepEqual(py.status, [[1, 'AVAILABLE', 0]]);
    assert.deepEqual(py.error, ['NOT_FOUND', 'Servable not found for request: Latest(no_such_model)']);
  });

  it('HandleReloadConfigRequest adds a model tfscale exported; Predict matches the tfjs model', async () => {
    const tf = loadTf();
    const mlp = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    await writeSavedModel(mlp, path.join(dir, 'mlp', '1'));
    const config = (name: string, base: string) => ({
      name,
      base_path: path.join(dir, base),
      model_platform: 'tensorflow',
    });
    const reloaded = await c.call(c.model, 'HandleReloadConfigRequest', {
      config: { model_config_list: { config: [config('keras', 'keras'), config('mlp', 'mlp')] } },
    });
    assert.equal(reloaded.status.error_code, 'OK');
    const rows = [
      [0.5, -1, 2, 0],
      [1, 1, 1, 1],
    ];
    const { servable, release } = manager.acquire('mlp', {});
    const inputKey = servable.signatures.serving_default!.inputs[0]!.key;
    release();
    const r = await c.call(c.prediction, 'Predict', { model_spec: { name: 'mlp' }, inputs: { [inputKey]: x(rows) } });
    const key = Object.keys(r.outputs)[0]!;
    near(
      r.outputs[key].float_val,
      Array.from((mlp.predict(tf.tensor2d(rows)) as { dataSync(): Float32Array }).dataSync()),
      'mlp',
    );
  });

  it('batches concurrent requests on the real model and routes every prediction back', async () => {
    const batcher = new Batcher({
      maxBatchSize: 16,
      allowedBatchSizes: [4, 8, 16],
      numBatchThreads: 1,
      batchTimeoutMicros: 2000,
    });
    const batched = await startGrpcServer({
      manager,
      host: '127.0.0.1',
      port: 0,
      hooks: { wrapPredict: batcher.wrap },
    });
    const bc = connect(batched.port);
    try {
      const rows = expected.x;
      const outs = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          bc.call(bc.prediction, 'Predict', {
            model_spec: { name: 'keras' },
            inputs: { [expected.inputKey]: x([rows[i % 5]!]) },
          }),
        ),
      );
      for (const [i, r] of outs.entries())
        near(r.outputs[expected.outputKey].float_val, expected.y[i % 5]!, `request ${i}`);
      assert.ok(batcher.stats.executedBatchSizes.length < 20, String(batcher.stats.executedBatchSizes));
      assert.ok(batcher.stats.executedBatchSizes.every((n) => [4, 8, 16].includes(n)));
    } finally {
      bc.close();
      await batched.shutdown(2000);
      await batcher.close();
    }
  });
});
