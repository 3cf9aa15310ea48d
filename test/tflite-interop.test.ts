import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { TFLITE_FILE, TfliteExporter } from '@tfscale/plugin-exporter-tflite';
import { buildModelGraph, isTfscaleError, LAYER_EMITTERS, SUPPORTED_ACTIVATIONS, tfjsFolder } from '@tfscale/sdk';
import { randomizeWeights, sampleInputs, seeded, ZOO, type ZooModel, zooCoverage } from './support/model-zoo';
import { writeNpy } from './support/npy';
import { interopPython } from './support/python';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'test', 'interop', 'tflite_check.py');
// Set in before() from interopPython(); the suite skips (never in CI) when there is none.
let python = '';

/**
 * Float32: |tflite - tfjs| <= ATOL + RTOL * max|tfjs output| for every element of an output
 * (kernels may sum in another order; measured errors are below 1e-6 of the scale).
 */
const ATOL = 1e-5;
const RTOL = 1e-5;
/**
 * Dynamic-range int8: every quantized layer rounds its weights to a step of max|w_c| / 127 and
 * its input (per batch row, at run time) to a step of about max|x| / 127, so each adds at most
 * about 2/127 of the magnitudes it combines. We allow that much of the output's scale per
 * quantized weight tensor in the model (an upper bound of the layers on any path).
 */
const INT8_PER_LAYER = 2 / 127;

type Compared = [number[], number, number];
interface Variant {
  error?: string;
  size: number;
  ops: string[];
  signature: Record<'inputs' | 'outputs', Record<string, [string, number[]]>>;
  default: Record<string, Compared>;
  reference: Record<string, Compared> & { error?: string };
  batch1: Record<string, Compared> & { error?: string };
}
interface WeightReport {
  name: string;
  channels: number;
  dimension: number;
  max_err_in_steps: number;
  q_range: [number, number];
  zero_points: number[];
  max_scale_rel_err: number;
}
interface CaseReport {
  float: Variant;
  int8: Variant;
  cli?: Variant;
  weights?: WeightReport[];
  weights_error?: string;
}
interface KerasReport {
  error?: string;
  keras: number[][];
  tf_float: { size: number; output: number[][] };
  tf_int8: { size: number; output: number[][] };
  weights: {
    shape: number[];
    missing?: boolean;
    max_q_diff: number;
    max_scale_rel_diff: number;
    tf_dimension: number;
  }[];
}

function checkVariant(
  what: string,
  v: Variant,
  expected: Record<string, tf.Tensor>,
  tolerance: (scale: number) => number,
) {
  assert.equal(v.error, undefined, `${what}: ${v.error}`);
  for (const run of ['default', 'reference', 'batch1'] as const) {
    const results = v[run];
    assert.equal(results.error, undefined, `${what} (${run}): ${results.error}`);
    for (const [key, want] of Object.entries(expected)) {
      const [shape, err, scale] = results[key]!;
      const wantShape = run === 'batch1' ? [1, ...want.shape.slice(1)] : want.shape;
      assert.deepEqual(shape, wantShape, `${what}/${key} (${run}): shape`);
      assert.ok(scale > 0, `${what}/${key}: an all-zero output checks nothing`);
      assert.ok(
        err <= tolerance(scale),
        `${what}/${key} (${run}): max |error| ${err} > ${tolerance(scale)} (scale ${scale})`,
      );
    }
  }
}

/** A Dense-heavy model (MNIST-sized MLP) for the size check and TensorFlow's own converter. */
function denseHeavy(): tf.LayersModel {
  const L = tf.layers;
  return tf.sequential({
    layers: [
      L.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      L.dense({ units: 128, activation: 'relu' }),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}
const DENSE_HEAVY: ZooModel = { name: 'dense_heavy', inputs: [{ shape: [5, 784] }], build: denseHeavy };

describe('TFLite export loaded by TensorFlow 2.21 tf.lite.Interpreter (interop)', function () {
  this.timeout(300_000);
  let dir: string;
  const expected = new Map<string, Record<string, tf.Tensor>>();
  const quantizedCount = new Map<string, number>();
  let reports: Record<string, CaseReport> & { __keras__?: KerasReport };
  const { classes, activations, collect } = zooCoverage();

  before(async function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    python = found.path;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tflite-interop-'));
    const cases = [];
    let keras: Record<string, unknown> | undefined;
    for (const [i, entry] of [...ZOO, DENSE_HEAVY].entries()) {
      const model = entry.build();
      collect(model.layers);
      randomizeWeights(model, seeded(100 + i));
      const inputs = sampleInputs(entry, model, seeded(200 + i));
      const predicted = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
      const outputs = Array.isArray(predicted) ? predicted : [predicted];
      const caseDir = path.join(dir, entry.name);
      const npy = (name: string, t: tf.Tensor) => {
        const file = path.join(caseDir, `${name}.npy`);
        writeNpy(file, t.dataSync() as Float32Array | Int32Array, t.shape);
        return file;
      };
      // Zoo models are small: quantize every weight (TensorFlow skips those under 1024 values)
      // so each hybrid kernel runs; the Dense-heavy model uses the default threshold.
      const min = entry === DENSE_HEAVY ? {} : { quantizeMinElements: 0 };
      const float = await new TfliteExporter().export(model, path.join(caseDir, 'float'));
      const int8 = await new TfliteExporter({ quantize: 'dynamic-int8', ...min }).export(
        model,
        path.join(caseDir, 'int8'),
      );
      const { inputs: sigIn, outputs: sigOut } = buildModelGraph(model, { format: 'tflite', weights: 'constants' });
      expected.set(entry.name, Object.fromEntries(sigOut.map((s, j) => [s.key, outputs[j]!])));
      quantizedCount.set(entry.name, model.weights.filter((w) => /kernel|embeddings/.test(w.originalName)).length);
      cases.push({
        name: entry.name,
        models: { float: path.join(float.path, TFLITE_FILE), int8: path.join(int8.path, TFLITE_FILE) },
        inputs: Object.fromEntries(sigIn.map((s, j) => [s.key, npy(`in_${s.key}`, inputs[j]!)])),
        expected: Object.fromEntries(sigOut.map((s, j) => [s.key, npy(`out_${s.key}`, outputs[j]!)])),
      });
      if (entry === DENSE_HEAVY) {
        const layers = model.layers.map((layer, j) => {
          const [kernel, bias] = layer.getWeights();
          return {
            units: kernel!.shape[1],
            activation: layer.getConfig().activation,
            kernel: npy(`kernel_${j}`, kernel!),
            bias: npy(`bias_${j}`, bias!),
          };
        });
        const only = Object.values(cases.at(-1)!.inputs)[0];
        keras = { input_dim: 784, layers, input: only, ours_int8: cases.at(-1)!.models.int8 };
        // The CLI on a checkpoint: `tfscale export --format tflite` finds the installed plugin.
        await model.save(tfjsFolder(path.join(caseDir, 'ckpt')));
        const cli = spawnSync(
          process.execPath,
          [
            path.join(repo, 'packages/sdk/dist/cli/main.js'),
            'export',
            path.join(caseDir, 'ckpt'),
            '--format',
            'tflite',
            '--out',
            path.join(caseDir, 'cli'),
          ],
          { encoding: 'utf8', cwd: repo },
        );
        assert.equal(cli.status, 0, cli.stderr);
        (cases.at(-1)!.models as Record<string, string>).cli = path.join(caseDir, 'cli', 'tflite', '1', TFLITE_FILE);
      }
    }
    const manifest = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifest, JSON.stringify({ cases, keras }));
    const { stdout } = await run(python, [script, manifest], { maxBuffer: 64 << 20 });
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

  for (const entry of [...ZOO, DENSE_HEAVY]) {
    it(`${entry.name}: float32 predictions equal tfjs (XNNPACK and reference kernels; batch resized from 1, and batch 1)`, () => {
      checkVariant(
        `${entry.name} float`,
        reports[entry.name]!.float,
        expected.get(entry.name)!,
        (s) => ATOL + RTOL * s,
      );
    });
  }

  for (const entry of [...ZOO, DENSE_HEAVY]) {
    it(`${entry.name}: dynamic-range int8 weights are within half a step, predictions within the quantization tolerance`, () => {
      const report = reports[entry.name]!;
      assert.equal(report.weights_error, undefined, report.weights_error);
      const weights = report.weights!;
      assert.equal(weights.length, quantizedCount.get(entry.name), 'every kernel and embedding table is int8');
      for (const w of weights) {
        assert.ok(w.max_err_in_steps <= 0.5 + 1e-4, `${w.name}: ${w.max_err_in_steps} steps`);
        assert.ok(w.q_range[0] >= -127 && w.q_range[1] <= 127, `${w.name}: range ${w.q_range}`);
        assert.ok(w.q_range[0] === -127 || w.q_range[1] === 127, `${w.name}: the largest weight maps to ±127`);
        assert.deepEqual(w.zero_points, [0], `${w.name}: symmetric`);
        assert.ok(w.max_scale_rel_err < 1e-6, `${w.name}: scale is max|w| / 127`);
      }
      const layers = Math.max(1, weights.length);
      const worst = (v: Variant) =>
        Object.values(v.default)
          .map(([, err, scale]) => `${err.toExponential(1)}/${scale.toPrecision(2)}`)
          .join(' ');
      console.log(
        `      max |error|/scale: float ${worst(report.float)}; int8 ${worst(report.int8)}; bytes ${report.float.size} -> ${report.int8.size}`,
      );
      checkVariant(`${entry.name} int8`, report.int8, expected.get(entry.name)!, (s) => INT8_PER_LAYER * layers * s);
    });
  }

  it('each kernel gets its per-channel or per-tensor int8 layout (FC/conv: dim 0, depthwise: dim 3, embeddings: per tensor)', () => {
    const byKind = (name: string) =>
      reports[name]!.weights!.map((w) => [w.name.split('/').at(-1), w.channels > 1 ? w.dimension : 'tensor']);
    assert.deepEqual(
      new Set(byKind('cnn').map(([kind, d]) => `${kind}:${d}`)),
      new Set(['conv_filter:0', 'fc_weights:0']),
    );
    assert.ok(byKind('depthwise_bn').some(([kind, d]) => kind === 'depthwise_filter' && d === 3));
    assert.ok(byKind('text_encoder').some(([kind, d]) => kind === 'embeddings' && d === 'tensor'));
    assert.ok(reports.text_encoder!.int8.ops.includes('DEQUANTIZE'), 'gathered int8 rows are dequantized');
  });

  it('the signature keeps the model keys, dtypes and a resizable batch (shape_signature -1)', () => {
    const sig = (name: string) => reports[name]!.float.signature;
    assert.deepEqual(sig('two_tower').inputs, { features: ['float32', [-1, 6]], image: ['float32', [-1, 5, 5, 2]] });
    assert.deepEqual(Object.keys(sig('two_tower').outputs).sort(), ['mixed', 'probs', 'score']);
    assert.deepEqual(sig('text_encoder').inputs, { token_ids: ['int32', [-1, 7]] });
    // Unnamed tfjs layers get process-wide counters in their names: compare without the keys.
    assert.deepEqual(Object.values(sig('text_encoder').outputs).sort(), [
      ['float32', [-1, 2, 14]],
      ['float32', [-1, 3]],
    ]);
    assert.deepEqual(sig('free_length').inputs, { sequence: ['float32', [-1, -1, 6]] });
  });

  it('writes builtin operators only, with BiasAdd and Relu fused into FULLY_CONNECTED / CONV_2D and GELU for gelu', () => {
    for (const [name, report] of Object.entries(reports)) {
      if (name === '__keras__') continue;
      for (const op of (report as CaseReport).float.ops) assert.match(op, /^[A-Z0-9_]+$/, `${name}: ${op}`);
    }
    assert.ok(!reports.mlp!.float.ops.includes('RELU'), 'mlp: Dense(relu) is one FULLY_CONNECTED');
    assert.ok(reports.depthwise_bn!.float.ops.includes('GELU'));
  });

  it('dynamic-range int8 makes a Dense-heavy model at least 3x smaller; TensorFlow’s converter agrees', () => {
    const report = reports.dense_heavy!;
    const ratio = report.float.size / report.int8.size;
    console.log(`      dense_heavy: float ${report.float.size} B, int8 ${report.int8.size} B (${ratio.toFixed(2)}x)`);
    assert.ok(ratio >= 3, `only ${ratio.toFixed(2)}x smaller`);
    const keras = reports.__keras__!;
    assert.equal(keras.error, undefined, keras.error);
    console.log(`      TensorFlow converter: float ${keras.tf_float.size} B, int8 ${keras.tf_int8.size} B`);
    assert.ok(
      Math.abs(report.int8.size / keras.tf_int8.size - 1) < 0.05,
      'same size as TensorFlow’s int8 model, within 5%',
    );
    assert.equal(keras.weights.length, 3);
    for (const w of keras.weights) {
      assert.equal(w.missing, undefined, `TensorFlow quantized ${w.shape}; we did not`);
      assert.ok(w.max_q_diff <= 1, `${w.shape}: int8 values differ by ${w.max_q_diff}`);
      assert.ok(w.max_scale_rel_diff < 1e-6, `${w.shape}: scales differ by ${w.max_scale_rel_diff}`);
    }
    // Same quantized weights and hybrid kernels: the two int8 models predict alike.
    const want = Object.values(expected.get('dense_heavy')!)[0]!.arraySync() as number[][];
    const theirs = keras.tf_int8.output;
    const ours = Object.values(reports.dense_heavy!.int8.default)[0]!;
    let gap = 0;
    for (const [r, row] of want.entries())
      for (const [c, v] of row.entries()) gap = Math.max(gap, Math.abs(theirs[r]![c]! - v));
    console.log(
      `      int8 max |error| vs tfjs: ours ${ours[1].toExponential(2)}, TensorFlow's ${gap.toExponential(2)}`,
    );
    assert.ok(ours[1] <= 2 * gap + 1e-6, 'no worse than TensorFlow’s own int8 model');
  });

  it('`tfscale export --format tflite` uses the installed plugin (<base>/tflite/<version>/model.tflite predicts like tfjs)', () => {
    const cli = (reports.dense_heavy as CaseReport & { cli: Variant }).cli;
    checkVariant('dense_heavy cli', cli, expected.get('dense_heavy')!, (s) => ATOL + RTOL * s);
  });

  it('an unsupported layer is a coded error naming layer, class and format, and writes nothing', async () => {
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ inputShape: [8, 2], filters: 2, kernelSize: 3, name: 'c1' })],
    });
    const target = path.join(dir, 'unsupported');
    await assert.rejects(new TfliteExporter().export(model, target), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER'));
      assert.match((err as Error).message, /layer `c1` \(Conv1D\) to tflite: layer class Conv1D is not supported/);
      return true;
    });
    assert.equal(fs.existsSync(target), false);
  });
});
