import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf } from '../../backend/tf';
import { isTfscaleError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import type { ClusterTask } from '../cluster/cluster-spec';
import { PsClient } from './ps-client';
import { PsTask } from './ps-task';

// One ps and its clients in this process over a Unix socket: the variables, the optimizer and
// the failure rules. The whole cluster across processes is in test/parameter-server.test.ts.
describe('distribute/parameter-server/ps-task', () => {
  let dir: string;
  let ps: ClusterTask;
  const chief: ClusterTask = { type: 'chief', index: 0, address: '127.0.0.1:1' };
  const open: { close(): Promise<void> }[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-ps-'));
    ps = { type: 'ps', index: 0, address: path.join(dir, 'ps0.sock') };
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ task: PsTask; serving: Promise<void> }> {
    const tf = loadTf();
    const task = await PsTask.listen({ self: ps, coordinator: chief, logger: silentLogger, connectTimeoutMs: 5_000 });
    open.push(task);
    return { task, serving: task.serve(tf, tf.train.sgd(0.5)) };
  }
  const connect = async (role: 'chief' | 'worker') => {
    const client = await PsClient.connect({ ps: [ps], from: role, role, placement: [0, 0], timeoutMs: 5_000 });
    open.push(client);
    return client;
  };

  it('holds the variables the chief creates, applies pushed gradients with its optimizer, stops when told', async () => {
    const { serving } = await start();
    const worker = await connect('worker');
    const early = worker.pull(); // before init: answered once the variables exist
    const coordinator = await connect('chief');
    await coordinator.init(['k', 'b'], [[2, 2], [2]], [Float32Array.of(1, 2, 3, 4), Float32Array.of(0, 0)]);
    assert.deepEqual(await early, [Float32Array.of(1, 2, 3, 4), Float32Array.of(0, 0)]);
    await worker.push([Float32Array.of(2, 2, 2, 2), Float32Array.of(-1, 1)]);
    await worker.push([Float32Array.of(0, 0, 0, 2), Float32Array.of(0, 0)]);
    assert.deepEqual(await coordinator.pull(), [Float32Array.of(0, 1, 2, 2), Float32Array.of(0.5, -0.5)]);
    await coordinator.stop();
    await serving;
  });

  it('fails with TFSCALE_E_PS_COORDINATOR_LOST when the chief goes away without a stop; workers may go', async () => {
    const { serving } = await start();
    const failed = assert.rejects(serving, (err) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_PS_COORDINATOR_LOST'));
      assert.match(err.message, /^The coordinator chief \(127\.0\.0\.1:1\) was lost: .* \(seen by ps:0\)/);
      return true;
    });
    const worker = await connect('worker');
    await worker.close();
    const coordinator = await connect('chief');
    await coordinator.close();
    await failed;
  });

  it('a lost ps fails its clients’ pending and later calls with TFSCALE_E_PS_LOST naming it', async () => {
    const { task, serving } = await start();
    serving.catch(() => {});
    const worker = await connect('worker');
    const pending = worker.pull(); // waits: no variables yet
    const lost = (err: unknown) =>
      isTfscaleError(err, 'TFSCALE_E_PS_LOST') && /ps:0 \(.*ps0\.sock\) was lost/.test(String(err));
    const pendingFails = assert.rejects(pending, lost);
    await task.close();
    await pendingFails;
    await assert.rejects(worker.lost.promise, lost);
    await assert.rejects(worker.push([new Float32Array(4), new Float32Array(2)]), lost);
  });
});
