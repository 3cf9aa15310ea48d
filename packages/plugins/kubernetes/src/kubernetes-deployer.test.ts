import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTfscaleError } from '@tfscale/sdk';
import { describeDeployerConformance } from '@tfscale/sdk/testing';
import type { ClusterDeployment } from './cluster-deployment';
import { KubernetesDeployer, kubernetesDeployerFactory } from './kubernetes-deployer';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-k8s-deployer-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeDeployerConformance('kubernetes (manifests only)', () => kubernetesDeployerFactory, {
  options: { apply: 'never', out: path.join(tmp, 'conformance') },
  makeSpec: () => ({ modelPath: 's3://bucket/models/tiny', modelName: 'tiny' }),
});

interface Call {
  argv: string[];
  stdin: string;
}

/**
 * A stand-in kubectl that records each call and answers as kubectl does for a cluster where
 * the rollout succeeds (or, with `failRollout`, times out). It checks our use of the kubectl
 * CLI; the manifests themselves are checked against the schemas and real kubectl elsewhere.
 */
function stubKubectl(
  name: string,
  behaviour: { context?: string; failRollout?: boolean },
): { bin: string; calls: () => Call[] } {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'calls.jsonl');
  const bin = path.join(dir, 'kubectl');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const argv = process.argv.slice(2);
const stdin = fs.readFileSync(0, 'utf8');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv, stdin }) + '\\n');
const b = ${JSON.stringify(behaviour)};
const has = (...words) => words.every((w) => argv.includes(w));
const out = (s, code = 0) => { process.stdout.write(s); process.exit(code); };
if (has('config', 'current-context')) b.context ? out(b.context + '\\n') : (process.stderr.write('error: current-context is not set\\n'), process.exit(1));
if (has('config', 'view')) out('serving');
if (has('apply')) out('service/mnist created\\ndeployment.apps/mnist created\\n');
if (has('rollout', 'status')) b.failRollout ? (process.stderr.write('error: timed out waiting for the condition\\n'), process.exit(1)) : out('deployment "mnist" successfully rolled out\\n');
if (has('wait')) out('inferenceservice.serving.kserve.io/mnist condition met\\n');
if (has('get', 'deployment')) out(JSON.stringify({ spec: { replicas: 2 }, status: { readyReplicas: 2, updatedReplicas: 2 } }));
if (has('get', 'inferenceservice') && argv.some((a) => a.startsWith('jsonpath'))) out('http://mnist.serving.example.com');
if (has('get', 'inferenceservice')) out(JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }));
if (has('delete')) out('deployment.apps "mnist" deleted\\n');
process.stderr.write('stub: unexpected ' + argv.join(' ') + '\\n');
process.exit(2);
`;
  fs.writeFileSync(bin, script, { mode: 0o755 });
  const calls = () =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Call)
      : [];
  return { bin, calls };
}

describe('plugin-kubernetes/kubernetes-deployer', () => {
  it('without a cluster, writes the validated manifests and says how to apply them', async () => {
    const { bin } = stubKubectl('no-context', {});
    const out = path.join(tmp, 'no-context-out');
    const deployment = await new KubernetesDeployer({ kubectl: bin }).deploy({
      modelPath: 's3://bucket/mnist',
      modelName: 'mnist',
      options: { out, flavor: 'tf-serving' },
    });
    const file = path.join(out, 'manifests.yaml');
    assert.match(fs.readFileSync(file, 'utf8'), /kind: Deployment/);
    const status = await deployment.status();
    assert.equal(status.state, 'starting');
    assert.equal(status.message, `manifests written to ${file}; apply with: kubectl apply -f ${file}`);
    assert.ok(deployment.notes?.some((n) => n.includes('kubectl port-forward svc/mnist 8501:8501')));
    await deployment.stop();
    assert.equal((await deployment.status()).state, 'stopped');
    assert.ok(fs.existsSync(file), 'stop() keeps the files');

    await assert.rejects(
      new KubernetesDeployer({ kubectl: path.join(tmp, 'missing-kubectl'), apply: 'always' }).deploy({
        modelPath: 's3://bucket/mnist',
        modelName: 'mnist',
        options: { out },
      }),
      (e: unknown) => isTfscaleError(e) && e.code === 'TFSCALE_E_DEPLOY_TARGET_UNREACHABLE',
    );
  });

  it('with a current context: apply, wait for the rollout, status from the Deployment, stop deletes', async () => {
    const stub = stubKubectl('apply', { context: 'kind-dev' });
    const out = path.join(tmp, 'apply-out');
    const deployment = (await new KubernetesDeployer({ kubectl: stub.bin }).deploy({
      modelPath: 'pvc://models/mnist',
      modelName: 'mnist',
      options: { out, replicas: '2' },
    })) as ClusterDeployment;
    const yaml = fs.readFileSync(path.join(out, 'manifests.yaml'), 'utf8');
    const apply = stub.calls().find((c) => c.argv.includes('apply'))!;
    assert.deepEqual(apply.argv, ['apply', '-n', 'serving', '-f', '-']);
    assert.equal(apply.stdin, yaml, 'applies exactly the written manifests');
    assert.ok(
      stub.calls().some((c) => c.argv.join(' ') === 'rollout status deployment/mnist -n serving --timeout=300s'),
    );
    assert.equal(deployment.url, 'http://mnist.serving.svc.cluster.local:8501');
    assert.equal(deployment.grpcAddress, 'mnist.serving.svc.cluster.local:8500');
    assert.deepEqual(await deployment.status(), { state: 'ready', message: '2/2 replicas ready' });
    await deployment.stop();
    await deployment.stop();
    const deletes = stub.calls().filter((c) => c.argv[0] === 'delete');
    assert.equal(deletes.length, 1, 'stop() is idempotent');
    assert.equal(deletes[0].stdin, yaml);
    assert.equal((await deployment.status()).state, 'stopped');
  });

  it('KServe: waits for Ready and takes the URL from the InferenceService status', async () => {
    const stub = stubKubectl('kserve', { context: 'kind-dev' });
    const deployment = (await new KubernetesDeployer({ kubectl: stub.bin }).deploy({
      modelPath: 'gs://bucket/mnist',
      modelName: 'mnist',
      options: { out: path.join(tmp, 'kserve-out'), flavor: 'kserve' },
    })) as ClusterDeployment;
    assert.ok(
      stub.calls().some((c) => c.argv.slice(0, 3).join(' ') === 'wait --for=condition=Ready inferenceservice/mnist'),
    );
    assert.equal(deployment.url, 'http://mnist.serving.example.com');
    assert.equal((await deployment.status()).state, 'ready');
    await deployment.stop();
  });

  it('a rollout that does not finish is TFSCALE_E_DEPLOY_START_FAILED with kubectl’s reason', async () => {
    const stub = stubKubectl('stuck', { context: 'kind-dev', failRollout: true });
    await assert.rejects(
      new KubernetesDeployer({ kubectl: stub.bin, timeoutSeconds: 5 }).deploy({
        modelPath: 'pvc://models/mnist',
        modelName: 'mnist',
        options: { out: path.join(tmp, 'stuck-out') },
      }),
      (e: unknown) =>
        isTfscaleError(e) &&
        e.code === 'TFSCALE_E_DEPLOY_START_FAILED' &&
        /timed out waiting/.test(e.message) &&
        /kubectl describe deployment\/mnist/.test(e.hint ?? ''),
    );
  });
});
