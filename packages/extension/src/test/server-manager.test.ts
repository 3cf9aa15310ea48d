import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCli } from '../client/cli';
import { freePort, ServerManager, sendTestRequest } from '../client/server-manager';
import { sdk, trainedRun } from './fixtures';

describe('ServerManager (real tfscale serve / deploy)', () => {
  let base: string;
  let ws: string;

  before(async () => {
    const t = await trainedRun();
    ws = t.ws;
    const ckpt = t.runs.store.checkpoints(t.record.id).at(-1) ?? '';
    base = path.join(ws, 'models', 'served');
    await runCli(sdk(ws), ws, ['export', ckpt, '--format', 'savedmodel', '--out', base]);
  });

  it('without the deployer: a child tfscale serve on a free port, a predict built from its signature, SIGTERM', async () => {
    const servers = new ServerManager(sdk(ws), ws);
    const taken = await freePort();
    const blocker = require('node:net').createServer().listen(taken, '127.0.0.1');
    try {
      const s = await servers.serve(base, { via: 'serve', restPort: taken, grpcPort: 0 });
      assert.notEqual(s.restPort, taken, 'a taken preferred port is replaced by a free one');
      assert.equal(s.state, 'serving');
      const { status, body } = await sendTestRequest(s.url);
      assert.equal(status, 200);
      assert.equal((JSON.parse(body) as { predictions: number[][] }).predictions[0]?.length, 10);
      await servers.stop(s.id);
      assert.equal(servers.list().length, 0);
      await assert.rejects(fetch(s.url));
    } finally {
      blocker.close();
    }
  });

  it('a model folder with no version fails after the timeout, with what the server said, and ends it', async () => {
    const servers = new ServerManager(sdk(ws), ws);
    let pid: number | undefined;
    servers.on('change', () => {
      pid ??= servers.list()[0]?.pid;
    });
    await assert.rejects(
      servers.serve(path.join(ws, 'no-such-model'), { via: 'serve', timeoutMs: 5_000 }),
      /tfscale serve did not start: no AVAILABLE version .*no-such-model/s,
    );
    assert.ok(pid);
    await new Promise((r) => setTimeout(r, 500));
    assert.throws(() => process.kill(pid as number, 0), 'the server process is gone');
  });
});
