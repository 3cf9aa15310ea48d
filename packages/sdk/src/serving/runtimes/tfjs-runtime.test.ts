import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTf } from '../../backend/tf';
import { tfjsFolder } from '../../io/tfjs-file-handler';
import { column, tempDir } from '../model-testing.test';
import { ServingError } from '../types';
import { TfjsRuntime } from './tfjs-runtime';

/** y = x·0.5 + 2 over x [-1, 1], and z = float(k) over an int64 k, as a hand-written graph model. */
function writeGraphModel(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const shape = (...dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });
  const float = { type: 'DT_FLOAT' };
  const json = {
    format: 'graph-model',
    generatedBy: 'tfscale test',
    convertedBy: 'hand',
    signature: {
      inputs: {
        x: { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: shape(-1, 1) },
        k: { name: 'k:0', dtype: 'DT_INT64', tensorShape: shape(-1) },
      },
      outputs: { y: { name: 'y:0', dtype: 'DT_FLOAT' }, z: { name: 'z:0', dtype: 'DT_FLOAT' } },
    },
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: shape(-1, 1) } } },
        { name: 'k', op: 'Placeholder', attr: { dtype: { type: 'DT_INT64' }, shape: { shape: shape(-1) } } },
        {
          name: 'w',
          op: 'Const',
          attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape(1, 1) } } },
        },
        {
          name: 'b',
          op: 'Const',
          attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape(1) } } },
        },
        {
          name: 'mm',
          op: 'MatMul',
          input: ['x', 'w'],
          attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } },
        },
        { name: 'y', op: 'AddV2', input: ['mm', 'b'], attr: { T: float } },
        { name: 'z', op: 'Cast', input: ['k'], attr: { SrcT: { type: 'DT_INT64' }, DstT: float } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'w', shape: [1, 1], dtype: 'float32' },
          { name: 'b', shape: [1], dtype: 'float32' },
        ],
      },
    ],
  };
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(Float32Array.of(0.5, 2).buffer));
}

describe('serving/runtimes/tfjs-runtime', () => {
  const runtime = new TfjsRuntime();
  let base: string;
  let cleanup: () => void;
  before(() => {
    ({ dir: base, cleanup } = tempDir('tfjs'));
  });
  after(() => cleanup());

  it('serves a Layers model with the keys its SavedModel export would have', async () => {
    const tf = loadTf();
    const x = tf.input({ shape: [1], name: 'x' });
    const dense = tf.layers.dense({ units: 1, name: 'y' });
    const model = tf.model({ inputs: x, outputs: dense.apply(x) as ReturnType<typeof tf.input> });
    dense.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([2])]);
    const dir = path.join(base, 'layers', '1');
    await model.save(tfjsFolder(dir));
    assert.equal(await runtime.canLoad(dir), true);
    assert.equal(await runtime.canLoad(base), false);
    const servable = await runtime.load(dir);
    try {
      assert.equal(servable.runtime, 'tfjs');
      const { outputs, ...rest } = servable.signatures.serving_default!;
      assert.deepEqual(rest, {
        methodName: 'tensorflow/serving/predict',
        inputs: [{ key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 1] }],
      });
      assert.deepEqual(outputs, [{ key: 'y', name: outputs[0]!.name, dtype: 'float32', shape: [-1, 1] }]);
      assert.match(outputs[0]!.name, /^y\//); // the tfjs tensor name, e.g. y/y_1
      const out = await servable.predict('serving_default', { x: column(1, 2, 5) });
      assert.deepEqual(out.y, { dtype: 'float32', shape: [3, 1], data: Float32Array.of(2.5, 3, 4.5) });
      await assert.rejects(servable.predict('other', { x: column(1) }), {
        code: 'FAILED_PRECONDITION',
        message: 'Serving signature key "other" not found.',
      });
    } finally {
      await servable.dispose();
      model.dispose();
    }
  });

  it('serves a graph model by its signature keys, int64 inputs within the int32 range', async () => {
    const dir = path.join(base, 'graph', '1');
    writeGraphModel(dir);
    const servable = await runtime.load(dir);
    try {
      const sig = servable.signatures.serving_default!;
      assert.deepEqual(
        sig.inputs.map((i) => [i.key, i.dtype]),
        [
          ['x', 'float32'],
          ['k', 'int64'],
        ],
      );
      assert.deepEqual(
        sig.outputs.map((o) => o.key),
        ['y', 'z'],
      );
      const out = await servable.predict('serving_default', {
        x: column(4),
        k: { dtype: 'int64', shape: [2], data: BigInt64Array.of(-7n, 2n ** 31n - 1n) },
      });
      assert.deepEqual([...(out.y!.data as Float32Array)], [4]);
      assert.deepEqual([...(out.z!.data as Float32Array)], [-7, 2 ** 31]);
      await assert.rejects(
        servable.predict('serving_default', {
          x: column(4),
          k: { dtype: 'int64', shape: [1], data: BigInt64Array.of(2n ** 40n) },
        }),
        (err: unknown) =>
          err instanceof ServingError &&
          err.code === 'INVALID_ARGUMENT' &&
          err.message ===
            'Input "k" holds the int64 value 1099511627776, outside the int32 range TF.js tensors carry; serve the model as a SavedModel to use the full int64 range.',
      );
    } finally {
      await servable.dispose();
    }
  });

  it('runs graphs with dynamic ops (tf.where) through executeAsync', async () => {
    const dir = path.join(base, 'dynamic', '1');
    fs.mkdirSync(dir, { recursive: true });
    const topology = {
      node: [
        {
          name: 'b',
          op: 'Placeholder',
          attr: { dtype: { type: 'DT_BOOL' }, shape: { shape: { dim: [{ size: '-1' }] } } },
        },
        { name: 'where', op: 'Where', input: ['b'], attr: { T: { type: 'DT_BOOL' } } },
      ],
      versions: { producer: 1 },
    };
    fs.writeFileSync(
      path.join(dir, 'model.json'),
      JSON.stringify({ format: 'graph-model', modelTopology: topology, weightsManifest: [] }),
    );
    const servable = await runtime.load(dir);
    try {
      const out = await servable.predict('serving_default', {
        b: { dtype: 'bool', shape: [4], data: Uint8Array.of(0, 1, 0, 1) },
      });
      assert.deepEqual(out.where, { dtype: 'int32', shape: [2, 1], data: Int32Array.of(1, 3) });
    } finally {
      await servable.dispose();
    }
  });

  it('refuses an unreadable model.json with DATA_LOSS', async () => {
    const dir = path.join(base, 'broken', '1');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": ');
    await assert.rejects(runtime.load(dir), (err: unknown) => err instanceof ServingError && err.code === 'DATA_LOSS');
  });
});
