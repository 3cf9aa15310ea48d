import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { clusterFromIndexedJobEnv } from './indexed-job-env';
import { clusterFromJobSetEnv } from './jobset-env';

const isCoded = (message: RegExp) => (err: unknown) =>
  isTfscaleError(err, 'TFSCALE_E_CLUSTER_INVALID') && message.test(err.message);

describe('distribute/cluster Indexed Job env', () => {
  const pattern = { TFSCALE_HOST_PATTERN: 'train-{index}.train-svc:7000', TFSCALE_WORLD_SIZE: '3' };

  it('pattern + world size: rank = JOB_COMPLETION_INDEX, peers from the headless service', () => {
    const spec = clusterFromIndexedJobEnv({ ...pattern, JOB_COMPLETION_INDEX: '2' })!;
    assert.equal(spec.source, 'indexed-job');
    assert.deepEqual(spec.self, { type: 'worker', index: 2 });
    assert.deepEqual(spec.ranks.peers, ['train-0.train-svc:7000', 'train-1.train-svc:7000', 'train-2.train-svc:7000']);
    assert.equal(spec.ranks.rank, 2);
    assert.equal(spec.ranks.isChief, false);
    assert.equal(clusterFromIndexedJobEnv({ ...pattern, JOB_COMPLETION_INDEX: '0' })!.ranks.isChief, true);
  });

  it('a comma list works too, with spaces trimmed', () => {
    const spec = clusterFromIndexedJobEnv({ TFSCALE_HOSTS: 'a:1, b:1', JOB_COMPLETION_INDEX: '1' })!;
    assert.deepEqual(spec.ranks.peers, ['a:1', 'b:1']);
    assert.equal(spec.ranks.rank, 1);
  });

  it('is not a cluster without a host list (a plain indexed batch job)', () => {
    assert.equal(clusterFromIndexedJobEnv({ JOB_COMPLETION_INDEX: '4' }), undefined);
    assert.equal(clusterFromIndexedJobEnv({}), undefined);
    assert.equal(clusterFromIndexedJobEnv({ JOB_COMPLETION_INDEX: '0', TFSCALE_WORLD_SIZE: '1' }), undefined);
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    [
      'pattern without world size',
      { TFSCALE_HOST_PATTERN: 't-{index}:1', JOB_COMPLETION_INDEX: '0' },
      /`TFSCALE_WORLD_SIZE`/,
    ],
    [
      'pattern without {index}',
      { TFSCALE_HOST_PATTERN: 't:1', TFSCALE_WORLD_SIZE: '2', JOB_COMPLETION_INDEX: '0' },
      /`TFSCALE_HOST_PATTERN`.*\{index\}/,
    ],
    ['hosts but no index', { TFSCALE_HOSTS: 'a:1,b:1' }, /`JOB_COMPLETION_INDEX`[\s\S]*completionMode: Indexed/],
    [
      'index beyond the world',
      { ...pattern, JOB_COMPLETION_INDEX: '3' },
      /`JOB_COMPLETION_INDEX`.*below 3[\s\S]*completions/,
    ],
    [
      'world size > 1 with no peers',
      { TFSCALE_WORLD_SIZE: '4', JOB_COMPLETION_INDEX: '0' },
      /`TFSCALE_HOST_PATTERN`.*TFSCALE_WORLD_SIZE=4/,
    ],
    [
      'list length ≠ world size',
      { TFSCALE_HOSTS: 'a:1,b:1', TFSCALE_WORLD_SIZE: '3', JOB_COMPLETION_INDEX: '0' },
      /`TFSCALE_HOSTS`.*3 addresses/,
    ],
    [
      'both a list and a pattern',
      { ...pattern, TFSCALE_HOSTS: 'a:1', JOB_COMPLETION_INDEX: '0' },
      /`TFSCALE_HOST_PATTERN`.*unset/,
    ],
    ['an empty host', { TFSCALE_HOSTS: 'a:1,,c:1', JOB_COMPLETION_INDEX: '0' }, /`TFSCALE_HOSTS\[1\]`/],
    ['a non-numeric index', { ...pattern, JOB_COMPLETION_INDEX: 'one' }, /`JOB_COMPLETION_INDEX`.*integer >= 0/],
  ];
  for (const [name, env, message] of invalid) {
    it(`refuses ${name}`, () => assert.throws(() => clusterFromIndexedJobEnv(env), isCoded(message)));
  }
});

describe('distribute/cluster JobSet env', () => {
  const base = { JOBSET_NAME: 'train', REPLICATED_JOB_NAME: 'workers' };

  it('one pod per Job: rank = JOB_INDEX, FQDN <jobset>-<rjob>-<job>-<pod>.<jobset>:2222', () => {
    const spec = clusterFromJobSetEnv({
      ...base,
      REPLICATED_JOB_REPLICAS: '3',
      JOB_INDEX: '1',
      JOB_COMPLETION_INDEX: '0',
    })!;
    assert.equal(spec.source, 'jobset');
    assert.equal(spec.ranks.rank, 1);
    assert.deepEqual(spec.ranks.peers, [
      'train-workers-0-0.train:2222',
      'train-workers-1-0.train:2222',
      'train-workers-2-0.train:2222',
    ]);
  });

  it('several pods per Job: rank = JOB_INDEX × podsPerJob + JOB_COMPLETION_INDEX', () => {
    const env = {
      ...base,
      REPLICATED_JOB_REPLICAS: '2',
      TFSCALE_WORLD_SIZE: '4',
      TFSCALE_SUBDOMAIN: 'net',
      TFSCALE_PORT: '7000',
    };
    const spec = clusterFromJobSetEnv({ ...env, JOB_INDEX: '1', JOB_COMPLETION_INDEX: '1' })!;
    assert.equal(spec.ranks.rank, 3);
    assert.equal(spec.ranks.worldSize, 4);
    assert.deepEqual(spec.ranks.peers, [
      'train-workers-0-0.net:7000',
      'train-workers-0-1.net:7000',
      'train-workers-1-0.net:7000',
      'train-workers-1-1.net:7000',
    ]);
    assert.equal(clusterFromJobSetEnv({ ...env, JOB_INDEX: '0', JOB_COMPLETION_INDEX: '0' })!.ranks.isChief, true);
  });

  it('an explicit host pattern replaces the generated names', () => {
    const spec = clusterFromJobSetEnv({
      ...base,
      TFSCALE_HOST_PATTERN: 'p-{index}:1',
      TFSCALE_WORLD_SIZE: '2',
      JOB_COMPLETION_INDEX: '1',
    })!;
    assert.deepEqual(spec.ranks.peers, ['p-0:1', 'p-1:1']);
    assert.equal(spec.ranks.rank, 1);
  });

  it('is not a JobSet without JOBSET_NAME', () => {
    assert.equal(clusterFromJobSetEnv({ JOB_COMPLETION_INDEX: '0', REPLICATED_JOB_NAME: 'w' }), undefined);
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['no replicated job name', { JOBSET_NAME: 'train' }, /`REPLICATED_JOB_NAME`[\s\S]*downward API/],
    ['no job index with several Jobs', { ...base, REPLICATED_JOB_REPLICAS: '2' }, /`JOB_INDEX`[\s\S]*job-index/],
    [
      'job index beyond the replicas',
      { ...base, REPLICATED_JOB_REPLICAS: '2', JOB_INDEX: '2' },
      /`JOB_INDEX`.*below REPLICATED_JOB_REPLICAS=2/,
    ],
    [
      'world size not a multiple',
      { ...base, REPLICATED_JOB_REPLICAS: '2', TFSCALE_WORLD_SIZE: '3', JOB_INDEX: '0' },
      /`TFSCALE_WORLD_SIZE`.*multiple/,
    ],
    ['pod index beyond pods per Job', { ...base, JOB_COMPLETION_INDEX: '1' }, /`JOB_COMPLETION_INDEX`.*below 1/],
  ];
  for (const [name, env, message] of invalid) {
    it(`refuses ${name}`, () => assert.throws(() => clusterFromJobSetEnv(env), isCoded(message)));
  }
});
