import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Batcher } from '../batcher';
import type { ModelManager, ServingTensor } from '../types';
import { clients, FakeManager, FakeServable, floats, grpcError } from './grpc-fixtures.test';
import { type GrpcServing, startGrpcServer } from './grpc-server';

describe('grpc server: TF Serving ModelService, message limits, batching and shutdown', () => {
  const manager = new FakeManager();
  let server: GrpcServing;
  let c: ReturnType<typeof clients>;

  before(async () => {
    server = await startGrpcServer({ manager, host: '127.0.0.1', port: 0 });
    c = clients(server.port);
  });
  after(async () => {
    c.close();
    await server.shutdown(1000);
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
