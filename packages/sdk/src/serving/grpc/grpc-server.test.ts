import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Root } from 'protobufjs';
import { Batcher } from '../batcher';
import { ServingMetrics } from '../metrics';
import type { ModelServerConfig } from '../model-config';
import {
  type ModelManager,
  type ModelVersionStatus,
  type Servable,
  ServingError,
  type ServingTensor,
  type SignatureSpec,
} from '../types';
import { type GrpcServing, startGrpcServer } from './grpc-server';
import { SERVING_PROTO_FILES, servingProtosDir, servingType } from './proto-root';

/** y = x + 1 on a [-1, 2] float input; classify/regress signatures over serialized examples. */
class FakeServable implements Servable {
  readonly runtime = 'fake';
  readonly signatures: Record<string, SignatureSpec> = {
    serving_default: {
      methodName: 'tensorflow/serving/predict',
      inputs: [{ key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 2] }],
      outputs: [
        { key: 'y', name: 'y:0', dtype: 'float32', shape: [-1, 2] },
        { key: 'n', name: 'n:0', dtype: 'int64', shape: [-1] },
      ],
    },
    cls: {
      methodName: 'tensorflow/serving/classify',
      inputs: [{ key: 'inputs', name: 'in:0', dtype: 'string', shape: [-1] }],
      outputs: [
        { key: 'classes', name: 'c:0', dtype: 'string', shape: [-1, 2] },
        { key: 'scores', name: 's:0', dtype: 'float32', shape: [-1, 2] },
      ],
    },
    reg: {
      methodName: 'tensorflow/serving/regress',
      inputs: [{ key: 'inputs', name: 'in:0', dtype: 'string', shape: [-1] }],
      outputs: [{ key: 'outputs', name: 'o:0', dtype: 'float32', shape: [-1, 1] }],
    },
  };

  async predict(signature: string, inputs: Record<string, ServingTensor>): Promise<Record<string, ServingTensor>> {
    if (signature === 'serving_default') {
      const x = inputs.x!;
      const rows = x.shape[0]!;
      return {
        y: { dtype: 'float32', shape: [...x.shape], data: (x.data as Float32Array).map((v) => v + 1) },
        n: {
          dtype: 'int64',
          shape: [rows],
          data: BigInt64Array.from({ length: rows }, (_, i) => 2n ** 40n + BigInt(i)),
        },
      };
    }
    const examples = inputs.inputs!.data as Uint8Array[];
    const n = examples.length;
    if (signature === 'cls') {
      return {
        classes: { dtype: 'string', shape: [n, 2], data: examples.flatMap(() => [Buffer.from('a'), Buffer.from('b')]) },
        scores: {
          dtype: 'float32',
          shape: [n, 2],
          data: Float32Array.from(examples.flatMap((e) => [e.length, -e.length])),
        },
      };
    }
    return { outputs: { dtype: 'float32', shape: [n, 1], data: Float32Array.from(examples, (e) => e.length) } };
  }

  dispose(): void {}
}

class FakeManager implements ModelManager {
  readonly servable = new FakeServable();
  reloaded: ModelServerConfig | undefined;
  modelNames() {
    return ['half'];
  }
  acquire(model: string, selector: { version?: number; label?: string }) {
    if (selector.label !== undefined && selector.label !== 'stable') {
      throw new ServingError('INVALID_ARGUMENT', `Unrecognized servable version label: ${selector.label}`);
    }
    if (model !== 'half') throw new ServingError('NOT_FOUND', `Servable not found for request: Latest(${model})`);
    if (selector.version !== undefined && selector.version !== 3) {
      throw new ServingError('NOT_FOUND', `Servable not found for request: Specific(${model}, ${selector.version})`);
    }
    return { version: 3, servable: this.servable, release: () => {} };
  }
  status(model: string): ModelVersionStatus[] {
    if (model !== 'half') throw new ServingError('NOT_FOUND', 'nope');
    return [
      { version: 2, state: 'END', error: { code: 'OK', message: '' } },
      { version: 3, state: 'AVAILABLE', error: { code: 'OK', message: '' } },
    ];
  }
  reloadConfig(config: ModelServerConfig) {
    this.reloaded = config;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: dynamic proto-loader clients
type Client = any;

function clients(port: number) {
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
  const opts = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };
  const creds = grpc.credentials.createInsecure();
  const prediction: Client = new pkg.tensorflow.serving.PredictionService(`127.0.0.1:${port}`, creds, opts);
  const model: Client = new pkg.tensorflow.serving.ModelService(`127.0.0.1:${port}`, creds, opts);
  const call = (c: Client, method: string, req: object) =>
    // biome-ignore lint/suspicious/noExplicitAny: response messages are plain objects
    new Promise<any>((resolve, reject) =>
      c[method]!(req, (e: grpc.ServiceError | null, r: unknown) => (e ? reject(e) : resolve(r))),
    );
  const close = () => {
    prediction.close();
    model.close();
  };
  return { prediction, model, call, close };
}

const floats = (rows: number[][]) => ({
  dtype: 'DT_FLOAT',
  tensor_shape: { dim: [{ size: rows.length }, { size: rows[0]!.length }] },
  float_val: rows.flat(),
});

async function grpcError(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as grpc.ServiceError;
  }
  throw new Error('expected a gRPC error');
}

describe('grpc server: TF Serving PredictionService and ModelService', () => {
  const manager = new FakeManager();
  const metrics = new ServingMetrics();
  let server: GrpcServing;
  let c: ReturnType<typeof clients>;

  before(async () => {
    server = await startGrpcServer({ manager, host: '127.0.0.1', port: 0, observers: [metrics.observe] });
    c = clients(server.port);
  });
  after(async () => {
    c.close();
    await server.shutdown(1000);
  });

  it('Predict answers with typed fields (AsProtoField), the effective ModelSpec and every output', async () => {
    const r = await c.call(c.prediction, 'Predict', { model_spec: { name: 'half' }, inputs: { x: floats([[1, 2]]) } });
    assert.deepEqual(Object.keys(r.outputs).sort(), ['n', 'y']);
    assert.equal(r.outputs.y.dtype, 'DT_FLOAT');
    assert.deepEqual(r.outputs.y.float_val, [2, 3]);
    assert.equal(r.outputs.y.tensor_content.length, 0);
    assert.deepEqual(r.outputs.n.int64_val, [String(2n ** 40n)]);
    assert.deepEqual(r.model_spec, {
      name: 'half',
      version: { value: '3' },
      signature_name: 'serving_default',
      version_choice: 'version',
    });
  });

  it('Predict reads tensor_content, a label, a version and an output filter', async () => {
    const content = Buffer.from(Float32Array.of(1, 2, 3, 4).buffer);
    const x = { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 2 }, { size: 2 }] }, tensor_content: content };
    for (const spec of [{ version_label: 'stable' }, { version: { value: 3 } }]) {
      const r = await c.call(c.prediction, 'Predict', {
        model_spec: { name: 'half', ...spec },
        inputs: { x },
        output_filter: ['y'],
      });
      assert.deepEqual(Object.keys(r.outputs), ['y']);
      assert.deepEqual(r.outputs.y.float_val, [2, 3, 4, 5]);
    }
  });

  it('maps errors to gRPC codes with TF Serving’s messages', async () => {
    const cases: Array<[object, number, string]> = [
      [{ inputs: {} }, grpc.status.INVALID_ARGUMENT, 'Missing ModelSpec'],
      [{ model_spec: { name: 'nope' } }, grpc.status.NOT_FOUND, 'Servable not found for request: Latest(nope)'],
      [
        { model_spec: { name: 'half', version: { value: 9 } } },
        grpc.status.NOT_FOUND,
        'Servable not found for request: Specific(half, 9)',
      ],
      [
        { model_spec: { name: 'half', version_label: 'canary' } },
        grpc.status.INVALID_ARGUMENT,
        'Unrecognized servable version label: canary',
      ],
      [
        { model_spec: { name: 'half', signature_name: 'nah' }, inputs: { x: floats([[1, 2]]) } },
        grpc.status.FAILED_PRECONDITION,
        'Serving signature key "nah" not found.',
      ],
      [
        { model_spec: { name: 'half' }, inputs: { z: floats([[1, 2]]) } },
        grpc.status.INVALID_ARGUMENT,
        'input tensor alias not found in signature: z. Inputs expected to be in the set {x}.',
      ],
      [
        { model_spec: { name: 'half' }, inputs: {} },
        grpc.status.INVALID_ARGUMENT,
        'input size does not match signature: 0!=1 len({}) != len({x}). Sent extra: {}. Missing but required: {x}.',
      ],
      [
        {
          model_spec: { name: 'half' },
          inputs: { x: { dtype: 'DT_DOUBLE', tensor_shape: { dim: [{ size: 1 }, { size: 2 }] } } },
        },
        grpc.status.INVALID_ARGUMENT,
        'Expects arg[0] to be float but double is provided',
      ],
      [
        {
          model_spec: { name: 'half' },
          inputs: { x: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 2 }] }, tensor_content: Buffer.alloc(3) } },
        },
        grpc.status.INVALID_ARGUMENT,
        'tensor parsing error: x',
      ],
      [
        { model_spec: { name: 'half' }, inputs: { x: floats([[1, 2]]) }, output_filter: ['q'] },
        grpc.status.INVALID_ARGUMENT,
        'output tensor alias not found in signature: q Outputs expected to be in the set {n,y}.',
      ],
    ];
    for (const [req, code, details] of cases) {
      const e = await grpcError(c.call(c.prediction, 'Predict', req));
      assert.deepEqual([e.code, e.details], [code, details]);
    }
    const page = metrics.render();
    assert.match(page, /^:tensorflow:serving:request_count\{model_name="nope",status="NOT_FOUND"\} 1$/m);
    assert.match(
      page,
      /^:tensorflow:serving:request_latency_count\{model_name="half",API="Predict",entrypoint="GRPC"\} \d+$/m,
    );
  });

  it('GetModelMetadata packs a SignatureDefMap in an Any', async () => {
    const r = await c.call(c.prediction, 'GetModelMetadata', {
      model_spec: { name: 'half' },
      metadata_field: ['signature_def'],
    });
    assert.deepEqual(r.model_spec.version, { value: '3' });
    const any = r.metadata.signature_def;
    assert.equal(any.type_url, 'type.googleapis.com/tensorflow.serving.SignatureDefMap');
    const root = new Root();
    root.resolvePath = (_o, t) => (t.startsWith('google/') ? t : `${servingProtosDir()}/${t}`);
    root.loadSync('tensorflow_serving/apis/get_model_metadata.proto', { keepCase: true });
    const map = root
      .lookupType('tensorflow.serving.SignatureDefMap')
      .toObject(root.lookupType('tensorflow.serving.SignatureDefMap').decode(any.value), {
        longs: Number,
        enums: String,
      });
    const def = map.signature_def.serving_default;
    assert.equal(def.method_name, 'tensorflow/serving/predict');
    assert.deepEqual(def.inputs.x, {
      name: 'x:0',
      dtype: 'DT_FLOAT',
      tensor_shape: { dim: [{ size: -1 }, { size: 2 }] },
    });
    const bad = await grpcError(
      c.call(c.prediction, 'GetModelMetadata', { model_spec: { name: 'half' }, metadata_field: ['x'] }),
    );
    assert.deepEqual([bad.code, bad.details], [grpc.status.INVALID_ARGUMENT, 'Metadata field %s is not supportedx']);
    const none = await grpcError(c.call(c.prediction, 'GetModelMetadata', { model_spec: { name: 'half' } }));
    assert.equal(none.details, 'GetModelMetadataRequest must specify at least one metadata_field');
  });

  it('GetModelStatus lists versions newest first; unknown models and versions are NOT_FOUND', async () => {
    const r = await c.call(c.model, 'GetModelStatus', { model_spec: { name: 'half' } });
    assert.deepEqual(r.model_version_status, [
      { version: '3', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      { version: '2', state: 'END', status: { error_code: 'OK', error_message: '' } },
    ]);
    const one = await c.call(c.model, 'GetModelStatus', { model_spec: { name: 'half', version: { value: 2 } } });
    assert.equal(one.model_version_status.length, 1);
    const e1 = await grpcError(c.call(c.model, 'GetModelStatus', { model_spec: { name: 'x' } }));
    assert.deepEqual([e1.code, e1.details], [grpc.status.NOT_FOUND, 'Could not find any versions of model x']);
    const e2 = await grpcError(
      c.call(c.model, 'GetModelStatus', { model_spec: { name: 'half', version: { value: 7 } } }),
    );
    assert.equal(e2.details, 'Could not find version 7 of model half');
  });

  it('HandleReloadConfigRequest hands the model list to the manager in --model_config_file’s shape', async () => {
    const config = {
      model_config_list: {
        config: [
          {
            name: 'half',
            base_path: '/models/half',
            model_platform: 'tensorflow',
            model_version_policy: { specific: { versions: [2, 3] } },
            version_labels: { stable: 3 },
          },
        ],
      },
    };
    const r = await c.call(c.model, 'HandleReloadConfigRequest', { config });
    assert.deepEqual(r.status, { error_code: 'OK', error_message: '' });
    assert.deepEqual(manager.reloaded, {
      modelConfigList: {
        config: [
          {
            name: 'half',
            basePath: '/models/half',
            modelPlatform: 'tensorflow',
            modelVersionPolicy: { specific: { versions: [2, 3] } },
            versionLabels: { stable: 3 },
          },
        ],
      },
    });
    const e = await grpcError(c.call(c.model, 'HandleReloadConfigRequest', { config: {} }));
    assert.equal(e.code, grpc.status.INVALID_ARGUMENT);
  });

  it('Classify and Regress feed serialized tf.Examples (context first) and shape the results', async () => {
    const example = (v: number) => ({ features: { feature: { x: { float_list: { value: [v] } } } } });
    const input = { example_list_with_context: { examples: [example(1), example(2)], context: example(0) } };
    const cls = await c.call(c.prediction, 'Classify', { model_spec: { name: 'half', signature_name: 'cls' }, input });
    assert.equal(cls.result.classifications.length, 2);
    assert.deepEqual(
      cls.result.classifications[0].classes.map((k: { label: string }) => k.label),
      ['a', 'b'],
    );
    const reg = await c.call(c.prediction, 'Regress', { model_spec: { name: 'half', signature_name: 'reg' }, input });
    // Each serialized example is the context's bytes followed by its own (the fake returns the length).
    const Example = servingType('tensorflow.Example');
    const bytes = (e: object) => Example.encode(Example.fromObject(e)).finish().length;
    assert.deepEqual(
      reg.result.regressions.map((r: { value: number }) => r.value),
      [bytes(example(0)) + bytes(example(1)), bytes(example(0)) + bytes(example(2))],
    );
    const wrong = await grpcError(c.call(c.prediction, 'Regress', { model_spec: { name: 'half' }, input }));
    assert.equal(
      wrong.details,
      'Expected regression signature method_name to be tensorflow/serving/regress. Was: tensorflow/serving/predict',
    );
    const empty = await grpcError(
      c.call(c.prediction, 'Classify', { model_spec: { name: 'half', signature_name: 'cls' }, input: {} }),
    );
    assert.equal(empty.details, 'Input is empty.');
    const multi = await grpcError(c.call(c.prediction, 'MultiInference', {}));
    assert.equal(multi.code, grpc.status.UNIMPLEMENTED);
  });

  it('accepts messages far above grpc-js’ 4 MiB default (TF Serving allows INT32_MAX)', async () => {
    const rows = 300_000; // 2.4 MB of floats each way, ~5 MB as float_val with tags
    const content = Buffer.from(new Float32Array(rows * 2).fill(1).buffer);
    const x = { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: rows }, { size: 2 }] }, tensor_content: content };
    const r = await c.call(c.prediction, 'Predict', {
      model_spec: { name: 'half' },
      inputs: { x },
      output_filter: ['y'],
    });
    assert.equal(r.outputs.y.float_val.length, rows * 2);
  });

  it('batches concurrent Predicts through the shared wrapPredict hook', async () => {
    const batcher = new Batcher({ maxBatchSize: 64, numBatchThreads: 1, batchTimeoutMicros: 5000 });
    const batched = await startGrpcServer({
      manager,
      host: '127.0.0.1',
      port: 0,
      hooks: { wrapPredict: batcher.wrap },
    });
    const bc = clients(batched.port);
    try {
      const outs = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          bc.call(bc.prediction, 'Predict', { model_spec: { name: 'half' }, inputs: { x: floats([[i, -i]]) } }),
        ),
      );
      for (const [i, r] of outs.entries()) assert.deepEqual(r.outputs.y.float_val, [i + 1, -i + 1]);
      assert.ok(batcher.stats.executedBatchSizes.length < 16, String(batcher.stats.executedBatchSizes));
    } finally {
      bc.close();
      await batched.shutdown(1000);
    }
  });

  it('shuts down gracefully: an in-flight call finishes, new calls are refused', async () => {
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inServable = new Promise<void>((r) => (entered = r));
    const slow: ModelManager = {
      modelNames: () => ['half'],
      status: () => [],
      acquire: () => ({
        version: 1,
        release: () => {},
        servable: Object.assign(new FakeServable(), {
          predict: async (s: string, i: Record<string, ServingTensor>) => {
            entered();
            await gate;
            return new FakeServable().predict(s, i);
          },
        }),
      }),
    };
    const s = await startGrpcServer({ manager: slow, host: '127.0.0.1', port: 0 });
    const sc = clients(s.port);
    const inflight = sc.call(sc.prediction, 'Predict', {
      model_spec: { name: 'half' },
      inputs: { x: floats([[1, 1]]) },
    });
    await inServable;
    const stopped = s.shutdown(10_000);
    const late = await grpcError(
      new Promise((resolve, reject) => {
        const fresh = clients(s.port);
        fresh
          .call(fresh.model, 'GetModelStatus', { model_spec: { name: 'half' } })
          .then(resolve, reject)
          .finally(fresh.close);
      }),
    );
    assert.equal(late.code, grpc.status.UNAVAILABLE);
    release();
    assert.deepEqual((await inflight).outputs.y.float_val, [2, 2]);
    await stopped;
    sc.close();
  });
});
