import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  buildModelGraph,
  isTfscaleError,
  LAYER_EMITTERS,
  loadSavedModel,
  SUPPORTED_ACTIVATIONS,
  type WrittenSavedModel,
  writeSavedModel,
} from '@tfscale/sdk';
import { randomizeWeights, sampleInputs, seeded, ZOO, zooCoverage } from './support/model-zoo';
import { writeNpy } from './support/npy';
import { interopPython } from './support/python';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
// Set in before() from interopPython(); the suite skips (never in CI) when there is none.
let python = '';
const script = path.join(repo, 'test', 'interop', 'savedmodel_check.py');
// Max |error| relative to the output's largest magnitude (float32 kernels may sum in other orders).
const TOLERANCE = 1e-5;

type Compared = [number[], number | null, number];
interface Report {
  error?: string;
  signature: Record<'inputs' | 'outputs', Record<string, [string, number[]]>>;
  v2: Record<string, Compared>;
  v1: Record<string, Compared>;
  restored: Record<string, number>;
  saved: Record<string, number>;
  attr_problems: string[];
  cli: string;
}
interface Case {
  written: WrittenSavedModel;
  inputs: tf.Tensor[];
  expected: tf.Tensor[];
  variables: string[];
}

function assertClose(what: string, [shape, maxErr, scale]: Compared, expected: tf.Tensor): void {
  assert.deepEqual(shape, expected.shape, `${what}: shape`);
  assert.ok(scale > 0, `${what}: an all-zero output checks nothing`);
  assert.ok(maxErr !== null && maxErr <= TOLERANCE * scale, `${what}: max |error| ${maxErr} (scale ${scale})`);
}

describe('SavedModel export loaded by TensorFlow 2.21 (interop)', function () {
  this.timeout(240_000);
  let dir: string;
  const cases = new Map<string, Case>();
  let reports: Record<string, Report>;
  let cli: Promise<{ stdout: string }>;
  const { classes, activations, collect } = zooCoverage();

  before(async function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    python = found.path;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-savedmodel-interop-'));
    const manifest = [];
    for (const [i, entry] of ZOO.entries()) {
      const model = entry.build();
      collect(model.layers);
      randomizeWeights(model, seeded(100 + i));
      const inputs = sampleInputs(entry, model, seeded(200 + i));
      const predicted = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
      const expected = Array.isArray(predicted) ? predicted : [predicted];
      const caseDir = path.join(dir, entry.name);
      const written = await writeSavedModel(model, path.join(caseDir, 'model'));
      const npy = (name: string, t: tf.Tensor | { data: Float32Array | Int32Array; shape: readonly number[] }) => {
        const file = path.join(caseDir, `${name.replace(/\//g, '__')}.npy`);
        const data = t instanceof tf.Tensor ? (t.dataSync() as Float32Array | Int32Array) : t.data;
        writeNpy(file, data instanceof Uint8Array ? Int32Array.from(data) : data, t.shape as number[]);
        return file;
      };
      const variables = buildModelGraph(model).graph.variables;
      manifest.push({
        name: entry.name,
        dir: written.dir,
        inputs: Object.fromEntries(written.inputs.map((s, j) => [s.key, npy(`in_${s.key}`, inputs[j]!)])),
        expected: Object.fromEntries(written.outputs.map((s, j) => [s.key, npy(`out_${s.key}`, expected[j]!)])),
        variables: variables.map((v) => [
          v.name,
          npy(`var_${v.name}`, { data: v.data as Float32Array, shape: v.shape }),
        ]),
      });
      cases.set(entry.name, { written, inputs, expected, variables: variables.map((v) => v.name) });
    }
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ cases: manifest }));
    // The real CLI once (its own process), alongside the one Python process that checks the zoo.
    cli = run(path.join(path.dirname(python), 'saved_model_cli'), [
      'show',
      '--dir',
      cases.get('two_tower')!.written.dir,
      '--all',
    ]);
    const { stdout } = await run(python, [script, path.join(dir, 'manifest.json')], { maxBuffer: 64 << 20 });
    reports = JSON.parse(stdout) as Record<string, Report>;
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the zoo uses every supported layer class and activation', () => {
    assert.deepEqual(
      Object.keys(LAYER_EMITTERS).filter((c) => !classes.has(c)),
      [],
    );
    assert.deepEqual(
      SUPPORTED_ACTIVATIONS.filter((a) => !activations.has(a)),
      [],
    );
  });

  for (const entry of ZOO) {
    it(`${entry.name}: tf.saved_model.load(dir).signatures['serving_default'] equals tfjs predict`, () => {
      const report = reports[entry.name]!;
      assert.equal(report.error, undefined, report.error);
      const { written, expected } = cases.get(entry.name)!;
      for (const [i, o] of written.outputs.entries())
        assertClose(`${entry.name}/${o.key}`, report.v2[o.key]!, expected[i]!);
    });
  }

  it('a TF1 Session loads every model (restore op fed with variables/variables) and fetches the same outputs', () => {
    for (const [name, { written, expected }] of cases) {
      for (const [i, o] of written.outputs.entries())
        assertClose(`${name}/${o.key}`, reports[name]!.v1[o.key]!, expected[i]!);
    }
  });

  it('restores every variable exactly, and the graph’s own save op writes a checkpoint TensorFlow reads back', () => {
    for (const [name, { variables }] of cases) {
      const { restored, saved } = reports[name]!;
      assert.deepEqual(Object.keys(restored).sort(), [...variables].sort(), `${name}: restored variables`);
      assert.deepEqual(Object.keys(saved).sort(), [...variables].sort(), `${name}: saved variables`);
      for (const [v, err] of [...Object.entries(restored), ...Object.entries(saved)])
        assert.equal(err, 0, `${name}/${v}`);
    }
  });

  it('every node carries exactly the attrs of its op as registered in TensorFlow 2.21', () => {
    for (const [name] of cases) assert.deepEqual(reports[name]!.attr_problems, [], name);
  });

  it('the loaded signature has the written keys, dtypes and shapes (batch -1)', () => {
    for (const [name, { written }] of cases) {
      const sig = reports[name]!.signature;
      for (const kind of ['inputs', 'outputs'] as const) {
        const want = Object.fromEntries(written[kind].map((s) => [s.key, [s.dtype, [...s.shape]]]));
        assert.deepEqual(sig[kind], want, `${name} ${kind}`);
      }
    }
    assert.deepEqual(Object.keys(reports.two_tower!.signature.inputs).sort(), ['features', 'image']);
    assert.deepEqual(Object.keys(reports.two_tower!.signature.outputs).sort(), ['mixed', 'probs', 'score'].sort());
    assert.deepEqual(reports.free_length!.signature.inputs.sequence, ['float32', [-1, -1, 6]]);
    assert.deepEqual(reports.text_encoder!.signature.inputs.token_ids, ['int32', [-1, 7]]);
  });

  it('saved_model_cli show --all describes each signature (names, dtypes, shapes, method)', async () => {
    const describe = (written: WrittenSavedModel) => [
      "MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:",
      "signature_def['serving_default']:",
      ...(['inputs', 'outputs'] as const).flatMap((kind) =>
        written[kind].flatMap((s) => [
          `${kind}['${s.key}'] tensor_info:`,
          `dtype: ${s.dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32'}`,
          `shape: (${s.shape.join(', ')}${s.shape.length === 1 ? ',' : ''})`,
          `name: ${s.name}`,
        ]),
      ),
      'Method name is: tensorflow/serving/predict',
    ];
    for (const [name, { written }] of cases) {
      for (const line of describe(written))
        assert.ok(reports[name]!.cli.includes(line), `${name}: "${line}" in\n${reports[name]!.cli}`);
    }
    const { stdout } = await cli;
    for (const line of describe(cases.get('two_tower')!.written)) assert.ok(stdout.includes(line), `CLI: "${line}"`);
  });

  it("TensorFlow's C++ loader (TF Serving's LoadSavedModel, through tfjs-node) predicts the same", async function () {
    if (tf.getBackend() !== 'tensorflow') this.skip();
    for (const [name, { written, inputs, expected }] of cases) {
      const sm = await loadSavedModel(written.dir);
      try {
        const feed = Object.fromEntries(written.inputs.map((s, i) => [s.key, inputs[i]!]));
        const out = sm.predict(feed);
        written.outputs.forEach((o, i) => {
          const got = out[o.key]!;
          const err = tf.max(tf.abs(tf.sub(got, expected[i]!))).dataSync()[0]!;
          const scale = tf.max(tf.abs(expected[i]!)).dataSync()[0]!;
          assertClose(`${name}/${o.key}`, [got.shape, err, scale], expected[i]!);
        });
      } finally {
        sm.dispose();
      }
    }
  });

  it('an unsupported layer is a coded error naming layer, class and format, and writes nothing', async () => {
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ inputShape: [8, 2], filters: 2, kernelSize: 3, name: 'c1' })],
    });
    const target = path.join(dir, 'unsupported');
    await assert.rejects(writeSavedModel(model, target), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER'));
      assert.match((err as Error).message, /layer `c1` \(Conv1D\) to savedmodel: layer class Conv1D is not supported/);
      return true;
    });
    assert.equal(fs.existsSync(target), false);
  });
});
