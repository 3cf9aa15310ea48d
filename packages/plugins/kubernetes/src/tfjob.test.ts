import assert from 'node:assert/strict';
import { isTfscaleError } from '@tfscale/sdk';
import { tfJobManifest } from './tfjob';
import { tfJobIssues } from './tfjob-rules';

const spec = { name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', workers: 4 };

/** A copy of `value` with each JSON pointer set (or, for `undefined`, deleted). */
function edited<T>(value: T, edits: readonly (readonly [string, unknown])[]): T {
  const copy = structuredClone(value);
  for (const [pointer, to] of edits) {
    const keys = pointer.split('/').slice(1);
    const last = keys.pop()!;
    let node = copy as Record<string, unknown>;
    for (const key of keys) node = node[key] as Record<string, unknown>;
    if (to === undefined) delete node[last];
    else node[last] = to;
  }
  return copy;
}

describe('plugin-kubernetes/tfjob', () => {
  it('MWMS: Worker × N with the "tensorflow" container, tfjob-port 2222 and tfscale train', () => {
    const job = tfJobManifest({ ...spec, namespace: 'ml', resources: { limits: { 'nvidia.com/gpu': 1 } } });
    assert.equal(job.apiVersion, 'kubeflow.org/v1');
    assert.equal(job.kind, 'TFJob');
    assert.deepEqual(job.metadata.namespace, 'ml');
    assert.deepEqual(Object.keys(job.spec.tfReplicaSpecs), ['Worker']);
    const worker = job.spec.tfReplicaSpecs.Worker!;
    assert.equal(worker.replicas, 4);
    assert.equal(worker.restartPolicy, 'OnFailure');
    const [container] = worker.template.spec!.containers;
    assert.equal(container!.name, 'tensorflow');
    assert.deepEqual(container!.command, [
      'npx',
      'tfscale',
      'train',
      'tfscale.json',
      '--strategy',
      'multi-worker-mirrored',
    ]);
    assert.deepEqual(container!.ports, [{ name: 'tfjob-port', containerPort: 2222, protocol: 'TCP' }]);
    assert.deepEqual(container!.resources, { limits: { 'nvidia.com/gpu': 1 } });
    assert.equal(container!.env, undefined, 'the operator sets TF_CONFIG itself');
    assert.deepEqual(job.spec.runPolicy, { cleanPodPolicy: 'Running', backoffLimit: 3 });
    assert.deepEqual(tfJobIssues(job), []);
  });

  it('parameter servers: Chief (coordinator) + Worker + PS restarting Always, strategy parameter-server', () => {
    const job = tfJobManifest({ ...spec, workers: 2, ps: 2, restartPolicy: 'ExitCode' });
    const replicas = job.spec.tfReplicaSpecs;
    assert.deepEqual(Object.keys(replicas), ['Chief', 'Worker', 'PS']);
    assert.deepEqual(
      Object.values(replicas).map((r) => [r!.replicas, r!.restartPolicy]),
      [
        [1, 'ExitCode'],
        [2, 'ExitCode'],
        [2, 'Always'],
      ],
    );
    assert.equal(replicas.PS!.template.spec!.containers[0]!.command!.at(-1), 'parameter-server');
    assert.deepEqual(tfJobIssues(job), []);
    assert.deepEqual(Object.keys(tfJobManifest({ ...spec, chief: true }).spec.tfReplicaSpecs), ['Chief', 'Worker']);
  });

  it('objects share nothing: editing one label leaves the others', () => {
    const job = tfJobManifest(spec);
    job.metadata.labels!.x = 'y';
    assert.equal(job.spec.tfReplicaSpecs.Worker!.template.metadata!.labels!.x, undefined);
  });

  const job = tfJobManifest({ ...spec, ps: 1 });
  const W = '/spec/tfReplicaSpecs/Worker';
  const broken: [string, [string, unknown][], RegExp][] = [
    [
      'container not named tensorflow',
      [[`${W}/template/spec/containers/0/name`, 'trainer']],
      /Worker\/template\/spec\/containers: must include a container named "tensorflow"/,
    ],
    [
      'no image',
      [['/spec/tfReplicaSpecs/PS/template/spec/containers/0/image', undefined]],
      /PS\/template\/spec\/containers\/0\/image: must be set/,
    ],
    ['two chiefs', [['/spec/tfReplicaSpecs/Chief/replicas', 2]], /Chief\/replicas: must be at most 1/],
    [
      'Chief and Master',
      [['/spec/tfReplicaSpecs/Master', job.spec.tfReplicaSpecs.Chief]],
      /must not have both Chief and Master/,
    ],
    [
      'unknown replica type',
      [['/spec/tfReplicaSpecs/Workers', job.spec.tfReplicaSpecs.Worker]],
      /Workers: is not a replica type/,
    ],
    ['bad restart policy', [[`${W}/restartPolicy`, 'Sometimes']], /Worker\/restartPolicy: must be one of/],
    ['replicas not an integer', [[`${W}/replicas`, '4']], /Worker\/replicas: must be an integer/],
    ['a typo in a spec field', [['/spec/runPolcy', {}]], /\/spec\/runPolcy: is not a TFJob field/],
    [
      'bad cleanPodPolicy',
      [['/spec/runPolicy/cleanPodPolicy', 'Some']],
      /cleanPodPolicy: must be one of All, Running, None/,
    ],
    ['dynamic workers (sparse TF_CONFIG)', [['/spec/enableDynamicWorker', true]], /enableDynamicWorker: must be false/],
    [
      'pod template against the Kubernetes schema',
      [[`${W}/template/spec/containers/0/ports/0/containerPort`, '2222']],
      /Worker\/template\/spec\/containers\/0\/ports\/0\/containerPort: must be integer/,
    ],
    ['name not a DNS-1035 label', [['/metadata/name', 'MNIST_1']], /metadata\/name: must be a DNS-1035 label/],
    ['wrong apiVersion', [['/apiVersion', 'kubeflow.org/v1beta2']], /apiVersion: must be "kubeflow.org\/v1"/],
    ['no replica specs', [['/spec/tfReplicaSpecs', {}]], /tfReplicaSpecs: must map replica types/],
  ];
  for (const [name, edits, message] of broken) {
    it(`validation fails for ${name}`, () => {
      const issues = tfJobIssues(edited(job, edits));
      assert.ok(issues.length > 0, 'no issue reported');
      assert.match(issues.map((i) => `${i.object} ${i.path}: ${i.message}`).join('\n'), message);
    });
  }

  const badSpecs: [string, object, RegExp][] = [
    ['upper-case name', { name: 'MNIST' }, /`name`.*DNS-1035/],
    ['name too long for pod names', { name: `m${'x'.repeat(60)}` }, /`name`.*at most 54 characters/],
    ['no workers', { workers: 0 }, /`workers`.*>= 1/],
    ['negative ps', { ps: -1 }, /`ps`/],
    ['TF_CONFIG set by hand', { env: { TF_CONFIG: '{}' } }, /`env\.TF_CONFIG`.*not set by hand/],
    ['a port out of range', { port: 70000 }, /`port`/],
    ['an empty image', { image: ' ' }, /`image`/],
  ];
  for (const [name, change, message] of badSpecs) {
    it(`refuses a spec with ${name} (TFSCALE_E_INVALID_VALUE)`, () => {
      assert.throws(
        () => tfJobManifest({ ...spec, ...change }),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && message.test(err.message),
      );
    });
  }
});
