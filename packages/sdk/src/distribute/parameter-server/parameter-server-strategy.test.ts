import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTfscaleError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { StrategyRegistryToken } from '../../core/tokens';
import { createSdkContainer } from '../../sdk-container';
import { createClusterSpec } from '../cluster/cluster-spec';
import type { ClusterJobs, TaskType } from '../cluster/multi-worker-util';
import { ParameterServerStrategy } from './parameter-server-strategy';

describe('distribute/parameter-server/parameter-server-strategy', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pss-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cluster = (jobs: ClusterJobs, type: TaskType, index = 0) =>
    createClusterSpec({ jobs, self: { type, index }, source: 'tf-config' });
  const jobs = (): ClusterJobs => ({
    chief: [path.join(dir, 'c.sock')],
    worker: [path.join(dir, 'w0.sock')],
    ps: [path.join(dir, 'p0.sock')],
  });

  it('is registered as parameter-server; only the chief is primary; a step uses the whole global batch', async () => {
    const registry = createSdkContainer().resolve(StrategyRegistryToken);
    assert.ok(registry.get('parameter-server')({}, { container: createSdkContainer(), logger: silentLogger }));
    const chief = new ParameterServerStrategy({ cluster: cluster(jobs(), 'chief') });
    const worker = new ParameterServerStrategy({ cluster: cluster(jobs(), 'worker') });
    try {
      await chief.setup({ logger: silentLogger });
      await worker.setup({ logger: silentLogger });
      assert.deepEqual([chief.isPrimary, worker.isPrimary], [true, false]);
      assert.deepEqual([chief.numReplicas, chief.plan(64).perReplicaBatchSize], [1, 64]);
      assert.deepEqual(await chief.reduce([Float32Array.of(2)], 'sum'), [Float32Array.of(2)]);
    } finally {
      await chief.teardown();
      await worker.teardown();
    }
  });

  it('needs a chief (the coordinator) and ps tasks; an evaluator task is not supported yet', async () => {
    const setup = (c: ReturnType<typeof cluster>) =>
      new ParameterServerStrategy({ cluster: c }).setup({ logger: silentLogger });
    const { chief: _, ...noChief } = jobs();
    await assert.rejects(setup(cluster(noChief, 'worker')), (err) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_CLUSTER_INVALID'));
      assert.match(err.message, /TF_CONFIG\.cluster\.chief.*coordinator/);
      return true;
    });
    const { ps: __, ...noPs } = jobs();
    await assert.rejects(setup(cluster(noPs, 'chief')), /at least one ps task/);
    const withEvaluator = { ...jobs(), evaluator: [path.join(dir, 'e.sock')] };
    await assert.rejects(setup(cluster(withEvaluator, 'evaluator')), (e) =>
      isTfscaleError(e, 'TFSCALE_E_NOT_IMPLEMENTED'),
    );
  });
});
