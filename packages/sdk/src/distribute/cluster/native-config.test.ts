import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { clusterFromNativeConfig, parseNativeCluster } from './native-config';

describe('distribute/cluster/native-config', () => {
  it('TFSCALE_CLUSTER is a worker-only cluster: rank = worker index, rank 0 is chief', () => {
    const spec = parseNativeCluster('{"workers":["h1:7000","h2:7000"],"rank":1}');
    assert.deepEqual(spec.self, { type: 'worker', index: 1 });
    assert.deepEqual(spec.ranks, {
      worldSize: 2,
      rank: 1,
      isChief: false,
      leader: { type: 'worker', index: 0 },
      peers: ['h1:7000', 'h2:7000'],
    });
    assert.equal(spec.source, 'tfscale-env');
    assert.equal(parseNativeCluster('{"workers":["h1:7000","h2:7000"],"rank":0}').ranks.isChief, true);
    assert.equal(clusterFromNativeConfig({ workers: ['a:1'], rank: 0 }).source, 'tfscale-config');
  });

  const invalid: [string, string, RegExp][] = [
    ['rank out of range', '{"workers":["a:1","b:1"],"rank":2}', /`TFSCALE_CLUSTER\.rank`.*from 0 to 1/],
    ['rank missing', '{"workers":["a:1"]}', /`TFSCALE_CLUSTER\.rank`/],
    ['workers not a list', '{"workers":"a:1,b:1","rank":0}', /`TFSCALE_CLUSTER\.workers`/],
    ['empty address', '{"workers":["a:1",""],"rank":0}', /`TFSCALE_CLUSTER\.workers\[1\]`/],
    [
      'duplicate address',
      '{"workers":["a:1","a:1"],"rank":0}',
      /`TFSCALE_CLUSTER\.workers\[1\]`.*TFSCALE_CLUSTER\.workers\[0\] has it/,
    ],
    ['typo in a key', '{"worker":["a:1"],"rank":0}', /`TFSCALE_CLUSTER\.worker`[\s\S]*Did you mean "workers"/],
    ['not an object', '["a:1"]', /`TFSCALE_CLUSTER`/],
  ];
  for (const [name, text, message] of invalid) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseNativeCluster(text),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_CLUSTER_INVALID') && message.test(err.message),
      );
    });
  }

  it('bad JSON → TFSCALE_E_CLUSTER_NOT_JSON with an example', () => {
    assert.throws(() => parseNativeCluster("{workers:['a:1']}"), {
      code: 'TFSCALE_E_CLUSTER_NOT_JSON',
      message: /`TFSCALE_CLUSTER` is not valid JSON[\s\S]*HINT: .*TFSCALE_CLUSTER='\{"workers"/,
    });
  });
});
