import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { listenTarget, localAddresses, parseRankAddress } from './address';

describe('distribute/collective/address', () => {
  it('reads Unix socket paths and host:port forms', () => {
    assert.deepEqual(parseRankAddress('/tmp/run/rank-0.sock'), {
      kind: 'unix',
      path: '/tmp/run/rank-0.sock',
      text: '/tmp/run/rank-0.sock',
    });
    assert.equal(parseRankAddress('unix:///tmp/a.sock').kind, 'unix');
    assert.equal((parseRankAddress('unix:/tmp/a.sock') as { path: string }).path, '/tmp/a.sock');
    assert.deepEqual(parseRankAddress('10.0.0.3:7000'), {
      kind: 'tcp',
      host: '10.0.0.3',
      port: 7000,
      text: '10.0.0.3:7000',
    });
    assert.deepEqual(parseRankAddress('tcp://worker-1.svc:2222'), {
      kind: 'tcp',
      host: 'worker-1.svc',
      port: 2222,
      text: 'tcp://worker-1.svc:2222',
    });
    assert.equal((parseRankAddress('[::1]:7000') as { host: string }).host, '::1');
  });

  it('rejects bad ports, missing ports and over-long socket paths with a coded error', () => {
    for (const bad of ['host', 'host:0', 'host:70000', '', `/tmp/${'x'.repeat(200)}.sock`]) {
      assert.throws(
        () => parseRankAddress(bad),
        (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
      );
    }
  });

  it('binds loopback names locally and other hosts on all interfaces', () => {
    assert.deepEqual(listenTarget(parseRankAddress('127.0.0.1:7000')), { host: '127.0.0.1', port: 7000 });
    assert.deepEqual(listenTarget(parseRankAddress('worker-1.svc:7000')), { port: 7000 });
    assert.deepEqual(listenTarget(parseRankAddress('/tmp/a.sock')), { path: '/tmp/a.sock' });
  });

  it('lays out one socket per rank in a run directory', () => {
    assert.deepEqual(localAddresses('/tmp/run', 2), ['/tmp/run/rank-0.sock', '/tmp/run/rank-1.sock']);
  });
});
