import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSdkContainer, type TfscaleError } from '@tfscale/sdk';
import {
  type AnomalyKind,
  defineComponent,
  definePipeline,
  ExampleGen,
  ExampleValidator,
  MetadataStore,
  type OutputRef,
  pipelineComponentRegistry,
  readAnomalies,
  runPipeline,
  SchemaGen,
  StatisticsGen,
} from '@tfscale/sdk/pipeline';

const repo = path.resolve(__dirname, '..', '..');
const IRIS = path.join(repo, 'examples', 'pipeline', 'data', 'iris.csv');

// A custom component, as a plugin would ship one: writes its parameter (and its input's) to a file.
const Step = defineComponent<{ label: string; fail?: boolean; waitMs?: number }>({
  type: 'Step',
  inputs: { input: 'Examples' },
  optionalInputs: ['input'],
  outputs: { output: 'Examples' },
  async run(ctx) {
    if (ctx.params.waitMs) await new Promise((r) => setTimeout(r, ctx.params.waitMs));
    if (ctx.params.fail) throw new Error(`${ctx.params.label} failed on purpose`);
    const upstream = ctx.inputs.input ? fs.readFileSync(path.join(ctx.inputs.input.uri, 'value'), 'utf8') : '';
    fs.writeFileSync(path.join(ctx.outputs.output!.uri, 'value'), `${upstream}/${ctx.params.label}`);
  },
});

describe('pipeline runner: parallelism, failure isolation, resume, custom components', function () {
  this.timeout(120_000);
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pipeline-runner-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const build = (failC: boolean) => {
    const src = Step({}, { label: 'src' }, { id: 'src' });
    const a = Step({ input: src.outputs.output }, { label: 'a', waitMs: 400 }, { id: 'a' });
    const b = Step({ input: src.outputs.output }, { label: 'b', waitMs: 400 }, { id: 'b' });
    const c = Step({ input: a.outputs.output }, { label: 'c', fail: failC }, { id: 'c' });
    const d = Step({ input: c.outputs.output }, { label: 'd' }, { id: 'd' });
    const e = Step({ input: b.outputs.output }, { label: 'e' }, { id: 'e' });
    return definePipeline({ name: 'steps', root: path.join(tmp, 'steps'), components: [e, d, c, b, a, src] });
  };

  it('runs independent nodes in parallel, stops only the failed node’s dependants, and resumes from the cache', async () => {
    const first = await runPipeline(build(true), { container: createSdkContainer() });
    const state = Object.fromEntries(first.nodes.map((n) => [n.id, n.state]));
    assert.deepEqual(state, {
      src: 'COMPLETE',
      a: 'COMPLETE',
      b: 'COMPLETE',
      c: 'FAILED',
      d: 'SKIPPED',
      e: 'COMPLETE',
    });
    assert.equal(first.ok, false);
    assert.match(first.nodes.find((n) => n.id === 'c')!.error!, /c failed on purpose/);
    const store = MetadataStore.open(path.join(tmp, 'steps', 'metadata.sqlite'));
    const runs = store.executions(first.runId);
    const [ea, eb] = ['a', 'b'].map((id) => runs.find((r) => r.nodeId === id)!);
    assert.ok(ea!.startTime < eb!.endTime! && eb!.startTime < ea!.endTime!, 'a and b overlapped');
    assert.equal(runs.find((r) => r.nodeId === 'c')!.state, 'FAILED');
    store.close();

    const second = await runPipeline(build(false), { container: createSdkContainer() });
    const again = Object.fromEntries(second.nodes.map((n) => [n.id, n.state]));
    assert.deepEqual(again, { src: 'CACHED', a: 'CACHED', b: 'CACHED', c: 'COMPLETE', d: 'COMPLETE', e: 'CACHED' });
    const d = second.nodes.find((n) => n.id === 'd')!.outputs.output!;
    assert.equal(fs.readFileSync(path.join(d.uri, 'value'), 'utf8'), '/src/a/c/d');

    // run-component: one node alone, its inputs from the store.
    const only = await runPipeline(build(false), { container: createSdkContainer(), only: ['d'], noCache: true });
    assert.deepEqual(
      only.nodes.map((n) => [n.id, n.state]),
      [['d', 'COMPLETE']],
    );
  });

  it('ExampleGen: {SPAN} picks the newest span, a changed input bumps its version, an unchanged one is cached', async () => {
    const dir = path.join(tmp, 'spans');
    fs.mkdirSync(dir);
    const lines = fs.readFileSync(IRIS, 'utf8').trim().split('\n');
    const write = (span: number, rows: number) =>
      fs.writeFileSync(path.join(dir, `iris-${span}.csv`), `${lines.slice(0, rows + 1).join('\n')}\n`);
    const run = async () => {
      const gen = ExampleGen({}, { input: path.join(dir, 'iris-{SPAN}.csv') });
      const r = await runPipeline(
        definePipeline({ name: 'spans', root: path.join(tmp, 'spans-root'), components: [gen] }),
        {
          container: createSdkContainer(),
        },
      );
      const n = r.nodes[0]!;
      const counts = n.outputs.examples!.properties.counts as Record<string, number>;
      return {
        state: n.state,
        span: n.outputs.examples!.properties.span,
        version: n.outputs.examples!.properties.version,
        rows: counts.train! + counts.eval!,
      };
    };
    write(1, 30);
    write(2, 60);
    assert.deepEqual(await run(), { state: 'COMPLETE', span: 2, version: 0, rows: 60 });
    assert.deepEqual(await run(), { state: 'CACHED', span: 2, version: 0, rows: 60 });
    write(2, 90);
    assert.deepEqual(await run(), { state: 'COMPLETE', span: 2, version: 1, rows: 90 });
    write(3, 40);
    assert.deepEqual(await run(), { state: 'COMPLETE', span: 3, version: 0, rows: 40 });
  });

  it('custom components are registered and found by type like any plugin point', () => {
    const registry = pipelineComponentRegistry(createSdkContainer());
    assert.ok(registry.has('ExampleGen') && registry.has('Pusher'));
    registry.register('Step', Step);
    assert.equal(registry.get('Step'), Step);
    assert.throws(
      () => registry.register('Step', Step),
      (e: TfscaleError) => e.code === 'TFSCALE_E_REGISTRY_DUPLICATE',
    );
    assert.throws(
      () => registry.get('Stepp'),
      (e: TfscaleError) => e.code === 'TFSCALE_E_REGISTRY_UNKNOWN',
    );
    assert.throws(
      () =>
        Step({ input: { ...Step({}, { label: 'z' }).outputs.output!, type: 'Model' } as OutputRef }, { label: 'x' }),
      /expects Examples but got Model/,
    );
  });
});

describe('ExampleValidator: injected anomalies are found, the clean data has none', function () {
  this.timeout(120_000);
  let tmp = '';
  const [header, ...rows] = fs.readFileSync(IRIS, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const table = rows.map((r) => r.split(','));
  const csv = (h: string[], body: string[][]) => `${[h, ...body].map((r) => r.join(',')).join('\n')}\n`;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pipeline-anomalies-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Clean branch (statistics + schema) and a candidate branch validated against it. */
  async function validate(name: string, content: string) {
    const file = path.join(tmp, `${name}.csv`);
    fs.writeFileSync(file, content);
    const clean = ExampleGen({}, { input: IRIS }, { id: 'clean' });
    const cleanStats = StatisticsGen({ examples: clean.outputs.examples }, {}, { id: 'cleanStats' });
    const schema = SchemaGen({ statistics: cleanStats.outputs.statistics }, {});
    const gen = ExampleGen({}, { input: file });
    const stats = StatisticsGen({ examples: gen.outputs.examples }, {});
    const validator = ExampleValidator(
      { statistics: stats.outputs.statistics, schema: schema.outputs.schema, baseline: cleanStats.outputs.statistics },
      {
        skew: { meanShiftThreshold: 0.75, linfThreshold: 0.3 },
        drift: { meanShiftThreshold: 0.75, linfThreshold: 0.3 },
      },
    );
    const root = path.join(tmp, 'root');
    const result = await runPipeline(
      definePipeline({ name: 'anomalies', root, components: [clean, cleanStats, schema, gen, stats, validator] }),
      { container: createSdkContainer() },
    );
    assert.ok(result.ok, JSON.stringify(result.nodes));
    const { anomalies } = await readAnomalies(result.nodes.at(-1)!.outputs.anomalies!.uri);
    return new Set(anomalies.map((a) => `${a.feature}:${a.kind}`));
  }
  const has = (found: Set<string>, feature: string, kind: AnomalyKind) =>
    assert.ok(found.has(`${feature}:${kind}`), `${feature}:${kind} not in ${[...found].join(', ')}`);

  it('the clean data (both splits, skew and drift checked) reports none', async () => {
    assert.deepEqual([...(await validate('clean', csv(cols, table)))], []);
  });

  it('a dropped column', async () => {
    const keep = cols.map((_, i) => i).filter((i) => cols[i] !== 'petal_width');
    const found = await validate(
      'dropped',
      csv(
        keep.map((i) => cols[i]!),
        table.map((r) => keep.map((i) => r[i]!)),
      ),
    );
    has(found, 'petal_width', 'SCHEMA_MISSING_COLUMN');
  });

  it('a new category, a new column and a type change', async () => {
    const s = cols.indexOf('species');
    const w = cols.indexOf('sepal_width');
    const body = table.map((r, i) => [
      ...r.map((v, j) => (j === s && i % 10 === 0 ? 'Iris-unknown' : j === w && i % 7 === 0 ? 'wide' : v)),
      '1',
    ]);
    const found = await validate('category', csv([...cols, 'extra'], body));
    has(found, 'species', 'ENUM_TYPE_UNEXPECTED_STRING_VALUES');
    has(found, 'extra', 'SCHEMA_NEW_COLUMN');
    has(found, 'sepal_width', 'FEATURE_TYPE_MISMATCH');
  });

  it('a shifted mean (drift against the clean statistics)', async () => {
    const l = cols.indexOf('sepal_length');
    const found = await validate(
      'shifted',
      csv(
        cols,
        table.map((r) => r.map((v, j) => (j === l ? (Number(v) + 2).toFixed(1) : v))),
      ),
    );
    has(found, 'sepal_length', 'COMPARATOR_MEAN_SHIFT_HIGH');
    assert.ok(![...found].some((f) => !f.startsWith('sepal_length')), [...found].join(', '));
  });
});
