import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { LAYER_EMITTERS, loadTf, SUPPORTED_ACTIVATIONS } from '@tfscale/sdk';
import { expectCodedError } from '@tfscale/sdk/testing';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { ACTIVATIONS_FROM_KERAS, ACTIVATIONS_TO_KERAS } from './activations';
import { saveKerasModel } from './keras-exporter';
import { LAYERS_FROM_KERAS } from './layers-from-keras';
import { LAYERS_TO_KERAS } from './layers-to-keras';
import { loadKerasModel } from './load-keras-model';

const tf = loadTf();
const L = tf.layers;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-load-'));

function predictAll(model: LayersModel, xs: Tensor[]): Float32Array[] {
  const out = model.predict(xs.length === 1 ? xs[0]! : xs);
  return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
}

/** A functional model with a nested functional model used twice and as an output. */
function nestedFunctional(): LayersModel {
  const ii = tf.input({ shape: [4], name: 'inner_in' });
  const io = L.dense({ units: 4, activation: 'hardSigmoid', name: 'inner_dense' }).apply(ii) as SymbolicTensor;
  const inner = tf.model({ inputs: ii, outputs: io, name: 'inner' });
  const x = tf.input({ shape: [4], name: 'x' });
  const a = inner.apply(x) as SymbolicTensor;
  const b = inner.apply(L.dense({ units: 4, activation: 'gelu_new', name: 'pre' }).apply(x)) as SymbolicTensor;
  const s = L.add({ name: 'sum' }).apply([a, b]) as SymbolicTensor;
  return tf.model({ inputs: x, outputs: [s, b], name: 'outer' });
}

describe('plugin-keras/loadKerasModel', () => {
  it('translates exactly the SDK exporters’ layer classes and activations, in both directions', () => {
    const classes = Object.keys(LAYER_EMITTERS).sort();
    assert.deepEqual(Object.keys(LAYERS_TO_KERAS).sort(), classes);
    assert.deepEqual(Object.keys(LAYERS_FROM_KERAS).sort(), classes);
    assert.deepEqual(Object.keys(ACTIVATIONS_TO_KERAS).sort(), [...SUPPORTED_ACTIVATIONS].sort());
    const imported = new Set([...Object.values(ACTIVATIONS_FROM_KERAS), 'hardSigmoid', 'gelu_new']);
    assert.deepEqual([...imported].sort(), [...SUPPORTED_ACTIVATIONS].sort());
  });

  it('reads back what saveKerasModel wrote: nested functional models, shared calls, op-chain activations', async () => {
    const model = nestedFunctional();
    const file = path.join(tmp(), 'nested.keras');
    await saveKerasModel(model, file);
    const back = await loadKerasModel(file);
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 3);
    const want = predictAll(model, [x]);
    const got = predictAll(back, [x]);
    assert.equal(got.length, 2);
    for (const [i, w] of want.entries()) assert.deepEqual([...got[i]!], [...w]);
    // gelu_new comes back as its own Activation layer after a linear `pre` (Keras has no such function).
    assert.deepEqual(
      back.layers.map((l) => l.name),
      ['x', 'pre', 'pre_gelu_new', 'inner', 'sum'],
    );
  });

  it('a Keras layer class tfjs lacks is a coded error naming the layer and the class', async () => {
    const model = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2, name: 'd' })] });
    const file = path.join(tmp(), 'm.keras');
    await saveKerasModel(model, file);
    const entries = unzipSync(fs.readFileSync(file));
    const config = JSON.parse(strFromU8(entries['config.json']!));
    config.config.layers[1].class_name = 'Conv1D';
    entries['config.json'] = strToU8(JSON.stringify(config));
    fs.writeFileSync(file, zipSync(entries));
    const err = await expectCodedError(() => loadKerasModel(file), 'TFSCALE_E_IMPORT_UNSUPPORTED_LAYER');
    assert.match(
      err.message,
      /Cannot import layer `d` \(Conv1D\) from a Keras model: layer class Conv1D is not supported/,
    );
  });

  it('an option tfjs cannot reproduce is a coded error naming the layer and the option', async () => {
    const model = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2, name: 'd' })] });
    const file = path.join(tmp(), 'm.keras');
    await saveKerasModel(model, file);
    const entries = unzipSync(fs.readFileSync(file));
    const config = JSON.parse(strFromU8(entries['config.json']!));
    config.config.layers[1].config.lora_rank = 4;
    entries['config.json'] = strToU8(JSON.stringify(config));
    fs.writeFileSync(file, zipSync(entries));
    const err = await expectCodedError(() => loadKerasModel(file), 'TFSCALE_E_IMPORT_UNSUPPORTED_LAYER');
    assert.match(err.message, /layer `d` \(Dense\) from a Keras model: unsupported value for `lora_rank`/);
  });

  it('refuses a missing file and a file that is not a Keras model with TFSCALE_E_INVALID_VALUE', async () => {
    const dir = tmp();
    await expectCodedError(() => loadKerasModel(path.join(dir, 'none.keras')), 'TFSCALE_E_INVALID_VALUE');
    fs.writeFileSync(path.join(dir, 'x.keras'), 'not a model');
    const err = await expectCodedError(() => loadKerasModel(path.join(dir, 'x.keras')), 'TFSCALE_E_INVALID_VALUE');
    assert.match(err.message, /neither a zip \(\.keras\) nor an HDF5 \(\.h5\) file/);
  });
});
