import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { CONFIG_ERROR_CODES, ConfigError } from './config-error';
import { defineRun } from './define-run';
import type { RunDefinitionInput } from './run-schema';

const base = (): RunDefinitionInput => ({
  model: { type: 'sequential', layers: [{ type: 'dense', units: 1, inputShape: [3] }] },
  compile: { optimizer: 'adam', loss: 'meanSquaredError' },
  data: { train: { csv: 'data/train.csv', label: 'y' } },
});

// Runs defineRun on a definition that must fail, and returns its error.
function rejects(definition: unknown): ConfigError {
  try {
    defineRun(definition as RunDefinitionInput);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, CONFIG_ERROR_CODES.invalid);
    return err;
  }
  assert.fail('defineRun accepted an invalid definition');
}

describe('defineRun', () => {
  it('fills the defaults', () => {
    const run = defineRun({ ...base(), name: 'iris' });
    assert.equal(run.data.batchSize, 32);
    assert.equal(run.data.shuffle, true);
    assert.equal(run.epochs, 1);
    assert.equal(run.initialEpoch, 0);
    assert.equal(run.strategy, 'one-device');
    assert.equal(run.backend, 'auto');
    assert.deepEqual(run.callbacks, []);
    assert.deepEqual(run.exporters, []);
    assert.deepEqual(run.plugins, []);
    assert.equal(run.outputDir, 'runs/iris');
    assert.equal(defineRun(base()).outputDir, 'runs/run');
  });

  it('keeps what was given', () => {
    const run = defineRun({
      ...base(),
      data: { ...base().data, batchSize: 8, shuffle: false },
      strategy: { name: 'mirrored' },
    });
    assert.equal(run.data.batchSize, 8);
    assert.equal(run.data.shuffle, false);
    assert.deepEqual(run.strategy, { name: 'mirrored' });
  });

  it('accepts live tfjs objects in TypeScript: a model, a model factory, a Dataset, arrays, callbacks', () => {
    const model = tf.sequential();
    assert.equal(defineRun({ ...base(), model }).model, model);
    const factory = () => tf.sequential();
    assert.equal(defineRun({ ...base(), model: factory }).model, factory);
    const dataset = tf.data.array([{ xs: [1], ys: [1] }]);
    assert.equal(defineRun({ ...base(), data: { train: dataset } }).data.train, dataset);
    const x = [new Float32Array([0, 1]), new Float32Array([1, 0])];
    defineRun({ ...base(), data: { train: { x, y: [[1], [0]] }, validationSplit: 0.5 } });
    const onEpochEnd = async () => {};
    assert.equal(defineRun({ ...base(), callbacks: ['earlyStopping', { onEpochEnd }] }).callbacks.length, 2);
  });

  it('points at a negative batch size', () => {
    const err = rejects({ ...base(), data: { ...base().data, batchSize: -3 } });
    assert.deepEqual(err.issues[0].path, ['data', 'batchSize']);
    assert.equal(
      err.issues[0].message,
      'Invalid value for `data.batchSize`. Received: data.batchSize=-3 Expected: an integer > 0',
    );
    assert.match(err.message, /^Invalid run definition \(1 problem\):\n {2}- Invalid value for `data\.batchSize`/);
  });

  it('points at a value of the wrong type', () => {
    const err = rejects({ ...base(), epochs: '3' });
    assert.equal(err.issues[0].field, 'epochs');
    assert.equal(err.issues[0].message, "Invalid value for `epochs`. Received: epochs='3' Expected: an integer >= 1");
    const nested = rejects({ ...base(), model: { type: 'sequential', layers: [{ type: 'dense', units: 'many' }] } });
    assert.equal(nested.issues[0].field, 'model.layers[0].units');
  });

  it('names an unknown field and suggests the one meant, Python spellings included', () => {
    const err = rejects({ ...base(), epoch: 3, data: { ...base().data, batch_size: 64 } });
    const byField = Object.fromEntries(err.issues.map((i) => [i.field, i]));
    assert.equal(byField.epoch.message, 'Unknown field `epoch`.');
    assert.equal(byField.epoch.hint, 'Did you mean `epochs`?');
    assert.equal(byField['data.batch_size'].hint, 'Did you mean `data.batchSize`?');
    assert.match(err.message, /- Unknown field `epoch`\. HINT: Did you mean `epochs`\?/);
  });

  it('lists the known fields when an unknown one is not a near miss', () => {
    const err = rejects({ ...base(), learningRateSchedule: 'cosine' });
    assert.equal(err.issues[0].hint, undefined);
    assert.match(
      err.issues[0].message,
      /^Unknown field `learningRateSchedule`\. Expected one of: name, model, compile, data, epochs,/,
    );
  });

  it('points at both validation and validationSplit when both are given', () => {
    const err = rejects({
      ...base(),
      data: { ...base().data, validation: { csv: 'data/val.csv', label: 'y' }, validationSplit: 0.2 },
    });
    assert.deepEqual(
      err.issues.map((i) => i.field),
      ['data.validation', 'data.validationSplit'],
    );
    for (const issue of err.issues) {
      assert.match(issue.message, /Expected: either `data\.validation` or `data\.validationSplit`, not both$/);
      assert.match(issue.hint ?? '', /^Remove one of them/);
    }
  });

  it('lists the optimizer names and suggests the closest', () => {
    const err = rejects({ ...base(), compile: { optimizer: 'adamm', loss: 'meanSquaredError' } });
    assert.equal(
      err.issues[0].message,
      "Invalid value for `compile.optimizer`. Received: compile.optimizer='adamm' Expected: one of 'sgd', " +
        "'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop', 'adamw'",
    );
    assert.equal(err.issues[0].hint, "Did you mean 'adam'?");
    const inObject = rejects({ ...base(), compile: { optimizer: { type: 'RMSProp' }, loss: 'mse' } });
    assert.equal(inObject.issues[0].field, 'compile.optimizer.type');
    assert.equal(inObject.issues[0].hint, "Did you mean 'rmsprop'?");
  });

  it('picks the data source form that was meant', () => {
    const missing = rejects({ ...base(), data: { train: { csv: 'data/train.csv' } } });
    assert.equal(
      missing.issues[0].message,
      'Missing required field `data.train.label`. Expected: a column name or a list of them',
    );
    const typo = rejects({ ...base(), data: { train: { jsonl: 'a.jsonl', label: 'y', feature: ['a'] } } });
    assert.equal(typo.issues[0].field, 'data.train.feature');
    assert.equal(typo.issues[0].hint, 'Did you mean `data.train.features`?');
  });

  it('says which forms a field takes when the value matches none', () => {
    const err = rejects({ ...base(), model: 'mnist' });
    assert.equal(
      err.issues[0].message,
      "Invalid value for `model`. Received: model='mnist' Expected: a tfjs LayersModel, a function returning one, " +
        "{ type: 'sequential', layers } or { path }",
    );
  });

  it('reports every missing required field', () => {
    const err = rejects({});
    assert.deepEqual(
      err.issues.map((i) => i.field),
      ['model', 'compile', 'data'],
    );
    assert.match(err.issues[1].message, /^Missing required field `compile`\. Expected: an object \{ optimizer, loss/);
  });

  it('refuses an initialEpoch that leaves nothing to train', () => {
    const err = rejects({ ...base(), epochs: 3, initialEpoch: 3 });
    assert.equal(err.issues[0].field, 'initialEpoch');
    assert.match(err.issues[0].message, /Expected: an integer < epochs \(3\)$/);
  });

  it('refuses a definition that is not an object', () => {
    assert.equal(rejects(42).issues[0].message, 'Invalid run definition. Received: 42 Expected: an object');
  });
});
