/**
 * `tfscale serve` flags that reach below the API: `--tensorflow_intra_op_parallelism N` sizes
 * TensorFlow's intra-op pool (threads counted from /proc, Linux), `--grpc_channel_arguments` sets
 * the gRPC receive limit (a real grpc-js client is refused above it).
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadTf, writeSavedModel } from '@tfscale/sdk';
import { serving } from './support/serving';

const CLI = path.resolve(__dirname, '..', '..', 'packages', 'sdk', 'dist', 'cli', 'main.js');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('tfscale serve: thread and gRPC channel flags', function () {
  this.timeout(120_000);
  let dir: string;
  const children: ChildProcess[] = [];
  before(async function () {
    if (process.platform !== 'linux') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-threads-'));
    const tf = loadTf();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 64 })] });
    await writeSavedModel(model, path.join(dir, 'm', '1'), { overwrite: true });
  });
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A `tfscale serve` child with `flags`, once it answered one REST predict. */
  async function serve(flags: string[]): Promise<{ child: ChildProcess; port: number }> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--model_name=m', `--model_base_path=${path.join(dir, 'm')}`, `--rest_api_port=${port}`, ...flags],
      { stdio: 'ignore', env: { ...process.env, TF_NUM_INTRAOP_THREADS: '' } },
    );
    children.push(child);
    const body = JSON.stringify({ instances: [Array.from({ length: 64 }, (_, i) => i / 64)] });
    for (let tries = 0; ; tries++) {
      const r = await fetch(`http://127.0.0.1:${port}/v1/models/m:predict`, { method: 'POST', body }).catch(
        () => undefined,
      );
      if (r?.status === 200) break;
      if (child.exitCode !== null || tries > 300)
        throw new Error(`tfscale serve did not answer (exit ${child.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { child, port };
  }

  /** Threads of a server started with `intra`, after it answered one predict. */
  async function threadsWith(intra: number): Promise<number> {
    const { child } = await serve(['--port=0', `--tensorflow_intra_op_parallelism=${intra}`]);
    const count = fs.readdirSync(`/proc/${child.pid}/task`).length;
    child.kill('SIGKILL');
    return count;
  }

  it('--tensorflow_intra_op_parallelism sizes the intra-op pool', async () => {
    const one = await threadsWith(1);
    const five = await threadsWith(5);
    assert.equal(five - one, 4, `threads with intra-op 1: ${one}, with 5: ${five}`);
  });

  it('--grpc_channel_arguments sets the receive limit: a bigger Predict is RESOURCE_EXHAUSTED, a small one served', async () => {
    const grpcPort = await freePort();
    const { child, port } = await serve([
      `--port=${grpcPort}`,
      '--grpc_channel_arguments=grpc.max_receive_message_length=1024, grpc.max_concurrent_streams=8',
    ]);
    // The input's key as the SavedModel names it (tfjs numbers layers per process).
    const meta = (await (await fetch(`http://127.0.0.1:${port}/v1/models/m/metadata`)).json()) as {
      metadata: { signature_def: { signature_def: Record<string, { inputs: Record<string, unknown> }> } };
    };
    const inputKey = Object.keys(meta.metadata.signature_def.signature_def.serving_default.inputs)[0]!;
    const def = protoLoader.loadSync([...serving.SERVING_PROTO_FILES], {
      includeDirs: [serving.servingProtosDir()],
      keepCase: true,
    });
    // biome-ignore lint/suspicious/noExplicitAny: generated namespace
    const pkg = grpc.loadPackageDefinition(def) as any;
    const client = new pkg.tensorflow.serving.PredictionService(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    const predict = (rows: number) =>
      new Promise<{ code: number; outputs?: object }>((resolve) =>
        client.Predict(
          {
            model_spec: { name: 'm' },
            inputs: {
              [inputKey]: {
                dtype: 'DT_FLOAT',
                tensor_shape: { dim: [{ size: rows }, { size: 64 }] },
                float_val: Array.from({ length: rows * 64 }, (_, i) => (i % 64) / 64),
              },
            },
          },
          (e: grpc.ServiceError | null, r: { outputs: object }) => resolve({ code: e?.code ?? 0, outputs: r?.outputs }),
        ),
      );
    try {
      const small = await predict(1); // 64 floats: ~300 bytes
      assert.equal(small.code, 0);
      assert.ok(small.outputs && Object.keys(small.outputs).length === 1);
      assert.equal((await predict(16)).code, grpc.status.RESOURCE_EXHAUSTED); // ~4 KB
      assert.equal((await predict(1)).code, 0, 'still serving after the refusal');
    } finally {
      client.close();
      child.kill('SIGKILL');
    }
  });

  it('refuses malformed --grpc_channel_arguments with a coded error', () => {
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'serve',
        `--model_base_path=${path.join(dir, 'm')}`,
        '--grpc_channel_arguments=grpc.max_concurrent_streams',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /TFSCALE_E_INVALID_VALUE.*grpc_channel_arguments/);
  });

  it('refuses an out-of-range thread count with a coded error', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'serve', `--model_base_path=${path.join(dir, 'm')}`, '--tensorflow_inter_op_parallelism=-2'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /TFSCALE_E_INVALID_VALUE.*tensorflow_inter_op_parallelism/);
  });
});
