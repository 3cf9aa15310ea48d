import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCli } from '../client/cli';
import { freePort, parseDeploymentList, ServerManager, sendTestRequest } from '../client/server-manager';
import { EXT_ROOT, sdk, trainedRun } from './fixtures';

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

  it('with the local deployer: the server outlives its manager, a new one (a reload) finds it and stops it', async () => {
    const saved = process.env.TFSCALE_STATE_DIR;
    process.env.TFSCALE_STATE_DIR = path.join(EXT_ROOT, 'test-output', 'unit', 'deploy-state');
    try {
      const first = new ServerManager(sdk(ws), ws);
      const s = await first.serve(base, { restPort: 0, grpcPort: 0 });
      assert.equal(s.via, 'deploy');
      assert.equal((await fetch(s.url)).status, 200);
      first.dispose(); // the window goes away; the deployment does not
      const again = new ServerManager(sdk(ws), ws);
      assert.equal(await again.attachDeployments(), 1);
      const [found] = again.list();
      assert.equal(found?.url, s.url);
      assert.equal(found?.pid, s.pid);
      assert.equal((await sendTestRequest(found.url)).status, 200);
      await again.stop(found.id);
      await assert.rejects(fetch(s.url));
      assert.equal(await new ServerManager(sdk(ws), ws).attachDeployments(), 0);
    } finally {
      if (saved === undefined) delete process.env.TFSCALE_STATE_DIR;
      else process.env.TFSCALE_STATE_DIR = saved;
    }
  });

  it('reads the deploy --list table', () => {
    const out = [
      'STATE  PID   MODEL   REST                   MODEL PATH       STARTED',
      'ready  4242  digits  http://127.0.0.1:8501  /w/models/digits  2026-01-01T00:00:00Z',
    ].join('\n');
    assert.deepEqual(parseDeploymentList(out), [
      { state: 'ready', pid: 4242, model: 'digits', rest: 'http://127.0.0.1:8501', modelPath: '/w/models/digits' },
    ]);
    assert.deepEqual(parseDeploymentList('No local deployments (records in /x).'), []);
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
