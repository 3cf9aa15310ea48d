import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTfscaleError } from '@tfscale/sdk';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { parseAllDocuments } from 'yaml';
import { KSERVE_SCHEMA_FILE } from './kserve-schema';
import { servingManifests } from './serving-manifests';
import { validateServingManifests } from './validate-serving';

const parseYaml = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
const kubectlVersion = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = kubectlVersion.status === 0;

const CASES = [
  { flavor: 'tfscale', modelPath: '/srv/models/mnist' },
  { flavor: 'tfscale', modelPath: 's3://bucket/models/mnist' },
  { flavor: 'tf-serving', modelPath: 'pvc://models/mnist' },
  {
    flavor: 'tf-serving',
    modelPath: 'gs://bucket/mnist',
    options: { replicas: '3', gpu: '1', serviceType: 'NodePort' },
  },
  { flavor: 'kserve', modelPath: 'gs://bucket/mnist' },
  { flavor: 'kserve', modelPath: 'pvc://models/mnist', options: { kservePredictor: 'tensorflow', namespace: 'ml' } },
] as const;

function build(c: (typeof CASES)[number]) {
  const extra = 'options' in c ? c.options : {};
  return servingManifests({ modelPath: c.modelPath, modelName: 'mnist', options: { flavor: c.flavor, ...extra } });
}

describe('plugin-kubernetes/serving-manifests', () => {
  it('every flavor and model source gives objects valid against the Kubernetes and KServe schemas', () => {
    for (const c of CASES) {
      const { objects, spec } = build(c);
      assert.deepEqual(validateServingManifests(objects), [], `${c.flavor} ${c.modelPath}`);
      const kinds = objects.map((o) => o.kind);
      assert.deepEqual(kinds, c.flavor === 'kserve' ? ['InferenceService'] : ['Service', 'Deployment']);
      assert.equal(spec.flavor, c.flavor);
    }
  });

  it('runs the right server with the model where it reads it', () => {
    const tfscale = build(CASES[0]).objects[1] as IDeployment;
    const pod = tfscale.spec!.template.spec!;
    const c = pod.containers[0];
    assert.deepEqual(c.command, ['tfscale']);
    assert.deepEqual(c.args?.slice(0, 7), [
      'serve',
      '--model_name',
      'mnist',
      '--model_base_path',
      '/models/mnist',
      '--host',
      '0.0.0.0',
    ]);
    assert.equal(c.readinessProbe?.httpGet?.path, '/v2/health/ready');
    assert.equal(c.livenessProbe?.httpGet?.path, '/v2/health/live');
    assert.deepEqual(pod.volumes, [{ name: 'model', hostPath: { path: '/srv/models/mnist', type: 'Directory' } }]);
    assert.ok(pod.terminationGracePeriodSeconds! >= 30, 'grace period covers the server drain');

    const uri = build(CASES[1]).objects[1] as typeof tfscale;
    const init = uri.spec!.template.spec!.initContainers![0];
    assert.deepEqual(init.args, ['s3://bucket/models/mnist', '/models/mnist']);
    assert.deepEqual(uri.spec!.template.spec!.volumes, [{ name: 'model', emptyDir: {} }]);

    const tfs = build(CASES[3]).objects[1] as typeof tfscale;
    const server = tfs.spec!.template.spec!.containers[0];
    assert.match(server.image!, /^tensorflow\/serving:/);
    assert.ok(server.args!.includes('--model_base_path=/models/mnist'));
    assert.equal(server.readinessProbe?.httpGet?.path, '/v1/models/mnist');
    assert.equal(tfs.spec!.replicas, 3);
    assert.equal(server.resources?.limits?.['nvidia.com/gpu'], 1);

    const pvc = build(CASES[2]).objects[1] as typeof tfscale;
    assert.deepEqual(pvc.spec!.template.spec!.volumes, [
      { name: 'model', persistentVolumeClaim: { claimName: 'models', readOnly: true } },
    ]);
    assert.equal(pvc.spec!.template.spec!.containers[0].volumeMounts![0].subPath, 'mnist');
  });

  it('KServe: modelFormat tensorflow with the storage URI, or the tensorflow predictor', () => {
    const [isvc] = build(CASES[4]).objects as unknown as [{ spec: { predictor: Record<string, unknown> } }];
    assert.deepEqual(isvc.spec.predictor.model, {
      modelFormat: { name: 'tensorflow' },
      storageUri: 'gs://bucket/mnist',
      protocolVersion: 'v1',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
    });
    const [tf] = build(CASES[5]).objects as unknown as [
      { metadata: { namespace: string }; spec: { predictor: Record<string, unknown> } },
    ];
    assert.equal((tf.spec.predictor.tensorflow as { storageUri: string }).storageUri, 'pvc://models/mnist');
    assert.equal(tf.metadata.namespace, 'ml');
    assert.throws(
      () => servingManifests({ modelPath: '/srv/models/mnist', modelName: 'mnist', options: { flavor: 'kserve' } }),
      (e: unknown) => isTfscaleError(e) && /storage URI/.test(e.message) && /pvc=/.test(e.hint ?? ''),
    );
  });

  it('the schemas and rules catch broken objects', () => {
    const kserve = structuredClone(build(CASES[4]).objects[0]) as unknown as {
      spec: { predictor: Record<string, unknown> & { model: Record<string, unknown> } };
    };
    kserve.spec.predictor.minReplicas = 'two';
    kserve.spec.predictor.modle = {};
    kserve.spec.predictor.model.modelFormat = { version: '2' };
    kserve.spec.predictor.model.env = [{ name: 'A' }, { name: 'A' }];
    kserve.spec.predictor.model.livenessProbe = { httpGet: { port: 'http', path: 3 } };
    const issues = validateServingManifests([kserve]).map((i) => `${i.path}: ${i.message}`);
    for (const expected of [
      /^\/spec\/predictor: has unknown field "modle"/,
      /^\/spec\/predictor\/minReplicas: must be integer/,
      /^\/spec\/predictor\/model\/modelFormat: must have required property 'name'/,
      /^\/spec\/predictor\/model\/env: has two entries with the same name/,
      // Trimmed in the KServe schema, caught by the Kubernetes Container schema.
      /^\/spec\/predictor\/model\/livenessProbe\/httpGet\/path: must be string/,
    ]) {
      assert.ok(
        issues.some((i) => expected.test(i)),
        `${expected} not in\n${issues.join('\n')}`,
      );
    }
    const [service, deployment] = structuredClone(build(CASES[0]).objects) as unknown as [
      { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } },
      {
        spec: {
          template: {
            spec: {
              volumes: unknown[];
              containers: { readinessProbe: { httpGet: { port: string } }; volumeMounts: unknown[] }[];
            };
          };
        };
      },
    ];
    service.spec.ports[0].targetPort = 'rest';
    deployment.spec.template.spec.volumes = [];
    deployment.spec.template.spec.containers[0].readinessProbe.httpGet.port = 'web';
    const rules = validateServingManifests([service, deployment]).map((i) => `${i.object} ${i.path}: ${i.message}`);
    deployment.spec.template.spec.containers[0].volumeMounts = [];
    rules.push(...validateServingManifests([service, deployment]).map((i) => i.message));
    assert.ok(
      rules.some((r) => /Service\/mnist \/spec\/ports\/0\/targetPort: names port "rest"/.test(r)),
      rules.join('\n'),
    );
    assert.ok(rules.some((r) => /mounts volume "model"/.test(r)));
    assert.ok(rules.some((r) => /reads the model from \/models\/mnist/.test(r)));
    assert.ok(rules.some((r) => /readinessProbe: uses port "web"/.test(r)));
    service.spec.selector = { app: 'other' };
    assert.ok(
      validateServingManifests([service, deployment]).some((i) => /matches the pods of no Deployment/.test(i.message)),
    );
  });

  it('options from the CLI are strings; bad ones are coded errors naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ flavor: 'seldon' }, /`flavor`/],
      [{ replicas: 'many' }, /`replicas`/],
      [{ restApiPort: '8500' }, /`grpcPort`/],
      [{ pvc: 'models', hostPath: '/srv' }, /`hostPath`/],
      [{ hostPath: 'relative/dir' }, /absolute path/],
      [{ serviceType: 'Ingress' }, /`serviceType`/],
    ];
    for (const [options, message] of bad) {
      assert.throws(
        () => servingManifests({ modelPath: 's3://b/m', modelName: 'mnist', options }),
        (e: unknown) => isTfscaleError(e) && e.code === 'TFSCALE_E_INVALID_VALUE' && message.test(e.message),
        JSON.stringify(options),
      );
    }
    assert.throws(
      () => servingManifests({ modelPath: 's3://b/m', modelName: '9lives' }),
      (e: unknown) => isTfscaleError(e) && /--option name=/.test(e.hint ?? ''),
    );
    assert.equal(servingManifests({ modelPath: 's3://b/m', modelName: 'my_model' }).spec.name, 'my-model');
  });

  it('YAML holds exactly the objects, as kubectl reads them', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-k8s-serving-'));
    try {
      for (const c of CASES) {
        const { objects, yaml } = build(c);
        assert.deepEqual(parseYaml(yaml), objects);
        if (!hasKubectl) continue;
        // kubectl's own decoder, offline (--local), one document at a time (it prints several
        // objects without separators): it reads our objects, plus the label it adds.
        const read = yaml.split(/^---\n/m).map((doc) => {
          const file = path.join(dir, 'object.yaml');
          fs.writeFileSync(file, doc);
          const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'tfscale-check=1', '-o', 'json'], {
            encoding: 'utf8',
          });
          assert.equal(r.status, 0, r.stderr);
          const o = JSON.parse(r.stdout);
          delete o.metadata.labels['tfscale-check'];
          return o;
        });
        assert.deepEqual(read, JSON.parse(JSON.stringify(objects)), `${c.flavor} ${c.modelPath}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (!hasKubectl) {
      console.log('      (kubectl not installed: its read of the YAML skipped)');
      this.skip();
    }
  });

  it('ships the KServe schema with its source and licence', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', KSERVE_SCHEMA_FILE), 'utf8');
    assert.match(text, /kserve\/kserve/);
    assert.match(text, /commit [0-9a-f]{40}/);
    assert.match(text, /Apache-2\.0/);
  });
});
