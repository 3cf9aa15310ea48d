import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadTf, writeSavedModel } from '@tfscale/sdk';
import type { GrpcServing, FileSystemModelManager as Manager } from '../packages/sdk/src/serving';
import type { ModelHttpServer as RestServer } from '../packages/sdk/src/serving/http-server';
import { httpServer, serving } from './support/serving';

const {
  Batcher,
  FileSystemModelManager,
  SavedModelRuntime,
  SERVING_PROTO_FILES,
  ServingMetrics,
  parseMonitoringConfig,
  prometheusHandler,
  servingProtosDir,
  startGrpcServer,
} = serving;

const PROMETHEUS = '/usr/bin/prometheus';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Resolves when Prometheus prints that it is ready (its own readiness log line). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready to receive web requests.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`prometheus exited (${code}):\n${log}`)));
  });
}

describe('prometheus: a real Prometheus scrapes the model server’s TF Serving metrics', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-prom-'));
  let manager: Manager;
  let grpcServer: GrpcServing;
  let rest: RestServer;
  let prometheus: ChildProcess | undefined;
  const scraped: Array<() => void> = [];
  const nextScrape = () => new Promise<void>((resolve) => scraped.push(resolve));

  before(async function () {
    if (!fs.existsSync(PROMETHEUS)) {
      if (process.env.CI === 'true')
        throw new Error(`CI: ${PROMETHEUS} missing (.ci/run installs Debian's prometheus)`);
      console.log(`      (skipped: ${PROMETHEUS} missing; apt-get install prometheus)`);
      this.skip();
    }
    const tf = loadTf();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] });
    await writeSavedModel(model, path.join(dir, 'mlp', '1'));
    manager = new FileSystemModelManager({ runtimes: [new SavedModelRuntime()], fileSystemPollWaitSeconds: 0 });
    await manager.start({
      modelConfigList: { config: [{ name: 'mlp', basePath: path.join(dir, 'mlp'), modelPlatform: 'tensorflow' }] },
    });
  });

  after(async () => {
    prometheus?.kill('SIGTERM');
    await rest?.close(1000);
    await grpcServer?.shutdown(1000);
    await manager?.close();
  });

  it('finds request_count, request_latency and the batching histograms with the values REST and gRPC counted', async () => {
    const metrics = new ServingMetrics();
    metrics.watchModels(manager);
    const batcher = new Batcher({ maxBatchSize: 8, numBatchThreads: 1 }, metrics);
    const shared = {
      manager,
      host: '127.0.0.1',
      port: 0,
      hooks: { wrapPredict: batcher.wrap },
      observers: [metrics.observe],
    };
    grpcServer = await startGrpcServer(shared);
    rest = new httpServer.ModelHttpServer(shared);

    // The endpoint as `--monitoring_config_file` configures it, on the REST port's route table;
    // each finished scrape is a signal the test waits on.
    const { prometheus: config } = parseMonitoringConfig(
      'prometheus_config { enable: true, path: "/monitoring/prometheus/metrics" }',
    );
    const page = prometheusHandler(metrics);
    rest.addRoute('GET', config.path, (req, res) => {
      res.once('finish', () => {
        for (const done of scraped.splice(0)) done();
      });
      page(req, res);
    });
    const target = `127.0.0.1:${(await rest.listen()).port}`;

    // Some traffic: 3 good gRPC predictions, 1 for a model that does not exist, 2 over REST.
    const def = protoLoader.loadSync([...SERVING_PROTO_FILES], { includeDirs: [servingProtosDir()], keepCase: true });
    // biome-ignore lint/suspicious/noExplicitAny: generated namespace
    const pkg = grpc.loadPackageDefinition(def) as any;
    const client = new pkg.tensorflow.serving.PredictionService(
      `127.0.0.1:${grpcServer.port}`,
      grpc.credentials.createInsecure(),
    );
    const { servable, release } = manager.acquire('mlp', {});
    const key = servable.signatures.serving_default!.inputs[0]!.key;
    release();
    const predict = (name: string) =>
      new Promise<void>((resolve) =>
        client.Predict(
          {
            model_spec: { name },
            inputs: {
              [key]: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 1 }, { size: 4 }] }, float_val: [1, 2, 3, 4] },
            },
          },
          () => resolve(),
        ),
      );
    const restPredict = () =>
      fetch(`http://${target}/v1/models/mlp:predict`, {
        method: 'POST',
        body: JSON.stringify({ instances: [[1, 2, 3, 4]] }),
      });
    const [r1, r2] = await Promise.all([
      restPredict(),
      restPredict(),
      predict('mlp'),
      predict('mlp'),
      predict('mlp'),
      predict('missing'),
    ]);
    assert.deepEqual([r1!.status, r2!.status], [200, 200]);
    client.close();

    const port = await freePort();
    const yml = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      yml,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: tfscale',
        `    metrics_path: ${config.path}`,
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(PROMETHEUS, [
      `--config.file=${yml}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const afterFirst = nextScrape();
    await ready(prometheus);
    await afterFirst;
    // A target's scrapes run one after another: once the next one starts, the first is stored.
    await nextScrape();

    const query = async (promql: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        status: string;
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      assert.equal(body.status, 'success', JSON.stringify(body));
      return body.data.result;
    };
    const one = async (promql: string) => {
      const result = await query(promql);
      assert.equal(result.length, 1, `${promql}: ${JSON.stringify(result)}`);
      return Number(result[0]!.value[1]);
    };
    assert.equal(await one('{__name__=":tensorflow:serving:request_count",model_name="mlp",status="OK"}'), 5);
    assert.equal(
      await one('{__name__=":tensorflow:serving:request_count",model_name="missing",status="NOT_FOUND"}'),
      1,
    );
    assert.equal(
      await one(
        '{__name__=":tensorflow:serving:request_latency_count",model_name="mlp",API="Predict",entrypoint="GRPC"}',
      ),
      3,
    );
    assert.equal(
      await one(
        '{__name__=":tensorflow:serving:request_latency_count",model_name="mlp",API="predict",entrypoint="REST"}',
      ),
      2,
    );
    assert.equal(await one('{__name__=":tensorflow:serving:batching_session:input_batch_size_count"}'), 5);
    assert.ok((await one('{__name__=":tensorflow:serving:batching_session:processed_batch_size_count"}')) >= 1);
    assert.equal(
      await one('{__name__=":tfscale:serving:model_version_state",model_name="mlp",version="1",state="AVAILABLE"}'),
      1,
    );
    const buckets = await query(
      '{__name__=":tensorflow:serving:request_latency_bucket",model_name="mlp",entrypoint="GRPC"}',
    );
    assert.equal(buckets.length, 34); // Exponential(10, 1.8, 33) and +Inf
    assert.equal(await one('up{job="tfscale"}'), 1);
  });
});
