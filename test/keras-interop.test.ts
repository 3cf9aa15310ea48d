import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadKerasModel, saveKerasModel } from '@tfscale/plugin-keras';
import { isTfscaleError, LAYER_EMITTERS, SUPPORTED_ACTIVATIONS, tfjsFolder } from '@tfscale/sdk';
import { canonicalModel } from '@tfscale/sdk/testing';
import { randomizeWeights, sampleInputs, seeded, ZOO, zooCoverage } from './support/model-zoo';
import { writeNpy } from './support/npy';
import { interopPython } from './support/python';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'test', 'interop', 'keras_interop.py');
const cli = path.join(repo, 'packages', 'sdk', 'dist', 'cli', 'main.js');
// Max |error| relative to the output's largest magnitude (float32 kernels may sum in other orders).
const TOLERANCE = 1e-5;

type Compared = [number[], number | null, number];
interface CaseReport {
  error?: string;
  class?: string;
  outputs: Compared[];
  layers: string[];
}
interface MadeCase {
  name: string;
  keras: string | null;
  h5: string;
  inputs: string[];
  outputs: string[];
}

function readNpy(file: string): tf.Tensor {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  const body = bytes.subarray(10 + headerLength);
  const buffer = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  return /'descr': '<i4'/.test(header)
    ? tf.tensor(new Int32Array(buffer), shape, 'int32')
    : tf.tensor(new Float32Array(buffer), shape, 'float32');
}

function compare(got: tf.Tensor, want: tf.Tensor): Compared {
  const err = got.shape.join() === want.shape.join() ? tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]! : null;
  return [got.shape, err, tf.max(tf.abs(want)).dataSync()[0]!];
}

function assertClose(what: string, [shape, maxErr, scale]: Compared, expected: readonly number[]): void {
  assert.deepEqual(shape, expected, `${what}: shape`);
  assert.ok(scale > 0, `${what}: an all-zero output checks nothing`);
  assert.ok(maxErr !== null && maxErr <= TOLERANCE * scale, `${what}: max |error| ${maxErr} (scale ${scale})`);
}

const predictAll = (model: tf.LayersModel, xs: tf.Tensor[]): tf.Tensor[] => {
  const out = model.predict(xs.length === 1 ? xs[0]! : xs);
  return Array.isArray(out) ? out : [out];
};

describe('Keras 3.15 interop: .keras and .h5 both ways (interop)', function () {
  this.timeout(300_000);
  let dir: string;
  let pyDir: string;
  let made: MadeCase[];
  let reports: Record<string, CaseReport>;
  /** What Keras must predict for each .keras we wrote: name → [file, inputs, tfscale outputs]. */
  const written = new Map<string, { file: string; inputs: tf.Tensor[]; expected: tf.Tensor[] }>();
  const { classes, activations, collect } = zooCoverage();
  const load = (c: MadeCase) => c.inputs.map((p) => readNpy(path.join(pyDir, p)));
  const expectedOf = (c: MadeCase) => c.outputs.map((p) => readNpy(path.join(pyDir, p)));
  const writeCase = async (name: string, model: tf.LayersModel, inputs: tf.Tensor[]) => {
    const file = path.join(dir, 'ours', `${name}.keras`);
    await saveKerasModel(model, file);
    written.set(name, { file, inputs, expected: predictAll(model, inputs) });
  };

  before(async function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    const python = found.path;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-interop-'));
    pyDir = path.join(dir, 'keras');
    fs.mkdirSync(pyDir);
    await run(python, [script, 'make', pyDir], { maxBuffer: 64 << 20 });
    made = JSON.parse(fs.readFileSync(path.join(pyDir, 'manifest.json'), 'utf8')).cases;

    // (b) the zoo, written by us.
    for (const [i, entry] of ZOO.entries()) {
      const model = entry.build();
      collect(model.layers);
      randomizeWeights(model, seeded(300 + i));
      await writeCase(entry.name, model, sampleInputs(entry, model, seeded(400 + i)));
    }
    // Beyond the zoo: a nested functional model called twice, one call a model output (Keras
    // counts a nested Functional's own node in output_layers only), op-chain activations inside.
    {
      const ii = tf.input({ shape: [4], name: 'inner_in' });
      const io = tf.layers.dense({ units: 4, activation: 'hardSigmoid', name: 'inner_dense' }).apply(ii);
      const inner = tf.model({ inputs: ii, outputs: io as tf.SymbolicTensor, name: 'inner' });
      const x = tf.input({ shape: [4], name: 'x' });
      const pre = tf.layers.dense({ units: 4, activation: 'gelu_new', name: 'pre' }).apply(x) as tf.SymbolicTensor;
      const a = inner.apply(x) as tf.SymbolicTensor;
      const b = inner.apply(pre) as tf.SymbolicTensor;
      const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
      const model = tf.model({ inputs: x, outputs: [sum, b], name: 'outer' });
      randomizeWeights(model, seeded(500));
      await writeCase('nested_functional', model, [tf.randomNormal([3, 4], 0, 1, 'float32', 5)]);
    }
    // (c) Keras → tfscale → one fine-tuning step → .keras.
    for (const c of made.filter((m) => m.keras)) {
      const model = await loadKerasModel(path.join(pyDir, c.keras!));
      const xs = load(c);
      const ys = model.outputs.map((o, j) =>
        tf.randomNormal([xs[0]!.shape[0]!, ...o.shape.slice(1)] as number[], 0, 1, 'float32', j),
      );
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      await model.fit(xs.length === 1 ? xs[0]! : xs, ys.length === 1 ? ys[0]! : ys, {
        epochs: 1,
        batchSize: 64,
        verbose: 0,
      });
      await writeCase(`tuned_${c.name}`, model, xs);
    }
    // The CLI: a TF.js checkpoint exported with --format keras.
    const ckpt = canonicalModel();
    await ckpt.save(tfjsFolder(path.join(dir, 'ckpt')));
    const exported = spawnSync(
      process.execPath,
      [cli, 'export', path.join(dir, 'ckpt'), '--format', 'keras', '--out', path.join(dir, 'models', 'tiny')],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.equal(exported.status, 0, exported.stderr);
    const cliInput = tf.randomNormal([5, 8], 0, 1, 'float32', 7);
    written.set('cli_export', {
      file: path.join(dir, 'models', 'tiny', 'keras', '1', 'model.keras'),
      inputs: [cliInput],
      expected: predictAll(ckpt, [cliInput]),
    });

    const cases = [...made.filter((m) => !m.keras)]; // the tf.keras 2 layout: Keras itself re-checks it
    for (const [name, { file, inputs, expected }] of written) {
      const npy = (kind: string, t: tf.Tensor, j: number) => {
        const p = path.join(dir, 'ours', `${name}_${kind}${j}.npy`);
        writeNpy(p, t.dataSync() as Float32Array | Int32Array, t.shape);
        return p;
      };
      cases.push({
        name,
        keras: file,
        h5: file,
        inputs: inputs.map((t, j) => npy('in', t, j)),
        outputs: expected.map((t, j) => npy('out', t, j)),
      });
    }
    const checkManifest = path.join(pyDir, 'check.json');
    fs.writeFileSync(checkManifest, JSON.stringify({ cases }));
    const { stdout } = await run(python, [script, 'check', checkManifest], { maxBuffer: 64 << 20 });
    reports = JSON.parse(stdout);
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
    it(`${entry.name}: keras.saving.load_model(our .keras) predicts like tfscale`, () => {
      const report = reports[entry.name]!;
      assert.equal(report.error, undefined, report.error);
      const { expected } = written.get(entry.name)!;
      for (const [i, want] of expected.entries()) assertClose(`${entry.name}/${i}`, report.outputs[i]!, want.shape);
    });
  }

  it('nested_functional (a nested Functional called twice, one call an output): Keras predicts like tfscale', () => {
    const report = reports.nested_functional!;
    assert.equal(report.error, undefined, report.error);
    const { expected } = written.get('nested_functional')!;
    for (const [i, want] of expected.entries()) assertClose(`nested_functional/${i}`, report.outputs[i]!, want.shape);
  });

  it('Keras-saved .keras and .h5 (Sequential CNN; three-input functional; every supported class) predict in tfscale like Keras', async () => {
    for (const c of made.filter((m) => m.keras)) {
      for (const file of [c.keras!, c.h5]) {
        const got = predictAll(await loadKerasModel(path.join(pyDir, file)), load(c));
        for (const [i, want] of expectedOf(c).entries())
          assertClose(`${file}/${i}`, compare(got[i]!, want), want.shape);
      }
    }
  });

  it('a .h5 in tf.keras 2 layout loads in tfscale and predicts like Keras 3 reading the same file', async () => {
    const c = made.find((m) => m.name === 'tf_keras2')!;
    assert.equal(reports.tf_keras2!.error, undefined, reports.tf_keras2!.error);
    const want = expectedOf(c);
    assertClose('keras reads it', reports.tf_keras2!.outputs[0]!, want[0]!.shape);
    const got = predictAll(await loadKerasModel(path.join(pyDir, c.h5)), load(c));
    assertClose('tfscale reads it', compare(got[0]!, want[0]!), want[0]!.shape);
  });

  it('Keras → tfscale → one fine-tuning step → .keras → Keras predicts like tfscale (and the step changed it)', () => {
    for (const c of made.filter((m) => m.keras)) {
      const name = `tuned_${c.name}`;
      const report = reports[name]!;
      assert.equal(report.error, undefined, report.error);
      assert.equal(report.class, c.name === 'seq_cnn' ? 'Sequential' : 'Functional');
      const { expected } = written.get(name)!;
      for (const [i, want] of expected.entries()) {
        assertClose(`${name}/${i}`, report.outputs[i]!, want.shape);
        const [, change] = compare(want, expectedOf(c)[i]!);
        assert.ok(change! > 1e-4, `${name}/${i}: fine-tuning changed nothing`);
      }
    }
  });

  it('tfscale export --format keras writes <base>/keras/1/model.keras, which Keras loads and predicts with', () => {
    const report = reports.cli_export!;
    assert.equal(report.error, undefined, report.error);
    assertClose('cli_export', report.outputs[0]!, [5, 3]);
  });

  it('a Keras model with a layer tfjs lacks (.keras and .h5) is a coded error naming the layer and class', async () => {
    for (const file of ['unsupported.keras', 'unsupported.h5']) {
      await assert.rejects(loadKerasModel(path.join(pyDir, file)), (err: unknown) => {
        assert.ok(isTfscaleError(err, 'TFSCALE_E_IMPORT_UNSUPPORTED_LAYER'), String(err));
        assert.match(
          (err as Error).message,
          /layer `c1d` \(Conv1D\) from a Keras model: layer class Conv1D is not supported/,
        );
        return true;
      });
    }
  });

  it('a Keras file is a model input: tfscale export model.keras / model.h5 --format tfjs predicts like Keras', async () => {
    for (const c of made.filter((m) => m.keras).slice(0, 1)) {
      for (const file of [c.keras!, c.h5].filter((f): f is string => typeof f === 'string')) {
        const out = path.join(dir, 'from-keras', path.basename(file).replace(/\W/g, '_'));
        const r = spawnSync(
          process.execPath,
          [cli, 'export', path.join(pyDir, file), '--format', 'tfjs', '--out', out],
          {
            cwd: repo,
            encoding: 'utf8',
          },
        );
        assert.equal(r.status, 0, r.stderr);
        const model = await tf.loadLayersModel(tfjsFolder(path.join(out, 'tfjs', '1')));
        for (const [i, want] of expectedOf(c).entries())
          assertClose(`${file}/${i}`, compare(predictAll(model, load(c))[i]!, want), want.shape);
      }
    }
  });
});
