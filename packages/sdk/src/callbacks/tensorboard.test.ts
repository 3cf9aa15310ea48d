import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listEventFiles, readEventFileSync } from '../formats/events-reader';
import { computeHistogram } from '../formats/histogram';
import type { EventMessage } from '../formats/proto/tensorboard-messages';
import { expectCodedError } from '../testing/conformance/helpers';
import { testContext } from './callback-test-context.test.helper';
import { TensorBoard } from './tensorboard';

/** Every summary value of a run folder as `tag@step=value` (histograms and tensors by tag@step). */
function summaries(dir: string): {
  scalars: string[];
  others: Array<{ tag: string; step: number; event: EventMessage }>;
} {
  const scalars: string[] = [];
  const others: Array<{ tag: string; step: number; event: EventMessage }> = [];
  for (const file of listEventFiles(dir)) {
    for (const event of readEventFileSync(file)) {
      for (const value of event.summary?.value ?? []) {
        if (value.simpleValue !== undefined) scalars.push(`${value.tag}@${event.step ?? 0}=${value.simpleValue}`);
        else others.push({ tag: value.tag!, step: event.step ?? 0, event });
      }
    }
  }
  return { scalars, others };
}

/** Drives one epoch of `steps` batches the way the Trainer does (position moves before onTrainBatchEnd). */
async function runEpoch(
  tb: TensorBoard,
  position: { epoch: number; step: number; globalStep: number },
  epoch: number,
  losses: number[],
  epochLogs: Record<string, number>,
) {
  for (const [batch, loss] of losses.entries()) {
    await tb.onTrainBatchBegin(batch);
    position.step++;
    position.globalStep++;
    await tb.onTrainBatchEnd(batch, { loss, accuracy: 0.5 });
  }
  if (epochLogs.val_loss !== undefined) {
    await tb.onTestEnd({ loss: epochLogs.val_loss, accuracy: epochLogs.val_accuracy ?? 0 });
  }
  position.epoch++;
  position.step = 0;
  await tb.onEpochEnd(epoch, epochLogs);
}

describe('callbacks/TensorBoard', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-tb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes Keras 3's epoch tags at step = epoch, val_ metrics to validation/ without the prefix", async () => {
    const { ctx, position } = testContext({ learningRate: 0.05 });
    const tb = new TensorBoard({ logDir: dir, writeGraph: false });
    tb.setContext(ctx);
    await tb.onTrainBegin();
    await runEpoch(tb, position, 0, [1, 0.5], {
      loss: 0.75,
      accuracy: 0.5,
      val_loss: 0.9,
      val_accuracy: 0.25,
      lr: 0.05,
    });
    await runEpoch(tb, position, 1, [0.25, 0.25], { loss: 0.25, accuracy: 1, val_loss: 0.5, val_accuracy: 0.75 });
    await tb.onTrainEnd();

    const f = Math.fround;
    assert.deepEqual(summaries(join(dir, 'train')).scalars, [
      `epoch_loss@0=${f(0.75)}`,
      'epoch_accuracy@0=0.5',
      `epoch_learning_rate@0=${f(0.05)}`,
      'epoch_loss@1=0.25',
      'epoch_accuracy@1=1',
      `epoch_learning_rate@1=${f(0.05)}`, // no `lr` in the logs: read from the optimizer
    ]);
    assert.deepEqual(summaries(join(dir, 'validation')).scalars, [
      `evaluation_loss_vs_iterations@2=${f(0.9)}`,
      'evaluation_accuracy_vs_iterations@2=0.25',
      `epoch_loss@0=${f(0.9)}`,
      'epoch_accuracy@0=0.25',
      'evaluation_loss_vs_iterations@4=0.5',
      'evaluation_accuracy_vs_iterations@4=0.75',
      'epoch_loss@1=0.5',
      'epoch_accuracy@1=0.75',
    ]);
    assert.equal(readEventFileSync(listEventFiles(join(dir, 'train'))[0]!)[0]!.fileVersion, 'brain.Event:2');
  });

  it('writes batch_<metric> every updateFreq batches at the 1-based global batch number', async () => {
    const { ctx, position } = testContext();
    const tb = new TensorBoard({ logDir: dir, updateFreq: 3, writeGraph: false });
    tb.setContext(ctx);
    await tb.onTrainBegin();
    await runEpoch(tb, position, 0, [1, 2, 3, 4], { loss: 2.5 });
    await runEpoch(tb, position, 1, [5, 6, 7, 8], { loss: 6.5 });
    await tb.onTrainEnd();
    const batch = summaries(join(dir, 'train')).scalars.filter((s) => s.startsWith('batch_'));
    assert.deepEqual(batch, ['batch_loss@3=3', 'batch_accuracy@3=0.5', 'batch_loss@6=6', 'batch_accuracy@6=0.5']);

    const every = new TensorBoard({ logDir: join(dir, 'every'), updateFreq: 'batch', writeGraph: false });
    assert.equal(every.updateFreq, 1);
  });

  it('continues batch steps from a resumed position', async () => {
    const { ctx, position } = testContext();
    Object.assign(position, { epoch: 3, step: 0, globalStep: 12 });
    const tb = new TensorBoard({ logDir: dir, updateFreq: 1, writeGraph: false });
    tb.setContext(ctx);
    await tb.onTrainBegin();
    await runEpoch(tb, position, 3, [0.5], { loss: 0.5 });
    await tb.onTrainEnd();
    assert.deepEqual(
      summaries(join(dir, 'train')).scalars.filter((s) => s.startsWith('batch_loss')),
      ['batch_loss@13=0.5'],
    );
  });

  it('writes weight histograms every histogramFreq epochs with Keras weight paths', async () => {
    const { ctx, position, model } = testContext();
    const tb = new TensorBoard({ logDir: dir, histogramFreq: 2, writeGraph: false });
    tb.setContext(ctx);
    await tb.onTrainBegin();
    for (const epoch of [0, 1, 2]) await runEpoch(tb, position, epoch, [1], { loss: 1 });
    await tb.onTrainEnd();
    const histograms = summaries(join(dir, 'train')).others.map(({ tag, step }) => `${tag}@${step}`);
    const tags = [
      'tiny/hidden/kernel/histogram',
      'tiny/hidden/bias/histogram',
      'tiny/out/kernel/histogram',
      'tiny/out/bias/histogram',
    ];
    assert.deepEqual(histograms, [...tags.map((t) => `${t}@0`), ...tags.map((t) => `${t}@2`)]);
    const kernel = summaries(join(dir, 'train')).others[0]!.event.summary!.value![0]!.histo;
    assert.deepEqual(kernel, computeHistogram(model.layers[0]!.getWeights()[0]!.dataSync()));
  });

  it("writes the model's Keras JSON config as the `keras` graph summary at step 0", async () => {
    const { ctx } = testContext();
    const tb = new TensorBoard({ logDir: dir });
    tb.setContext(ctx);
    await tb.onTrainBegin();
    await tb.onTrainEnd();
    const [graph] = summaries(join(dir, 'train')).others;
    assert.equal(graph!.tag, 'keras');
    assert.equal(graph!.step, 0);
    const value = graph!.event.summary!.value![0]!;
    assert.equal(value.metadata!.pluginData!.pluginName, 'graph_keras_model');
    assert.equal(Buffer.from(value.metadata!.pluginData!.content!).toString(), '1');
    const config = JSON.parse(Buffer.from(value.tensor!.stringVal![0]!).toString('utf8'));
    assert.equal(config.class_name, 'Sequential');
    assert.deepEqual(
      config.config.layers.map((l: { config: { name: string } }) => l.config.name),
      ['hidden', 'out'],
    );
  });

  it('writes nothing on a non-primary replica', async () => {
    const { ctx, position } = testContext({ isPrimary: false });
    const tb = new TensorBoard({ logDir: dir, histogramFreq: 1, updateFreq: 1 });
    tb.setContext(ctx);
    await tb.onTrainBegin();
    await runEpoch(tb, position, 0, [1], { loss: 1, val_loss: 2 });
    await tb.onTrainEnd();
    assert.equal(existsSync(join(dir, 'train')), false);
    assert.equal(existsSync(join(dir, 'validation')), false);
  });

  it('validates its options with Keras-style messages', async () => {
    const err = await expectCodedError(() => new TensorBoard({ updateFreq: 0 }), 'TFSCALE_E_INVALID_VALUE');
    assert.match(
      err.message,
      /Invalid value for `updateFreq`\. Received: updateFreq=0\. Expected: "epoch", "batch" or a positive integer/,
    );
    await expectCodedError(() => new TensorBoard({ histogramFreq: -1 }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new TensorBoard({ logDir: '' }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new TensorBoard({ log_dir: 'x' } as never), 'TFSCALE_E_INVALID_VALUE');
    assert.equal(new TensorBoard().logDir, 'logs');
  });
});
