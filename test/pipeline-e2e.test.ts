import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createSdkContainer,
  type RunningModelServer,
  servingRuntimeRegistry,
  silentLogger,
  singleModelConfig,
  startModelServer,
} from '@tfscale/sdk';
import { featureValues, MetadataStore, readSplit, splitNames } from '@tfscale/sdk/pipeline';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages', 'sdk', 'dist', 'cli', 'main.js');
const pipelineFile = path.join(repo, 'examples', 'dist', 'pipeline', 'pipeline.js');
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'petal_size'];

/** `tfscale pipeline run` on the example with env overrides; the summary's last line and timing. */
function runExample(root: string, env: Record<string, string>): { summary: string; seconds: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, 'pipeline', 'run', pipelineFile, '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, PIPELINE_ROOT: root, ...env },
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return { summary: r.stdout.trim().split('\n').at(-1)!, seconds: (Date.now() - t0) / 1000 };
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function json(url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Resolves once `version` of the served model is AVAILABLE (the server polls the base path). */
async function untilAvailable(base: string, version: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await json(`${base}/versions/${version}`).catch(() => undefined);
    const states = (r?.body.model_version_status as Array<{ state: string }> | undefined) ?? [];
    if (states.some((s) => s.state === 'AVAILABLE')) return;
    if (Date.now() > deadline) throw new Error(`version ${version} not AVAILABLE: ${JSON.stringify(r?.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('examples/pipeline: Iris end to end (tfscale pipeline run → serve)', function () {
  this.timeout(600_000);
  let tmp = '';
  let server: RunningModelServer | undefined;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pipeline-e2e-'));
  });
  after(async () => {
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('trains, evaluates, blesses and pushes; a running server answers; reruns are cached; one changed parameter reruns only what depends on it', async () => {
    const root = path.join(tmp, 'root');
    const cold = runExample(root, { EPOCHS: '40' });
    assert.match(cold.summary, /^OK in .*: 8 executed, 0 cached, 0 failed, 0 skipped/);
    console.log(`    cold run: ${cold.seconds.toFixed(1)} s`);

    const servingBase = path.join(root, 'serving', 'iris');
    assert.deepEqual(fs.readdirSync(servingBase), ['1']);
    server = await startModelServer({
      config: singleModelConfig('iris', servingBase),
      runtimes: servingRuntimeRegistry(createSdkContainer()),
      host: '127.0.0.1',
      restApiPort: await freePort(),
      grpcPort: 0,
      fileSystemPollWaitSeconds: 0.2,
      logger: silentLogger,
    });
    const base = `http://127.0.0.1:${server.rest!.port}/v1/models/iris`;
    await untilAvailable(base, 1);

    // The served SavedModel takes the raw features by name (the fitted z-scores, buckets and the
    // petal_size vocabulary run in its graph) and classifies the eval split exactly as well as the
    // Evaluator measured with the TF.js export on applyTransform's vectors.
    const store = MetadataStore.open(path.join(root, 'metadata.sqlite'));
    try {
      const examples = store.latestArtifact('Examples')!;
      assert.deepEqual(splitNames(examples), ['train', 'eval']);
      const evaluation = store.latestArtifact('ModelEvaluation')!;
      const classes = store.latestArtifact('TransformGraph')!.properties.classes as string[];
      const instances: Array<Record<string, number | string>> = [];
      const labels: number[] = [];
      for await (const ex of readSplit({ ...examples, properties: examples.properties }, 'eval')) {
        instances.push(Object.fromEntries(FEATURES.map((f) => [f, featureValues(ex[f]!)[0] as number | string])));
        labels.push(classes.indexOf(featureValues(ex.species!)[0] as string));
      }
      const predicted = await json(`${base}:predict`, { instances });
      assert.equal(predicted.status, 200, JSON.stringify(predicted.body));
      const probs = predicted.body.predictions as number[][];
      const correct = probs.filter((p, i) => p.indexOf(Math.max(...p)) === labels[i]).length;
      assert.equal(correct / labels.length, evaluation.properties.accuracy);
      assert.ok((evaluation.properties.accuracy as number) >= 0.8);
    } finally {
      store.close();
    }

    const cached = runExample(root, { EPOCHS: '40' });
    assert.match(cached.summary, /: 0 executed, 8 cached, 0 failed, 0 skipped/);
    console.log(`    cached rerun: ${cached.seconds.toFixed(1)} s`);

    const changed = runExample(root, { EPOCHS: '50' });
    assert.match(changed.summary, /: 3 executed, 5 cached, 0 failed, 0 skipped/);
    const after = MetadataStore.open(path.join(root, 'metadata.sqlite'));
    try {
      const last = after.executions().slice(-8);
      assert.deepEqual(
        last.filter((e) => e.state === 'COMPLETE').map((e) => e.nodeId),
        ['Trainer', 'Evaluator', 'Pusher'],
      );
      const pushed = after.latestArtifact('PushedModel', (a) => a.properties.pushed === true)!;
      assert.equal(pushed.properties.version, 2);
      // Lineage: the model now serving was trained on the committed CSV (plus the derived column).
      const data = after.upstream(pushed.id, 'Examples');
      assert.deepEqual(
        data.map((a) => a.properties.source),
        [path.join(root, 'data', 'iris-with-petal-size.csv')],
      );
      assert.equal(after.upstream(pushed.id, 'Model').length, 1);
    } finally {
      after.close();
    }
    await untilAvailable(base, 2);
    const status = await json(base);
    const versions = (status.body.model_version_status as Array<{ version: string; state: string }>).filter(
      (s) => s.state === 'AVAILABLE',
    );
    assert.deepEqual(
      versions.map((s) => s.version),
      ['2'],
    );
    // The second model was compared with the first (the last blessed one).
    const check = MetadataStore.open(path.join(root, 'metadata.sqlite'));
    const blessing = check.latestArtifact('ModelBlessing')!;
    check.close();
    assert.equal(blessing.properties.blessed, true);
    assert.match(String(blessing.properties.baseline_model_uri), /Trainer\/model\//);
    assert.notEqual(blessing.properties.baseline_model_uri, blessing.properties.model_uri);

    // An unmet threshold: Evaluator and Pusher rerun, nothing is blessed or pushed.
    const strict = runExample(root, { EPOCHS: '50', MIN_ACCURACY: '1.01' });
    assert.match(strict.summary, /: 2 executed, 6 cached, 0 failed, 0 skipped/);
    assert.deepEqual(fs.readdirSync(servingBase).sort(), ['1', '2']);
    const refused = MetadataStore.open(path.join(root, 'metadata.sqlite'));
    assert.equal(refused.latestArtifact('ModelBlessing')!.properties.blessed, false);
    assert.equal(refused.latestArtifact('PushedModel')!.properties.pushed, false);
    refused.close();

    const v2 = await json(`${base}/versions/2:predict`, {
      instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, petal_size: 'small' }],
    });
    assert.equal(v2.status, 200);
    const p = (v2.body.predictions as number[][])[0]!;
    assert.equal(p.length, 3);
    assert.equal(p.indexOf(Math.max(...p)), 0, 'a textbook setosa');
  });
});
