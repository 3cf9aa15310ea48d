/**
 * `tfscale serve --tensorflow_intra_op_parallelism N` (TF Serving's flag) reaches TensorFlow: the
 * server's intra-op pool grows by the threads asked for. Counted from /proc (Linux).
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, writeSavedModel } from '@tfscale/sdk';

const CLI = path.resolve(__dirname, '..', '..', 'packages', 'sdk', 'dist', 'cli', 'main.js');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('tfscale serve: TensorFlow thread flags', function () {
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

  /** Threads of a server started with `intra`, after it answered one predict. */
  async function threadsWith(intra: number): Promise<number> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--model_name=m',
        `--model_base_path=${path.join(dir, 'm')}`,
        `--rest_api_port=${port}`,
        '--port=0',
        `--tensorflow_intra_op_parallelism=${intra}`,
      ],
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
    const count = fs.readdirSync(`/proc/${child.pid}/task`).length;
    child.kill('SIGKILL');
    return count;
  }

  it('--tensorflow_intra_op_parallelism sizes the intra-op pool', async () => {
    const one = await threadsWith(1);
    const five = await threadsWith(5);
    assert.equal(five - one, 4, `threads with intra-op 1: ${one}, with 5: ${five}`);
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
