import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import {
  type ClusterJobs,
  collectiveLeader,
  idInCluster,
  isChief,
  validateClusterJobs,
  workerCount,
} from './multi-worker-util';

// Expected values are those of TF 2.21's multi_worker_util on the same clusters (tf-config.test.ts
// checks the shared examples against Python TensorFlow itself).
describe('distribute/cluster/multi-worker-util', () => {
  const withChief: ClusterJobs = { chief: ['c:1'], worker: ['w0:1', 'w1:1', 'w2:1'], ps: ['p0:1'], evaluator: ['e:1'] };
  const workersOnly: ClusterJobs = { worker: ['w0:1', 'w1:1'] };

  it('worker_count: chief + workers; the evaluator is a cluster of its own', () => {
    assert.equal(workerCount(withChief, { type: 'chief', index: 0 }), 4);
    assert.equal(workerCount(withChief, { type: 'worker', index: 2 }), 4);
    assert.equal(workerCount(workersOnly, { type: 'worker', index: 0 }), 2);
    assert.equal(workerCount(withChief, { type: 'evaluator', index: 0 }), 1);
  });

  it('id_in_cluster: chief 0, worker i → i + len(chief), evaluator → its index', () => {
    assert.equal(idInCluster(withChief, { type: 'chief', index: 0 }), 0);
    assert.deepEqual(
      [0, 1, 2].map((index) => idInCluster(withChief, { type: 'worker', index })),
      [1, 2, 3],
    );
    assert.deepEqual(
      [0, 1].map((index) => idInCluster(workersOnly, { type: 'worker', index })),
      [0, 1],
    );
    assert.equal(idInCluster(withChief, { type: 'evaluator', index: 0 }), 0);
  });

  it('is_chief: the chief, the evaluator, or worker 0 only when there is no chief', () => {
    assert.equal(isChief(withChief, { type: 'chief', index: 0 }), true);
    assert.equal(isChief(withChief, { type: 'worker', index: 0 }), false);
    assert.equal(isChief(withChief, { type: 'ps', index: 0 }), false);
    assert.equal(isChief(withChief, { type: 'evaluator', index: 0 }), true);
    assert.equal(isChief(workersOnly, { type: 'worker', index: 0 }), true);
    assert.equal(isChief(workersOnly, { type: 'worker', index: 1 }), false);
  });

  it('collective_leader: chief:0, else worker:0, none for the evaluator', () => {
    assert.deepEqual(collectiveLeader(withChief, { type: 'worker', index: 1 }), { type: 'chief', index: 0 });
    assert.deepEqual(collectiveLeader(workersOnly, { type: 'worker', index: 1 }), { type: 'worker', index: 0 });
    assert.equal(collectiveLeader(withChief, { type: 'evaluator', index: 0 }), undefined);
  });

  it('a ps task has no worker count or id, as in TF (which raises ValueError)', () => {
    assert.throws(() => workerCount(withChief, { type: 'ps', index: 0 }), { code: 'TFSCALE_E_CLUSTER_INVALID' });
    assert.throws(
      () => idInCluster(withChief, { type: 'ps', index: 0 }),
      /ps task is not part of a MultiWorkerMirrored/,
    );
  });

  it('an evaluator may be absent from the cluster (TF allows it for Estimator)', () => {
    const self = { type: 'evaluator', index: 0 } as const;
    assert.doesNotThrow(() => validateClusterJobs(workersOnly, self));
    assert.equal(isChief(workersOnly, self), true);
  });

  const invalid: [string, ClusterJobs, { type: string; index: number }, RegExp][] = [
    ['two chiefs', { chief: ['a:1', 'b:1'] }, { type: 'chief', index: 0 }, /`cluster\.chief`.*at most one chief/],
    [
      'two evaluators',
      { worker: ['w:1'], evaluator: ['a:1', 'b:1'] },
      { type: 'worker', index: 0 },
      /at most one evaluator/,
    ],
    [
      'index out of range',
      workersOnly,
      { type: 'worker', index: 2 },
      /`task\.index`.*below 2 \(cluster\.worker has 2\)/,
    ],
    [
      'task type not in the cluster',
      workersOnly,
      { type: 'ps', index: 0 },
      /`task\.type`.*a job of the cluster \(worker\)/,
    ],
    [
      'unknown task type',
      workersOnly,
      { type: 'master', index: 0 },
      /`task\.type`.*one of chief, worker, ps, evaluator/,
    ],
    ['negative index', workersOnly, { type: 'worker', index: -1 }, /`task\.index`.*integer >= 0/],
    ['empty job', { worker: ['w:1'], ps: [] }, { type: 'worker', index: 0 }, /`cluster\.ps`.*non-empty list/],
    ['no chief nor worker', { ps: ['p:1'] }, { type: 'ps', index: 0 }, /a `chief` or a `worker` job/],
    [
      'duplicate address',
      { chief: ['h:1'], worker: ['h:1'] },
      { type: 'chief', index: 0 },
      /cluster\.worker\[0\].*cluster\.chief\[0\] has it/,
    ],
    ['address with spaces', { worker: ['h :1'] }, { type: 'worker', index: 0 }, /`cluster\.worker\[0\]`/],
  ];
  for (const [name, jobs, self, message] of invalid) {
    it(`refuses ${name} with TFSCALE_E_CLUSTER_INVALID naming the part`, () => {
      assert.throws(
        () => validateClusterJobs(jobs, self as never),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_CLUSTER_INVALID') && message.test(err.message),
      );
    });
  }
});
