import assert from 'node:assert/strict';
import { parameterServerRoles } from './parameter-server';
import { clusterFromTfConfig, parseTfConfigValue } from './tf-config';

const spec = (cluster: Record<string, unknown>, type: string, index = 0) =>
  clusterFromTfConfig(parseTfConfigValue({ cluster, task: { type, index } }))!;

describe('distribute/cluster/parameter-server', () => {
  const cluster = { chief: ['c:1'], worker: ['w0:1', 'w1:1'], ps: ['p0:1', 'p1:1'], evaluator: ['e:1'] };

  it('chief is the coordinator; ps and workers serve; the evaluator is apart', () => {
    const roles = parameterServerRoles(spec(cluster, 'chief'));
    assert.equal(roles.role, 'coordinator');
    assert.equal(roles.coordinator?.address, 'c:1');
    assert.deepEqual(
      roles.ps.map((t) => t.address),
      ['p0:1', 'p1:1'],
    );
    assert.deepEqual(
      roles.workers.map((t) => t.address),
      ['w0:1', 'w1:1'],
    );
    assert.equal(roles.evaluator?.address, 'e:1');
    assert.equal(parameterServerRoles(spec(cluster, 'ps', 1)).role, 'ps');
    assert.equal(parameterServerRoles(spec(cluster, 'worker', 1)).role, 'worker');
    assert.equal(parameterServerRoles(spec(cluster, 'evaluator')).role, 'evaluator');
  });

  it('SageMaker PS mode (master + a ps per host) reads the same way', () => {
    const roles = parameterServerRoles(
      spec({ master: ['h1:2222'], ps: ['h1:2223', 'h2:2223'], worker: ['h2:2222'] }, 'master'),
    );
    assert.equal(roles.role, 'coordinator');
    assert.equal(roles.ps.length, 2);
  });

  it('needs at least one ps and one worker, as TF ParameterServerStrategyV2', () => {
    assert.throws(() => parameterServerRoles(spec({ chief: ['c:1'], worker: ['w:1'] }, 'chief')), {
      code: 'TFSCALE_E_CLUSTER_INVALID',
      message: /`TF_CONFIG\.cluster\.ps`.*at least one ps[\s\S]*HINT: The cluster has only chief, worker/,
    });
    assert.throws(() => parameterServerRoles(spec({ chief: ['c:1'], ps: ['p:1'] }, 'chief')), /at least one worker/);
  });
});
