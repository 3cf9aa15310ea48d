import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { idInCluster, workerCount } from './multi-worker-util';
import { parseTfConfigValue } from './tf-config';
import { EXAMPLES, INVALID } from './tf-config-cases.test';

// The same examples through TensorFlow's own TFConfigClusterResolver + multi_worker_util.
describe('distribute/cluster/tf-config agrees with TensorFlow (Python)', () => {
  const repo = path.resolve(__dirname, '..', '..', '..', '..', '..');
  const python = process.env.TFSCALE_PYTHON ?? path.join(repo, '.venv', 'bin', 'python');

  it('TF 2.21 gives the same rank, worker count, chief and leader, and refuses the same configs', function () {
    if (!fs.existsSync(python)) {
      if (process.env.CI === 'true') throw new Error(`CI: no Python at ${python}`);
      this.skip();
    }
    const tfView = (c: Record<string, unknown>) => JSON.parse(JSON.stringify(c).replaceAll('"master"', '"chief"'));
    const cases = [
      ...EXAMPLES.map((e) => tfView(e.tfConfig)),
      ...INVALID.filter((b) => b.tf).map((b) => JSON.parse(b.text)),
    ];
    const run = spawnSync(python, ['-c', TF_SCRIPT], {
      input: JSON.stringify(cases),
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const answers = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>[];
    EXAMPLES.forEach((example, i) => {
      const tf = answers[i]!;
      const self = parseTfConfigValue(example.tfConfig).task!;
      assert.equal(tf.error, undefined, example.name);
      assert.equal(tf.is_chief, example.expected.isChief, example.name);
      assert.equal(tf.leader ?? '', example.expected.leader, example.name);
      if (self.type === 'chief' || self.type === 'worker') {
        assert.equal(tf.id_in_cluster, example.expected.rank, example.name);
        assert.equal(tf.worker_count, example.expected.worldSize, example.name);
      }
      if (self.type === 'evaluator') {
        const jobs = parseTfConfigValue(example.tfConfig).cluster;
        assert.equal(tf.id_in_cluster, idInCluster(jobs, self), example.name);
        if (tf.worker_count !== null) assert.equal(tf.worker_count, workerCount(jobs, self), example.name);
      }
    });
    const refusedByTf = INVALID.filter((b) => b.tf);
    for (const [i, tf] of answers.slice(EXAMPLES.length).entries()) {
      assert.ok(tf.error, `TF accepted ${refusedByTf[i]!.name}`);
    }
  });
});

const TF_SCRIPT = `
import json, os, sys
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
from tensorflow.python.distribute import multi_worker_util as m
from tensorflow.python.distribute.cluster_resolver import TFConfigClusterResolver
out = []
for case in json.load(sys.stdin):
    os.environ['TF_CONFIG'] = json.dumps(case)
    r = TFConfigClusterResolver()
    try:
        spec = r.cluster_spec()
        t, i = r.task_type, r.task_id
        m._validate_cluster_spec(spec, t, i)
        res = {'is_chief': m.is_chief(spec, t, i), 'leader': m.collective_leader(spec, t, i)}
        if t in ('chief', 'worker', 'evaluator'):
            res['id_in_cluster'] = m.id_in_cluster(spec, t, i)
            res['worker_count'] = m.worker_count(spec, t) if t != 'evaluator' or 'evaluator' in spec.jobs else None
        out.append(res)
    except Exception as e:
        out.append({'error': '%s: %s' % (type(e).__name__, e)})
print(json.dumps(out))
`;
