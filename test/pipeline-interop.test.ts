import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSdkContainer } from '@tfscale/sdk';
import {
  type Artifact,
  applyTransform,
  definePipeline,
  ExampleGen,
  type ExampleRecord,
  featureValues,
  readSplit,
  readStatistics,
  readTransform,
  runPipeline,
  SchemaGen,
  StatisticsGen,
  splitFile,
  Transform,
} from '@tfscale/sdk/pipeline';
import { interopPython } from './support/python';

const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'test', 'interop', 'pipeline_examples.py');
const IRIS = path.join(repo, 'examples', 'pipeline', 'data', 'iris.csv');
const IRIS_SPEC = {
  sepal_length: 'float',
  sepal_width: 'float',
  petal_length: 'float',
  petal_width: 'float',
  species: 'bytes',
};
let python = '';
let tmp = '';

function py<T>(...args: string[]): T {
  const r = spawnSync(python, [script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** Runs ExampleGen (and StatisticsGen) on `input`; returns their output artifacts. */
async function ingest(input: string, root: string, splits?: Array<{ name: string; hashBuckets: number }>) {
  const gen = ExampleGen({}, { input, ...(splits ? { splits } : {}) });
  const stats = StatisticsGen({ examples: gen.outputs.examples }, {});
  const result = await runPipeline(definePipeline({ name: 'interop', root, components: [gen, stats] }), {
    container: createSdkContainer(),
  });
  assert.ok(result.ok, JSON.stringify(result.nodes));
  return { examples: result.nodes[0]!.outputs.examples! as Artifact, statistics: result.nodes[1]!.outputs.statistics! };
}

const plain = (ex: ExampleRecord) => Object.fromEntries(Object.entries(ex).map(([k, f]) => [k, featureValues(f)]));

describe('pipeline: tf.Example interop with TensorFlow, statistics against numpy', function () {
  this.timeout(120_000);
  before(function () {
    const found = interopPython();
    if (!found.path) this.skip();
    python = found.path!;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pipeline-interop-'));
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it('ExampleGen writes tf.Examples that tf.data + tf.io.parse_example read back with the CSV values', async () => {
    const { examples } = await ingest(IRIS, path.join(tmp, 'a'));
    fs.writeFileSync(path.join(tmp, 'iris-spec.json'), JSON.stringify(IRIS_SPEC));
    const rows: Array<Record<string, Array<number | string>>> = [];
    for (const split of ['train', 'eval']) {
      rows.push(...py<typeof rows>('read', splitFile(examples.uri, split), path.join(tmp, 'iris-spec.json')));
    }
    const [header, ...lines] = fs.readFileSync(IRIS, 'utf8').trim().split('\n');
    const names = header!.split(',');
    const expected = lines.map((l) =>
      l.split(',').map((v, i) => (names[i] === 'species' ? v : Math.fround(Number(v)))),
    );
    const got = rows.map((r) => names.map((n) => r[n]![0]!));
    const key = (r: Array<number | string>) => JSON.stringify(r);
    assert.equal(got.length, 150);
    assert.deepEqual(got.map(key).sort(), expected.map(key).sort());
    // Hash buckets 2:1 put every record in exactly one split, roughly two thirds in train.
    const train = examples.properties.counts as Record<string, number>;
    assert.equal(train.train! + train.eval!, 150);
    assert.ok(train.train! > 80 && train.train! < 120, JSON.stringify(train));
  });

  it('ExampleGen ingests TFRecord files TensorFlow wrote (float, int64 past 2^32, UTF-8, empty and absent features)', async () => {
    const file = path.join(tmp, 'python.tfrecord');
    const written = py<Array<Record<string, [string, Array<number | string>]>>>('write', file);
    const { examples } = await ingest(file, path.join(tmp, 'b'), [{ name: 'all', hashBuckets: 1 }]);
    const got: ExampleRecord[] = [];
    for await (const ex of readSplit(examples, 'all')) got.push(ex);
    const expected = written.map((r) => Object.fromEntries(Object.entries(r).map(([k, [, v]]) => [k, v])));
    const kinds = written.map((r) => Object.fromEntries(Object.entries(r).map(([k, [kind]]) => [k, kind])));
    const key = (r: object) => JSON.stringify(Object.entries(r).sort());
    assert.deepEqual(got.map(plain).map(key).sort(), expected.map(key).sort());
    assert.deepEqual(
      got
        .map((ex) => Object.fromEntries(Object.entries(ex).map(([k, f]) => [k, f.kind])))
        .map(key)
        .sort(),
      kinds.map(key).sort(),
    );
  });

  it('StatisticsGen equals numpy on the same records to 1e-9 (mean, std, min, max, quantiles, histogram, top values)', async () => {
    const { examples, statistics } = await ingest(IRIS, path.join(tmp, 'c'));
    fs.writeFileSync(path.join(tmp, 'iris-spec.json'), JSON.stringify(IRIS_SPEC));
    interface Ref {
      num_examples: number;
      features: Record<string, Record<string, number | number[] | Array<[string, number]>>>;
    }
    for (const split of ['train', 'eval']) {
      const ref = py<Ref>('stats', splitFile(examples.uri, split), path.join(tmp, 'iris-spec.json'));
      const ours = await readStatistics(statistics, split);
      assert.equal(ours.numExamples, ref.num_examples);
      for (const f of ours.features) {
        const r = ref.features[f.name]!;
        assert.equal(f.count, r.count, f.name);
        assert.equal(f.missing, r.missing, f.name);
        if (f.string) {
          assert.equal(f.string.unique, r.unique);
          assert.deepEqual(
            f.string.topValues.slice(0, 5).map((t) => [t.value, t.frequency]),
            r.top,
          );
          continue;
        }
        const n = f.numeric!;
        for (const k of ['mean', 'std', 'min', 'max'] as const) {
          assert.ok(Math.abs(n[k] - (r[k] as number)) <= 1e-9, `${split}/${f.name}.${k}: ${n[k]} vs ${r[k]}`);
        }
        assert.equal(n.zeros, r.zeros);
        for (const [i, q] of (r.quantiles as number[]).entries()) {
          assert.ok(Math.abs(n.quantiles[i]! - q) <= 1e-9, `${split}/${f.name} q${i}: ${n.quantiles[i]} vs ${q}`);
        }
        assert.deepEqual(
          n.histogram.map((b) => b.count),
          r.histogram,
          `${split}/${f.name} histogram`,
        );
        for (const [i, e] of (r.edges as number[]).entries()) {
          assert.ok(Math.abs((i < 10 ? n.histogram[i]!.low : n.histogram[9]!.high) - e) <= 1e-9);
        }
      }
    }
    const html = fs.readFileSync(path.join(statistics.uri, 'report.html'), 'utf8');
    assert.match(html, /<svg /);
    assert.doesNotMatch(html, /<script|https?:\/\//);
  });

  it('Transform fits on the training split as numpy does (quantile buckets, min-max, vocabulary, z-score) and applies one-hot blocks', async () => {
    const gen = ExampleGen({}, { input: IRIS });
    const stats = StatisticsGen({ examples: gen.outputs.examples }, {});
    const schema = SchemaGen({ statistics: stats.outputs.statistics }, {});
    const transform = Transform(
      { examples: gen.outputs.examples, schema: schema.outputs.schema },
      {
        features: {
          sepal_length: { op: 'bucketize', numBuckets: 4 },
          petal_length: { op: 'minmax' },
          species: { op: 'vocabulary' },
          sepal_width: { op: 'zscore' },
        },
        label: 'species',
      },
    );
    const result = await runPipeline(
      definePipeline({ name: 'transform', root: path.join(tmp, 'd'), components: [gen, stats, schema, transform] }),
      { container: createSdkContainer() },
    );
    assert.ok(result.ok, JSON.stringify(result.nodes));
    const examples = result.nodes[0]!.outputs.examples!;
    const fn = await readTransform(result.nodes[3]!.outputs.transformGraph!);
    fs.writeFileSync(path.join(tmp, 'iris-spec.json'), JSON.stringify(IRIS_SPEC));
    const train = splitFile(examples.uri, 'train');
    const boundaries = py<number[]>(
      'quantiles',
      train,
      path.join(tmp, 'iris-spec.json'),
      'sepal_length',
      '0.25,0.5,0.75',
    );
    const ref = py<{ features: Record<string, { min: number; max: number; top: Array<[string, number]> }> }>(
      'stats',
      train,
      path.join(tmp, 'iris-spec.json'),
    );
    const byName = Object.fromEntries(fn.features.map((f) => [f.name, f]));
    const bucketize = byName.sepal_length as { boundaries: number[] };
    assert.equal(bucketize.boundaries.length, 3);
    for (const [i, b] of boundaries.entries()) assert.ok(Math.abs(bucketize.boundaries[i]! - b) <= 1e-9);
    const minmax = byName.petal_length as { min: number; max: number };
    assert.equal(minmax.min, ref.features.petal_length!.min);
    assert.equal(minmax.max, ref.features.petal_length!.max);
    assert.deepEqual(
      (byName.species as { vocabulary: string[] }).vocabulary,
      ref.features.species!.top.map(([v]) => v),
    );
    assert.deepEqual(fn.label?.vocabulary, ['Iris-setosa', 'Iris-versicolor', 'Iris-virginica']);
    assert.equal(fn.outputDim, 4 + 1 + 4 + 1);
    for await (const ex of readSplit(examples, 'eval')) {
      const v = applyTransform(fn, ex);
      const sum = (a: number, b: number) => v.slice(a, b).reduce((s, x) => s + x, 0);
      assert.deepEqual([sum(0, 4), sum(5, 9)], [1, 1]);
      const len = featureValues(ex.sepal_length!)[0] as number;
      assert.equal(v.slice(0, 4).indexOf(1), boundaries.filter((b) => len >= b).length);
    }
  });
});
