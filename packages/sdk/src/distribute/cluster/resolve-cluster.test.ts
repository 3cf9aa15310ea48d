import assert from 'node:assert/strict';
import { createClusterSpec } from './cluster-spec';
import { resolveCluster } from './resolve-cluster';

describe('distribute/cluster/resolve-cluster', () => {
  const tfConfig = JSON.stringify({
    cluster: { worker: ['tf0:2222', 'tf1:2222'] },
    task: { type: 'worker', index: 1 },
  });
  const everything = {
    TFSCALE_CLUSTER: '{"workers":["n0:7000","n1:7000","n2:7000"],"rank":2}',
    TF_CONFIG: tfConfig,
    JOBSET_NAME: 'js',
    REPLICATED_JOB_NAME: 'w',
    JOB_COMPLETION_INDEX: '0',
    TFSCALE_HOST_PATTERN: 'ij-{index}:1',
    TFSCALE_WORLD_SIZE: '1',
  };
  const drop = (...names: string[]) =>
    Object.fromEntries(Object.entries(everything).filter(([name]) => !names.includes(name)));

  it('follows the chain: instance > config > TFSCALE_CLUSTER > TF_CONFIG > JobSet > Indexed Job > none', () => {
    const instance = createClusterSpec({
      jobs: { worker: ['i:1'] },
      self: { type: 'worker', index: 0 },
      source: 'instance',
    });
    const config = { workers: ['c0:1', 'c1:1'], rank: 1 };
    assert.equal(resolveCluster({ instance, config, env: everything }), instance);
    assert.equal(resolveCluster({ config, env: everything })?.source, 'tfscale-config');
    assert.equal(resolveCluster({ env: everything })?.source, 'tfscale-env');
    assert.equal(resolveCluster({ env: drop('TFSCALE_CLUSTER') })?.source, 'tf-config');
    assert.equal(resolveCluster({ env: drop('TFSCALE_CLUSTER', 'TF_CONFIG') })?.source, 'jobset');
    assert.equal(resolveCluster({ env: drop('TFSCALE_CLUSTER', 'TF_CONFIG', 'JOBSET_NAME') })?.source, 'indexed-job');
    assert.equal(resolveCluster({ env: {} }), undefined);
  });

  it('an empty TF_CONFIG cluster is single-process and stops the chain (TensorFlow’s meaning)', () => {
    assert.equal(resolveCluster({ env: { ...drop('TFSCALE_CLUSTER'), TF_CONFIG: '{}' } }), undefined);
  });

  it('blank variables count as unset', () => {
    assert.equal(resolveCluster({ env: { TFSCALE_CLUSTER: '', TF_CONFIG: '  ' } }), undefined);
  });

  it('a source that is set but wrong throws instead of falling through', () => {
    const env = {
      TF_CONFIG: '{"cluster":{"worker":["a:1"]},"task":{"type":"worker","index":5}}',
      TFSCALE_HOSTS: 'a:1',
    };
    assert.throws(() => resolveCluster({ env }), { code: 'TFSCALE_E_CLUSTER_INVALID' });
  });

  it('reads process.env by default', () => {
    const saved = process.env.TFSCALE_CLUSTER;
    process.env.TFSCALE_CLUSTER = '{"workers":["p0:1","p1:1"],"rank":0}';
    try {
      assert.equal(resolveCluster()?.ranks.worldSize, 2);
    } finally {
      if (saved === undefined) delete process.env.TFSCALE_CLUSTER;
      else process.env.TFSCALE_CLUSTER = saved;
    }
  });
});
