import assert from 'node:assert/strict';
import { isTfscaleError } from '@tfscale/sdk';
import { indexedJobManifests } from './indexed-job';
import { validateTrainingManifests } from './validate-manifests';

const spec = { name: 'mnist', image: 'registry/mnist:1', runFile: 'tfscale.json', workers: 3 };

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

describe('plugin-kubernetes/indexed-job', () => {
  const { job, service } = indexedJobManifests({ ...spec, namespace: 'ml', env: { TF_CPP_MIN_LOG_LEVEL: '2' } });

  it('an Indexed Job with completions = parallelism = workers, pods under a headless Service', () => {
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.spec!.completionMode, 'Indexed');
    assert.equal(job.spec!.completions, 3);
    assert.equal(job.spec!.parallelism, 3);
    const pod = job.spec!.template.spec!;
    assert.equal(pod.subdomain, 'mnist-svc');
    assert.equal(pod.restartPolicy, 'OnFailure');
    assert.deepEqual(pod.containers[0]!.env, [
      { name: 'TFSCALE_HOST_PATTERN', value: 'mnist-{index}.mnist-svc:2222' },
      { name: 'TFSCALE_WORLD_SIZE', value: '3' },
      { name: 'TF_CPP_MIN_LOG_LEVEL', value: '2' },
    ]);
    assert.equal(service.metadata!.name, 'mnist-svc');
    assert.equal(service.metadata!.namespace, 'ml');
    assert.equal(service.spec!.clusterIP, 'None');
    assert.equal(service.spec!.publishNotReadyAddresses, true);
    for (const [k, v] of Object.entries(service.spec!.selector!))
      assert.equal(job.spec!.template.metadata!.labels![k], v);
    assert.deepEqual(validateTrainingManifests([service, job]), []);
  });

  // Edits of the Job, or of the Service when the pointer starts with "service:".
  const C = '/spec/template/spec/containers/0';
  const broken: [string, [string, unknown][], RegExp][] = [
    [
      'completionMode missing',
      [['/spec/completionMode', undefined]],
      /Job\/mnist \/spec\/completionMode: must be "Indexed"/,
    ],
    [
      'completionMode NonIndexed (schema-valid)',
      [['/spec/completionMode', 'NonIndexed']],
      /\/spec\/completionMode: must be "Indexed"/,
    ],
    [
      'completionMode misspelt (schema enum)',
      [['/spec/completionMode', 'indexed']],
      /\/spec\/completionMode: must be equal to one of the allowed values \("Indexed", "NonIndexed"\)/,
    ],
    ['parallelism below completions', [['/spec/parallelism', 2]], /\/spec\/parallelism: must equal completions/],
    ['completions not an integer', [['/spec/completions', '3']], /\/spec\/completions: must be integer/],
    [
      'restartPolicy Always',
      [['/spec/template/spec/restartPolicy', 'Always']],
      /restartPolicy: must be "OnFailure" or "Never"/,
    ],
    [
      'subdomain not the Service',
      [['/spec/template/spec/subdomain', 'other']],
      /subdomain: names no Service deployed with the Job/,
    ],
    [
      'Service not headless',
      [['service:/spec/clusterIP', '10.0.0.1']],
      /Service\/mnist-svc \/spec\/clusterIP: must be "None"/,
    ],
    [
      'selector not matching the pods',
      [['service:/spec/selector', { app: 'x' }]],
      /\/spec\/selector: must be non-empty and match/,
    ],
    [
      'not-ready addresses unpublished',
      [['service:/spec/publishNotReadyAddresses', undefined]],
      /publishNotReadyAddresses: must be true/,
    ],
    [
      'world size ≠ completions',
      [
        ['/spec/completions', 4],
        ['/spec/parallelism', 4],
      ],
      /must set TFSCALE_WORLD_SIZE=4/,
    ],
    [
      'host pattern with another port',
      [[`${C}/env/0/value`, 'mnist-{index}.mnist-svc:7000']],
      /must set TFSCALE_HOST_PATTERN="mnist-\{index\}\.mnist-svc:<a container port>"/,
    ],
    [
      'container without a name (schema)',
      [[`${C}/name`, undefined]],
      /containers\/0: must have required property name/,
    ],
  ];
  for (const [name, edits, message] of broken) {
    it(`validation fails for ${name}`, () => {
      const onService = edits.filter(([p]) => p.startsWith('service:')).map(([p, v]) => [p.slice(8), v] as const);
      const onJob = edits.filter(([p]) => !p.startsWith('service:'));
      const issues = validateTrainingManifests([edited(service, onService), edited(job, onJob)]);
      assert.ok(issues.length > 0, 'no issue reported');
      assert.match(issues.map((i) => `${i.object} ${i.path}: ${i.message}`).join('\n'), message);
    });
  }

  it('a Job alone fails: its subdomain names no Service', () => {
    assert.match(validateTrainingManifests([job])[0]!.message, /names no Service/);
  });

  it('refuses TFJob-only settings', () => {
    for (const change of [{ ps: 1 }, { chief: true }, { restartPolicy: 'ExitCode' as const }]) {
      assert.throws(
        () => indexedJobManifests({ ...spec, ...change }),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'),
      );
    }
  });
});
