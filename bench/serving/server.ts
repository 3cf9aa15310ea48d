/**
 * Worker of bench/serving/run.js, one process per setup so the load generator never shares a
 * thread with the server:
 *
 *   write <dir>                       writes the MLP 784-256-10 and the small CNN as SavedModels
 *   serve <dir> <model> <on|off>      starts the model server (REST + gRPC, Prometheus on), batching
 *                                     on or off, and prints {"rest","grpc","inputKey"} as one line
 *   raw <dir> <model> <rows> <secs>   calls the servable in a loop (no server) and prints the stats
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { loadTf, writeSavedModel } from '@tfscale/sdk';
import type { ServingTensor } from '../../packages/sdk/src/serving';

const serving: typeof import('../../packages/sdk/src/serving') = require(
  path.resolve(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'serving'),
);
const modelServer: typeof import('../../packages/sdk/src/serving/model-server') = require(
  path.resolve(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'serving', 'model-server'),
);

/** Row shape of each model's input. */
export const ROW_SHAPE: Record<string, number[]> = { mlp: [784], cnn: [28, 28, 1] };

async function write(dir: string): Promise<void> {
  const tf = loadTf();
  const L = tf.layers;
  const mlp = tf.sequential({
    layers: [
      L.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const cnn = tf.sequential({
    layers: [
      L.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  for (const [name, model] of [
    ['mlp', mlp],
    ['cnn', cnn],
  ] as const) {
    await writeSavedModel(model, path.join(dir, name, '1'), { overwrite: true });
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function serve(dir: string, model: string, batching: boolean): Promise<void> {
  const [rest, grpc] = [await freePort(), await freePort()];
  const server = await modelServer.startModelServer({
    config: serving.singleModelConfig(model, path.join(dir, model)),
    runtimes: [new serving.SavedModelRuntime()],
    fileSystemPollWaitSeconds: 0,
    host: '127.0.0.1',
    restApiPort: rest,
    grpcPort: grpc,
    restApiTimeoutMs: 0,
    monitoring: { prometheus: { enable: true, path: serving.PROMETHEUS_PATH } },
    // TF Serving's CPU advice: no timeout, one batch thread per core (the runtime call is
    // synchronous here, so one thread), a large max batch.
    ...(batching
      ? { batching: { maxBatchSize: 64, batchTimeoutMicros: 0, numBatchThreads: 1, maxEnqueuedBatches: 100 } }
      : {}),
  });
  const { servable, release } = server.manager.acquire(model, {});
  const inputKey = servable.signatures.serving_default!.inputs[0]!.key;
  release();
  process.stdout.write(`${JSON.stringify({ rest, grpc, inputKey })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.once('end', stop).resume();
}

async function raw(dir: string, model: string, rows: number, seconds: number): Promise<void> {
  const servable = await new serving.SavedModelRuntime().load(path.join(dir, model, '1'));
  const spec = servable.signatures.serving_default!;
  const shape = [rows, ...ROW_SHAPE[model]!];
  const x: ServingTensor = {
    dtype: 'float32',
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 255) / 255),
  };
  const inputs = { [spec.inputs[0]!.key]: x };
  for (let i = 0; i < 50; i++) await servable.predict('serving_default', inputs);
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  while (performance.now() < end) {
    const t = performance.now();
    await servable.predict('serving_default', inputs);
    latencies.push(performance.now() - t);
  }
  const wall = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  process.stdout.write(
    `${JSON.stringify({ calls: latencies.length, callsPerSec: latencies.length / wall, rowsPerSec: (latencies.length * rows) / wall, p50Ms: q(0.5), p99Ms: q(0.99) })}\n`,
  );
  await servable.dispose();
}

const [mode, dir, model, a, b] = process.argv.slice(2);
const main =
  mode === 'write'
    ? write(dir!)
    : mode === 'serve'
      ? serve(dir!, model!, a === 'on')
      : mode === 'raw'
        ? raw(dir!, model!, Number(a), Number(b))
        : Promise.reject(new Error(`unknown mode ${mode}`));
main.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
if (mode === 'write') main.then(() => fs.writeSync(1, '{"written":true}\n'));
