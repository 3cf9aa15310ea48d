import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { clusterJobs } from './cluster-spec';
import { clusterFromTfConfig, parseTfConfig, parseTfConfigValue, toTfConfig } from './tf-config';
import { EXAMPLES, INVALID } from './tf-config-cases.test';

const rankOf = (tfConfig: Record<string, unknown>) => {
  const spec = clusterFromTfConfig(parseTfConfig(JSON.stringify(tfConfig)))!;
  const leader = spec.ranks.leader ? `/job:${spec.ranks.leader.type}/replica:0/task:${spec.ranks.leader.index}` : '';
  return { worldSize: spec.ranks.worldSize, rank: spec.ranks.rank, isChief: spec.ranks.isChief, leader };
};

describe('distribute/cluster/tf-config', () => {
  for (const example of EXAMPLES) {
    it(`${example.name} → rank ${example.expected.rank} of ${example.expected.worldSize}`, () => {
      assert.deepEqual(rankOf(example.tfConfig), example.expected);
    });
  }

  for (const bad of INVALID) {
    it(`refuses ${bad.name} (TFSCALE_E_${bad.code})`, () => {
      assert.throws(
        () => clusterFromTfConfig(parseTfConfig(bad.text)),
        (err: unknown) => isTfscaleError(err, `TFSCALE_E_${bad.code}` as never) && bad.message.test(err.message),
      );
    });
  }

  it('an empty or missing cluster is single-process, as in TensorFlow', () => {
    for (const text of [
      '{}',
      '{"cluster":{}}',
      '{"task":{"type":"worker","index":0}}',
      '{"cluster":{},"task":"junk"}',
    ]) {
      assert.equal(clusterFromTfConfig(parseTfConfig(text)), undefined, text);
    }
  });

  it('keeps rpc_layer and environment, maps master to chief, orders tasks', () => {
    const spec = clusterFromTfConfig(
      parseTfConfigValue({
        cluster: { worker: ['w:1'], master: ['m:1'] },
        task: { type: 'worker', index: 0 },
        rpc_layer: 'grpc',
        environment: 'cloud',
      }),
    )!;
    assert.deepEqual(
      spec.tasks.map((t) => `${t.type}:${t.index}=${t.address}`),
      ['chief:0=m:1', 'worker:0=w:1'],
    );
    assert.equal(spec.rpcLayer, 'grpc');
    assert.equal(spec.environment, 'cloud');
    assert.equal(spec.source, 'tf-config');
  });

  it('toTfConfig round-trips every example', () => {
    for (const { tfConfig } of EXAMPLES) {
      const spec = clusterFromTfConfig(parseTfConfigValue(tfConfig))!;
      const again = clusterFromTfConfig(parseTfConfigValue(JSON.parse(JSON.stringify(toTfConfig(spec)))))!;
      assert.deepEqual(again, spec);
      assert.deepEqual(clusterJobs(again), clusterJobs(spec));
    }
  });
});
