// Shared TF_CONFIG cases of tf-config.test.ts and tf-config-tensorflow.test.ts (no tests here);
// named *.test.ts so that it stays out of the published package.

/** A TF_CONFIG and what TF's multi_worker_util says about its task (rank = id_in_cluster). */
export interface Example {
  readonly name: string;
  readonly tfConfig: Record<string, unknown>;
  readonly expected: { worldSize: number; rank: number | undefined; isChief: boolean; leader: string };
}

const guide = {
  chief: ['host0:2222'],
  worker: ['host1:2222', 'host2:2222', 'host3:2222'],
  ps: ['host4:2222', 'host5:2222'],
  evaluator: ['host6:2222'],
};
const kubeflow = (n: number) => Array.from({ length: n }, (_, i) => `mnist-worker-${i}.default.svc:2222`);
const ex = (
  name: string,
  tfConfig: Record<string, unknown>,
  worldSize: number,
  rank: number | undefined,
  isChief: boolean,
  leader: string,
): Example => ({
  name,
  tfConfig,
  expected: { worldSize, rank, isChief, leader },
});
const CHIEF = '/job:chief/replica:0/task:0';
const WORKER0 = '/job:worker/replica:0/task:0';

// Sources: TF distributed-training guide (chief/worker/ps/evaluator example), the MWMS tutorial
// (workers only), Kubeflow TFJob (environment "cloud", svc addresses), AI Platform (extra keys,
// master), SageMaker (MWMS workers on 8890; PS mode with master + a ps per host).
export const EXAMPLES: Example[] = [
  ex(
    'guide: worker 1 of chief + 3 workers + ps + evaluator',
    { cluster: guide, task: { type: 'worker', index: 1 } },
    4,
    2,
    false,
    CHIEF,
  ),
  ex('guide: the chief', { cluster: guide, task: { type: 'chief', index: 0 } }, 4, 0, true, CHIEF),
  ex(
    'guide: worker 0 is not chief when a chief exists',
    { cluster: guide, task: { type: 'worker', index: 0 } },
    4,
    1,
    false,
    CHIEF,
  ),
  ex('guide: a ps task', { cluster: guide, task: { type: 'ps', index: 1 } }, 4, undefined, false, CHIEF),
  ex(
    'guide: the evaluator is its own chief',
    { cluster: guide, task: { type: 'evaluator', index: 0 } },
    4,
    undefined,
    true,
    '',
  ),
  ex(
    'tutorial: worker 0 of workers only is chief',
    { cluster: { worker: ['localhost:12345', 'localhost:23456'] }, task: { type: 'worker', index: 0 } },
    2,
    0,
    true,
    WORKER0,
  ),
  ex(
    'tutorial: worker 1 of workers only',
    { cluster: { worker: ['localhost:12345', 'localhost:23456'] }, task: { type: 'worker', index: 1 } },
    2,
    1,
    false,
    WORKER0,
  ),
  ex(
    'single-worker cluster',
    { cluster: { worker: ['localhost:12345'] }, task: { type: 'worker', index: 0 } },
    1,
    0,
    true,
    WORKER0,
  ),
  ex(
    'kubeflow TFJob worker 3 with environment',
    { cluster: { worker: kubeflow(4) }, task: { type: 'worker', index: 3 }, environment: 'cloud' },
    4,
    3,
    false,
    WORKER0,
  ),
  ex(
    'evaluator outside the cluster (Estimator)',
    { cluster: { chief: ['c:2222'], worker: ['w:2222'] }, task: { type: 'evaluator', index: 0 } },
    2,
    undefined,
    true,
    '',
  ),
  ex(
    'extra keys ignored, rpc_layer kept',
    {
      cluster: { chief: ['c:2222'], worker: ['w:2222'] },
      task: { type: 'worker', index: 0, trial: '1', cloud: 'x' },
      job: { region: 'us' },
      environment: 'cloud',
      rpc_layer: 'grpc',
    },
    2,
    1,
    false,
    CHIEF,
  ),
  ex(
    'index as a string (TF reads it with int())',
    { cluster: { worker: ['a:2222', 'b:2222'] }, task: { type: 'worker', index: '1' } },
    2,
    1,
    false,
    WORKER0,
  ),
  ex(
    'sparse job form {index: address}',
    { cluster: { worker: { 1: 'b:2222', 0: 'a:2222' } }, task: { type: 'worker', index: 1 } },
    2,
    1,
    false,
    WORKER0,
  ),
  ex(
    'sagemaker MWMS: all hosts workers on 8890',
    { cluster: { worker: ['algo-1:8890', 'algo-2:8890'] }, task: { type: 'worker', index: 1 } },
    2,
    1,
    false,
    WORKER0,
  ),
  // `master` is TF 1's chief; TF 2.21's validator only knows `chief`, so TF sees it renamed.
  ex(
    'legacy master is the chief',
    { cluster: { master: ['m:2222'], worker: ['w0:2222', 'w1:2222'] }, task: { type: 'master', index: 0 } },
    3,
    0,
    true,
    CHIEF,
  ),
  ex(
    'worker beside a legacy master',
    { cluster: { master: ['m:2222'], worker: ['w0:2222', 'w1:2222'] }, task: { type: 'worker', index: 1 } },
    3,
    2,
    false,
    CHIEF,
  ),
  ex(
    'sagemaker PS mode: a ps',
    {
      cluster: { master: ['algo-1:2222'], ps: ['algo-1:2223', 'algo-2:2223'], worker: ['algo-2:2222'] },
      task: { type: 'ps', index: 1 },
    },
    2,
    undefined,
    false,
    CHIEF,
  ),
];

/** Invalid TF_CONFIGs; `tf: true` when TF 2.21 also refuses it (the rest are our stricter checks). */
export const INVALID: { name: string; text: string; code: string; message: RegExp; tf: boolean }[] = [
  {
    name: 'two chiefs',
    text: '{"cluster":{"chief":["a:1","b:1"]},"task":{"type":"chief","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster\.chief`.*at most one chief/,
    tf: true,
  },
  {
    name: 'two evaluators',
    text: '{"cluster":{"worker":["w:1"],"evaluator":["a:1","b:1"]},"task":{"type":"worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster\.evaluator`/,
    tf: true,
  },
  {
    name: 'index out of range',
    text: '{"cluster":{"worker":["a:1","b:1"]},"task":{"type":"worker","index":2}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.task\.index`.*below 2/,
    tf: true,
  },
  {
    name: 'unknown job name',
    text: '{"cluster":{"workers":["a:1"]},"task":{"type":"worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster\.workers`[\s\S]*Did you mean "worker"/,
    tf: true,
  },
  {
    name: 'task type in capitals',
    text: '{"cluster":{"worker":["a:1"]},"task":{"type":"Worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.task\.type`[\s\S]*Did you mean "worker"/,
    tf: true,
  },
  {
    name: 'task type absent from the cluster',
    text: '{"cluster":{"worker":["a:1"]},"task":{"type":"ps","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.task\.type`/,
    tf: true,
  },
  {
    name: 'address not a string',
    text: '{"cluster":{"worker":["a:1",3]},"task":{"type":"worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster\.worker\[1\]`/,
    tf: true,
  },
  {
    name: 'task without index',
    text: '{"cluster":{"worker":["a:1"]},"task":{"type":"worker"}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.task\.index`/,
    tf: true,
  },
  {
    name: 'not JSON',
    text: "{cluster: {worker: ['a:1']}}",
    code: 'CLUSTER_NOT_JSON',
    message: /`TF_CONFIG` is not valid JSON/,
    tf: false,
  },
  {
    name: 'cluster without task',
    text: '{"cluster":{"worker":["a:1","b:1"]}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.task`/,
    tf: false,
  },
  {
    name: 'cluster as a list',
    text: '{"cluster":["a:1"],"task":{"type":"worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster`/,
    tf: false,
  },
  {
    name: 'chief and master together',
    text: '{"cluster":{"chief":["a:1"],"master":["b:1"]},"task":{"type":"chief","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster\.master`.*no second chief/,
    tf: false,
  },
  {
    name: 'sparse job with a gap',
    text: '{"cluster":{"worker":{"1":"b:1"}},"task":{"type":"worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /index 0 is missing/,
    tf: false,
  },
  {
    name: 'Kubeflow sparseCluster only',
    text: '{"sparseCluster":{"worker":{"1":"b:1"},"ps":["p:1"]},"task":{"type":"worker","index":1}}',
    code: 'CLUSTER_INVALID',
    message: /enableDynamicWorker/,
    tf: false,
  },
  {
    name: 'fractional index',
    text: '{"cluster":{"worker":["a:1","b:1"]},"task":{"type":"worker","index":1.5}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.task\.index`/,
    tf: false,
  },
  {
    name: 'duplicate address',
    text: '{"cluster":{"worker":["a:1","a:1"]},"task":{"type":"worker","index":0}}',
    code: 'CLUSTER_INVALID',
    message: /`TF_CONFIG\.cluster\.worker\[1\]`/,
    tf: false,
  },
];
