import assert from 'node:assert/strict';
import * as sdk from '@tfscale/sdk';
import { parseAllDocuments } from 'yaml';
import { generateTrainingManifests } from './generate-training-manifests';
import type { TfJob } from './tfjob';

const spec = {
  name: 'mnist',
  image: 'registry/mnist:1',
  runFile: 'tfscale.json',
  strategy: 'multi-worker-mirrored',
  workers: 3,
};
const parseYaml = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());

// The resolver is reached through the public API only; until the SDK root exports the cluster
// module these round trips skip.
interface Resolved {
  ranks: { rank?: number; worldSize: number; peers: string[] };
}
const resolveCluster = (sdk as Record<string, unknown>).resolveCluster as
  | ((options: { env: Record<string, string> }) => Resolved | undefined)
  | undefined;

/** TF_CONFIG as the training operator builds it (genClusterSpec in release-1.9's tensorflow.go). */
function operatorTfConfig(job: TfJob, type: string, index: number): string {
  const cluster: Record<string, string[]> = {};
  for (const [replicaType, replica] of Object.entries(job.spec.tfReplicaSpecs)) {
    const rt = replicaType.toLowerCase();
    const port = replica!.template.spec!.containers[0]!.ports!.find((p) => p.name === 'tfjob-port')!.containerPort;
    cluster[rt] = Array.from(
      { length: replica!.replicas },
      (_, i) => `${job.metadata.name}-${rt}-${i}.default.svc:${port}`,
    );
  }
  return JSON.stringify({ cluster, task: { type, index }, environment: 'cloud' });
}

describe('plugin-kubernetes/generate-training-manifests', () => {
  it('defaults to an Indexed Job (Service first) and to a TFJob with ps', () => {
    const plain = generateTrainingManifests(spec);
    assert.equal(plain.target, 'indexed-job');
    assert.deepEqual(
      plain.objects.map((o) => (o as { kind: string }).kind),
      ['Service', 'Job'],
    );
    const ps = generateTrainingManifests({ ...spec, ps: 1 });
    assert.equal(ps.target, 'tfjob');
    assert.equal(generateTrainingManifests({ ...spec, target: 'tfjob' }).target, 'tfjob');
  });

  it('YAML holds exactly the objects, one document each, in YAML 1.1 as kubectl reads it', () => {
    for (const target of ['tfjob', 'indexed-job'] as const) {
      const { objects, yaml } = generateTrainingManifests({ ...spec, target, env: { FLAG: 'yes', MODE: '0777' } });
      assert.deepEqual(parseYaml(yaml), objects);
      assert.ok(!/[&*]a\d/.test(yaml), 'no anchors or aliases');
    }
    const { yaml } = generateTrainingManifests({ ...spec, env: { FLAG: 'on' } });
    assert.match(yaml, /value: "on"/);
    assert.match(yaml, /value: "3"/);
  });

  it('an unknown target is refused', () => {
    assert.throws(() => generateTrainingManifests({ ...spec, target: 'pod' as never }), {
      code: 'TFSCALE_E_INVALID_VALUE',
    });
  });

  it('each Indexed Job pod resolves to its rank and the right peers in the SDK', function () {
    if (!resolveCluster) this.skip();
    const { objects } = generateTrainingManifests(spec);
    const env = (
      objects[1] as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } }
    ).spec.template.spec.containers[0]!.env;
    for (let index = 0; index < 3; index++) {
      const vars: Record<string, string> = { JOB_COMPLETION_INDEX: String(index) };
      for (const e of env) vars[e.name] = e.value;
      const cluster: Resolved = resolveCluster!({ env: vars })!;
      assert.equal(cluster.ranks.rank, index);
      assert.deepEqual(cluster.ranks.peers, [
        'mnist-0.mnist-svc:2222',
        'mnist-1.mnist-svc:2222',
        'mnist-2.mnist-svc:2222',
      ]);
    }
  });

  it('the TF_CONFIG the operator injects for the TFJob resolves to chief-first ranks in the SDK', function () {
    if (!resolveCluster) this.skip();
    const job = generateTrainingManifests({ ...spec, target: 'tfjob', chief: true }).objects[0] as TfJob;
    const rank = (type: string, index: number) =>
      resolveCluster!({ env: { TF_CONFIG: operatorTfConfig(job, type, index) } })!.ranks;
    assert.equal(rank('chief', 0).rank, 0);
    assert.equal(rank('worker', 2).rank, 3);
    assert.equal(rank('worker', 2).worldSize, 4);
  });
});
