import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  deploymentId,
  deploymentStateDir,
  type LocalDeploymentRecord,
  listRecords,
  readRecord,
  removeRecord,
  withRecordLock,
  writeRecord,
} from './deployment-record';

function record(dir: string, id: string, pid: number): LocalDeploymentRecord {
  return {
    format: 1,
    id,
    pid,
    modelPath: '/m',
    modelName: 'm',
    host: '127.0.0.1',
    restApiPort: 1,
    grpcPort: 2,
    startedAt: new Date().toISOString(),
    serverVersion: '0.1.0',
    logFile: path.join(dir, `${id}.log`),
    argv: [],
  };
}

describe('deploy/deployment-record', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-records-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ids differ by path and by name, and are stable', () => {
    assert.match(deploymentId('/a', 'x'), /^[0-9a-f]{16}$/);
    assert.equal(deploymentId('/a', 'x'), deploymentId('/a', 'x'));
    assert.notEqual(deploymentId('/a', 'x'), deploymentId('/a', 'y'));
    assert.notEqual(deploymentId('/a', 'x'), deploymentId('/b', 'x'));
  });

  it('state dir: explicit, then $TFSCALE_STATE_DIR/deployments, then the cache dir', () => {
    const saved = { s: process.env.TFSCALE_STATE_DIR, x: process.env.XDG_CACHE_HOME };
    try {
      process.env.TFSCALE_STATE_DIR = '/tmp/s';
      assert.equal(deploymentStateDir('/tmp/explicit'), '/tmp/explicit');
      assert.equal(deploymentStateDir(), path.resolve('/tmp/s', 'deployments'));
      delete process.env.TFSCALE_STATE_DIR;
      process.env.XDG_CACHE_HOME = '/tmp/cache';
      assert.equal(deploymentStateDir(), path.join('/tmp/cache', 'tfscale', 'deployments'));
    } finally {
      for (const [k, v] of [
        ['TFSCALE_STATE_DIR', saved.s],
        ['XDG_CACHE_HOME', saved.x],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it('round-trips, lists only records, treats garbage as no record', () => {
    const id = deploymentId('/m', 'm');
    writeRecord(dir, record(dir, id, 123));
    fs.writeFileSync(path.join(dir, `${'0'.repeat(16)}.json`), '{"half": ');
    fs.writeFileSync(path.join(dir, 'notes.json'), '{}');
    assert.equal(readRecord(dir, id)?.pid, 123);
    assert.equal(readRecord(dir, '0'.repeat(16)), undefined);
    assert.deepEqual(
      listRecords(dir).map((r) => r.id),
      [id],
    );
  });

  it('removeRecord leaves a newer server’s record alone', () => {
    const id = deploymentId('/m', 'm');
    writeRecord(dir, record(dir, id, 200));
    fs.writeFileSync(path.join(dir, `${id}.log`), 'log');
    removeRecord(dir, id, 100);
    assert.equal(readRecord(dir, id)?.pid, 200);
    removeRecord(dir, id, 200);
    assert.equal(readRecord(dir, id), undefined);
    assert.equal(fs.existsSync(path.join(dir, `${id}.log`)), false);
  });

  it('the lock serialises callers and is taken over from a dead holder', async () => {
    const order: string[] = [];
    const hold = (name: string, ms: number) =>
      withRecordLock(dir, 'x', 5000, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a', 100), hold('b', 0)]);
    assert.deepEqual(order, ['a+', 'a-', 'b+', 'b-']);
    // pid 2^22 + 1 is above Linux's pid_max ceiling: no such process.
    fs.writeFileSync(path.join(dir, 'x.lock'), String(2 ** 22 + 1));
    assert.equal(await withRecordLock(dir, 'x', 1000, async () => 'taken over'), 'taken over');
    assert.equal(fs.existsSync(path.join(dir, 'x.lock')), false);
  });
});
