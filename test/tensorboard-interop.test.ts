import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  type CallbackContext,
  computeHistogram,
  type Logs,
  SimpleTrainingControl,
  silentLogger,
  TensorBoard,
  type TrainingPosition,
} from '@tfscale/sdk';
import { interopPython } from './support/python';

const repo = path.resolve(__dirname, '..', '..');
// Set in before() from interopPython(); the suite skips (never in CI) when there is none.
let python = '';
const script = path.join(repo, 'test', 'interop', 'read_tfevents.py');

type Row = [number, ...unknown[]];
interface Run {
  scalars: Record<string, Array<[number, number]>>;
  histograms: Record<string, Array<[number, number, number, number, number, number, number[], number[]]>>;
  tensors: Record<string, Row[]>;
  keras_graph_nodes: Array<[string, string[]]> | null;
  plugins: Record<string, string>;
}
interface Report {
  runs: { train: Run; validation: Run };
  records: Record<'train' | 'validation', Record<string, Row[]>>;
  reference_histogram: [number, number, number, number, number, number[], number[]];
}

const f = Math.fround;
const EPOCHS = 3;
const STEPS = 4;
const batchLoss = (epoch: number, batch: number) => 1 / (1 + epoch * STEPS + batch);
const epochLogs = (epoch: number): Logs => ({
  loss: 0.5 / (epoch + 1),
  accuracy: 0.25 * (epoch + 1),
  val_loss: 0.6 / (epoch + 1),
  val_accuracy: 0.2 * (epoch + 1),
  lr: 0.01 / (epoch + 1),
});

/** A real model and context, driven through hooks exactly as the Trainer calls them. */
async function writeLogs(logDir: string): Promise<tf.LayersModel> {
  const model = tf.sequential({
    name: 'interop',
    layers: [
      tf.layers.dense({ name: 'hidden', inputShape: [3], units: 4, activation: 'relu' }),
      tf.layers.dense({ name: 'out', units: 2 }),
    ],
  });
  const optimizer = tf.train.sgd(0.01);
  model.compile({ optimizer, loss: 'meanSquaredError', metrics: ['accuracy'] });
  const position: TrainingPosition = { epoch: 0, step: 0, globalStep: 0 };
  const ctx: CallbackContext = {
    model,
    params: {
      epochs: EPOCHS,
      initialEpoch: 0,
      steps: STEPS,
      batchSize: 2,
      samples: 8,
      verbose: 0,
      metrics: [],
      doValidation: true,
    },
    control: new SimpleTrainingControl(),
    optimizer: {
      optimizer,
      getLearningRate: () => 0.01,
      setLearningRate: () => {},
      getWeights: () => optimizer.getWeights(),
      setWeights: (w) => optimizer.setWeights(w),
    },
    progress: { position: () => ({ ...position }), resumeAt: () => {}, seed: 0 },
    callbackStates: { save: async () => ({}), load: async () => [] },
    isPrimary: true,
    logger: silentLogger,
  };
  const tb = new TensorBoard({ logDir, histogramFreq: 1, updateFreq: 2 });
  tb.setContext(ctx);
  await tb.onTrainBegin();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // Known weights per epoch: the histograms must follow them.
    model.setWeights(model.getWeights().map((w, i) => tf.fill(w.shape, (epoch + 1) * (i % 2 === 0 ? 0.5 : -0.25))));
    for (let batch = 0; batch < STEPS; batch++) {
      await tb.onTrainBatchBegin(batch);
      position.step++;
      position.globalStep++;
      await tb.onTrainBatchEnd(batch, { loss: batchLoss(epoch, batch), accuracy: batch / STEPS });
    }
    const logs = epochLogs(epoch);
    await tb.onTestEnd({ loss: logs.val_loss!, accuracy: logs.val_accuracy! });
    position.epoch++;
    position.step = 0;
    await tb.onEpochEnd(epoch, logs);
  }
  await tb.onTrainEnd();
  return model;
}

describe('TensorBoard logs read by TensorBoard 2.21 and TensorFlow 2.21 (interop)', function () {
  this.timeout(180_000);
  let report: Report;
  let model: tf.LayersModel;
  let dir: string;

  before(async function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    python = found.path;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tb-interop-'));
    model = await writeLogs(dir);
    const values = path.join(dir, 'kernel.json');
    fs.writeFileSync(values, JSON.stringify(Array.from(model.layers[0]!.getWeights()[0]!.dataSync())));
    const r = spawnSync(python, [script, dir, values], { encoding: 'utf8', timeout: 150_000 });
    assert.equal(r.status, 0, `read_tfevents.py failed (${r.error?.message ?? r.signal ?? r.status}):\n${r.stderr}`);
    report = JSON.parse(r.stdout) as Report;
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('EventAccumulator loads the epoch scalars at step = epoch, float32-exact', () => {
    const epochs = [...Array(EPOCHS).keys()];
    const series = (key: string) => epochs.map((e) => [e, f(epochLogs(e)[key]!)]);
    const train = report.runs.train.scalars;
    assert.deepEqual(train.epoch_loss, series('loss'));
    assert.deepEqual(train.epoch_accuracy, series('accuracy'));
    assert.deepEqual(train.epoch_learning_rate, series('lr'));
    const validation = report.runs.validation.scalars;
    assert.deepEqual(validation.epoch_loss, series('val_loss'));
    assert.deepEqual(validation.epoch_accuracy, series('val_accuracy'));
  });

  it('loads batch scalars every updateFreq batches at the global batch number, and evaluation_*_vs_iterations', () => {
    const steps = [2, 4, 6, 8, 10, 12];
    const loss = steps.map((s) => [s, f(batchLoss(Math.floor((s - 1) / STEPS), (s - 1) % STEPS))]);
    assert.deepEqual(report.runs.train.scalars.batch_loss, loss);
    assert.deepEqual(
      report.runs.train.scalars.batch_accuracy,
      steps.map((s) => [s, ((s - 1) % STEPS) / STEPS]),
    );
    assert.deepEqual(
      report.runs.validation.scalars.evaluation_loss_vs_iterations,
      [0, 1, 2].map((e) => [(e + 1) * STEPS, f(epochLogs(e).val_loss!)]),
    );
    assert.deepEqual(Object.keys(report.runs.train.scalars).sort(), [
      'batch_accuracy',
      'batch_loss',
      'epoch_accuracy',
      'epoch_learning_rate',
      'epoch_loss',
    ]);
  });

  it('loads a weight histogram per epoch, identical to what TensorFlow computes', () => {
    const tags = ['hidden/kernel', 'hidden/bias', 'out/kernel', 'out/bias'].map((t) => `interop/${t}/histogram`);
    assert.deepEqual(Object.keys(report.runs.train.histograms).sort(), [...tags].sort());
    const kernel = report.runs.train.histograms[tags[0]!]!;
    assert.deepEqual(
      kernel.map((row) => row[0]),
      [0, 1, 2],
    );
    for (const [epoch, row] of kernel.entries()) {
      const expected = computeHistogram(new Float32Array(12).fill((epoch + 1) * 0.5));
      assert.deepEqual(row.slice(1), [
        expected.min,
        expected.max,
        expected.num,
        expected.sum,
        expected.sumSquares,
        expected.bucketLimit,
        expected.bucket,
      ]);
    }
    // The last epoch's kernel, through TensorFlow's own HistogramSummary op.
    assert.deepEqual(kernel.at(-1)!.slice(1), report.reference_histogram);
  });

  it("writes the `keras` model summary TensorBoard's graph plugin turns into a graph", () => {
    const [[step, dtype, plugin, [json]]] = report.runs.train.tensors.keras as [[number, number, string, string[]]];
    assert.deepEqual([step, dtype, plugin], [0, 7, 'graph_keras_model']);
    assert.equal(JSON.parse(json!).class_name, 'Sequential');
    assert.deepEqual(report.runs.train.keras_graph_nodes, [
      ['interop/hidden', []],
      ['interop/out', ['interop/hidden']],
    ]);
  });

  it("TensorBoard's UI data path files every tag under the scalars, histograms and graph plugins", () => {
    const train = report.runs.train.plugins;
    for (const tag of ['epoch_loss', 'epoch_learning_rate', 'batch_loss']) assert.equal(train[tag], 'scalars', tag);
    assert.equal(train['interop/hidden/kernel/histogram'], 'histograms');
    assert.equal(train.keras, 'graph_keras_model');
    assert.equal(report.runs.validation.plugins.evaluation_loss_vs_iterations, 'scalars');
  });

  it('tf.data.TFRecordDataset reads every record (CRC-checked) and tf.compat.v1.Event parses it', () => {
    for (const split of ['train', 'validation'] as const) {
      const files = Object.keys(report.records[split]);
      assert.equal(files.length, 1, `${split}: ${files}`);
      assert.match(files[0]!, /^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+$/);
      const rows = report.records[split][files[0]!]!;
      assert.deepEqual(rows[0]!.slice(1), [0, 'file_version', [], 'brain.Event:2']);
      for (const row of rows.slice(1)) assert.equal(row[2], 'summary');
      for (const row of rows) assert.ok(Math.abs((row[0] as number) - Date.now() / 1000) < 600, `wall_time ${row[0]}`);
    }
    // keras + per epoch (3 epoch scalars + 4 histograms) + 6 batch steps × 2 metrics.
    assert.equal(report.records.train[Object.keys(report.records.train)[0]!]!.length, 1 + 1 + EPOCHS * 7 + 12);
    // Per epoch: 2 evaluation scalars + 2 epoch scalars.
    assert.equal(report.records.validation[Object.keys(report.records.validation)[0]!]!.length, 1 + EPOCHS * 4);
  });
});
