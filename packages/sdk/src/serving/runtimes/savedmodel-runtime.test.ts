import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { column, tempDir, writeHalfPlusTwo } from '../model-testing.test';
import { type Servable, ServingError, type ServingTensor } from '../types';
import { pythonModels } from './python-models.test';
import { SavedModelRuntime } from './savedmodel-runtime';

/** The runner's own setting, read before any test loads the addon. */
const presetInterOp = process.env.TF_NUM_INTEROP_THREADS;
const f32 = (t: ServingTensor | undefined) => [...(t!.data as Float32Array)];
const text = (t: ServingTensor | undefined) => (t!.data as Uint8Array[]).map((b) => Buffer.from(b).toString('utf8'));

async function refuses(p: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ServingError, String(err));
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('serving/runtimes/savedmodel-runtime', function () {
  this.timeout(180_000);
  const runtime = new SavedModelRuntime();

  describe('a half_plus_two SavedModel written by the SDK', () => {
    let base: string;
    let cleanup: () => void;
    let servable: Servable;
    before(async () => {
      ({ dir: base, cleanup } = tempDir('savedmodel'));
      await writeHalfPlusTwo(path.join(base, '1'));
      servable = await runtime.load(path.join(base, '1'));
    });
    after(() => {
      servable?.dispose();
      cleanup();
    });

    it('runs sessions in the calling thread unless the operator set TF_NUM_INTEROP_THREADS', () => {
      // Read by TensorFlow at the first session; -1 = DirectSession's run_in_caller_thread.
      assert.equal(process.env.TF_NUM_INTEROP_THREADS, presetInterOp ?? '-1');
    });

    it('claims folders with saved_model.pb only', async () => {
      assert.equal(await runtime.canLoad(path.join(base, '1')), true);
      assert.equal(await runtime.canLoad(base), false);
    });

    it('reports the signature exactly as saved_model.pb has it', () => {
      assert.deepEqual(servable.signatures, {
        serving_default: {
          methodName: 'tensorflow/serving/predict',
          inputs: [{ key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 1] }],
          outputs: [{ key: 'y', name: 'y/BiasAdd:0', dtype: 'float32', shape: [-1, 1] }],
        },
      });
    });

    it("predicts TF Serving's documented half_plus_two values, and empty batches", async () => {
      assert.deepEqual(f32((await servable.predict('serving_default', { x: column(1, 2, 5) })).y), [2.5, 3, 4.5]);
      assert.deepEqual(f32((await servable.predict('', { x: column(1) }, ['y'])).y), [2.5]);
      const empty = await servable.predict('serving_default', {
        x: { dtype: 'float32', shape: [0, 1], data: new Float32Array(0) },
      });
      assert.deepEqual(empty.y!.shape, [0, 1]);
    });

    it("refuses bad requests with TF Serving's messages", async () => {
      const x = column(1);
      await refuses(servable.predict('nope', { x }), 'FAILED_PRECONDITION', 'Serving signature key "nope" not found.');
      await refuses(
        servable.predict('serving_default', { x, z: x }),
        'INVALID_ARGUMENT',
        'input size does not match signature: 2!=1 len({x,z}) != len({x}). Sent extra: {z}. Missing but required: {}.',
      );
      await refuses(
        servable.predict('serving_default', { z: x }),
        'INVALID_ARGUMENT',
        'input tensor alias not found in signature: z. Inputs expected to be in the set {x}.',
      );
      await refuses(
        servable.predict('serving_default', { x }, ['w']),
        'INVALID_ARGUMENT',
        'output tensor alias not found in signature: w Outputs expected to be in the set {y}.',
      );
      await refuses(
        servable.predict('serving_default', { x }, ['y', 'y']),
        'INVALID_ARGUMENT',
        'duplicate output tensor alias: y',
      );
      await refuses(
        servable.predict('serving_default', { x: { dtype: 'float64', shape: [1, 1], data: Float64Array.of(1) } }),
        'INVALID_ARGUMENT',
        'Expects arg[0] to be float but double is provided',
      );
      await refuses(
        servable.predict('serving_default', { x: { dtype: 'float32', shape: [2, 1], data: Float32Array.of(1) } }),
        'INVALID_ARGUMENT',
        'tensor parsing error: x',
      );
      await refuses(
        servable.predict('serving_default', { x: { dtype: 'float32', shape: [1, 2], data: Float32Array.of(1, 2) } }),
        'INVALID_ARGUMENT',
        "input tensor x has shape [1,2], which is incompatible with the signature's [-1,1] (-1 = any size)",
      );
    });

    it('refuses corrupt or incomplete folders at load, with the reason', async () => {
      const copy = (v: string) => {
        fs.cpSync(path.join(base, '1'), path.join(base, v), { recursive: true });
        return path.join(base, v);
      };
      const truncated = copy('2');
      const pb = fs.readFileSync(path.join(truncated, 'saved_model.pb'));
      fs.writeFileSync(path.join(truncated, 'saved_model.pb'), pb.subarray(0, pb.length >> 1));
      await refuses(runtime.load(truncated), 'DATA_LOSS', /^Could not parse .*saved_model\.pb as a SavedModel: /);
      const noVariables = copy('3');
      fs.rmSync(path.join(noVariables, 'variables'), { recursive: true });
      await refuses(
        runtime.load(noVariables),
        'NOT_FOUND',
        `The SavedModel in ${noVariables} restores variables, but ${path.join(noVariables, 'variables', 'variables.index')} is missing.`,
      );
      const badData = copy('4');
      fs.writeFileSync(path.join(badData, 'variables', 'variables.data-00000-of-00001'), 'xx');
      await refuses(
        runtime.load(badData),
        'INTERNAL',
        /^TensorFlow could not load the SavedModel in .*: .*Read less bytes than requested/s,
      );
      await refuses(
        new SavedModelRuntime({ tags: ['serve', 'gpu'] }).load(path.join(base, '1')),
        'NOT_FOUND',
        'Could not find meta graph def matching supplied tags: { serve gpu }. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: `saved_model_cli`',
      );
    });
  });

  describe('SavedModels written by Python TensorFlow 2.21', () => {
    let py: Exclude<ReturnType<typeof pythonModels>, { skip: string }>;
    before(function () {
      const models = pythonModels();
      if ('skip' in models) {
        console.log(`      (skipped: ${models.skip})`);
        this.skip();
      }
      py = models;
    });

    it('serves every signature of a tf.Module (tf.saved_model.save), with exact shapes', async () => {
      const warned: string[] = [];
      const servable = await new SavedModelRuntime({ logger: { warn: (m) => warned.push(m) } }).load(py.module);
      try {
        assert.deepEqual(Object.keys(servable.signatures).sort(), ['mixed', 'serving_default', 'wide']);
        assert.deepEqual(warned, [
          `SavedModel ${py.module}: signature cplx: tensor "c" has dtype DT_COMPLEX64; it is not served.`,
        ]);
        assert.deepEqual(servable.signatures.mixed!.inputs, [
          { key: 'a', name: 'mixed_a:0', dtype: 'int64', shape: [-1] },
          { key: 's', name: 'mixed_s:0', dtype: 'string', shape: [-1] },
        ]);
        assert.deepEqual(
          servable.signatures.mixed!.outputs.map((o) => [o.key, o.dtype]),
          [
            ['b', 'int64'],
            ['n', 'int32'],
            ['ok', 'bool'],
            ['t', 'string'],
          ],
        );
        assert.deepEqual(
          servable.signatures.wide!.inputs.map((i) => [i.key, i.dtype, i.shape]),
          [
            ['d', 'float64', [2]],
            ['h', 'float16', [2]],
            ['i16', 'int16', [2]],
            ['i8', 'int8', [2]],
            ['u16', 'uint16', [2]],
            ['u32', 'uint32', [2]],
            ['u64', 'uint64', [2]],
            ['u8', 'uint8', [2]],
          ],
        );
        assert.deepEqual(f32((await servable.predict('serving_default', { x: column(1, 2) })).y), [2.5, 3]);
      } finally {
        servable.dispose();
      }
    });

    it('carries int64 beyond 2^53 and strings both ways, as TensorFlow computes them', async () => {
      const servable = await runtime.load(py.module);
      try {
        const strings = ['hi', '', 'wé'].map((s) => new Uint8Array(Buffer.from(s)));
        const out = await servable.predict('mixed', {
          a: { dtype: 'int64', shape: [3], data: BigInt64Array.of(2n ** 60n, -1n, 0n) },
          s: { dtype: 'string', shape: [3], data: strings },
        });
        assert.deepEqual([...(out.b!.data as BigInt64Array)].map(String), py.expected.mixed.b);
        assert.deepEqual([...(out.n!.data as Int32Array)], py.expected.mixed.n);
        assert.deepEqual([...(out.ok!.data as Uint8Array)].map(Boolean), py.expected.mixed.ok);
        assert.deepEqual(text(out.t), py.expected.mixed.t);
      } finally {
        servable.dispose();
      }
    });

    it('carries float64, float16 and 8/16/32/64-bit integers without loss', async () => {
      const servable = await runtime.load(py.module);
      try {
        const inputs: Record<string, ServingTensor> = {
          d: { dtype: 'float64', shape: [2], data: Float64Array.of(0.1, 1e300) },
          h: { dtype: 'float16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) }, // 1, -2
          i8: { dtype: 'int8', shape: [2], data: Int8Array.of(-128, 127) },
          i16: { dtype: 'int16', shape: [2], data: Int16Array.of(-32768, 32767) },
          u8: { dtype: 'uint8', shape: [2], data: Uint8Array.of(0, 255) },
          u16: { dtype: 'uint16', shape: [2], data: Uint16Array.of(0, 65535) },
          u32: { dtype: 'uint32', shape: [2], data: Uint32Array.of(1, 4294967295) },
          u64: { dtype: 'uint64', shape: [2], data: BigUint64Array.of(1n, 2n ** 64n - 1n) },
        };
        const out = await servable.predict('wide', inputs);
        assert.deepEqual(out.d2, { dtype: 'float64', shape: [2], data: Float64Array.of(0.2, 2e300) });
        assert.deepEqual(out.h2, { dtype: 'float16', shape: [2], data: Uint16Array.of(0x4000, 0xc400) }); // 2, -4
        for (const k of ['i8', 'i16', 'u8', 'u16', 'u32', 'u64']) assert.deepEqual(out[k], inputs[k], k);
      } finally {
        servable.dispose();
      }
    });

    it("serves a Keras model.export (signatures 'serve' and 'serving_default') with Keras' numbers", async () => {
      const servable = await runtime.load(py.keras);
      try {
        const { inputKey, outputKey, x, y } = py.expected.keras;
        assert.deepEqual(Object.keys(servable.signatures).sort(), ['serve', 'serving_default']);
        assert.deepEqual(
          servable.signatures.serving_default!.inputs.map((i) => [i.key, i.dtype, i.shape]),
          [[inputKey, 'float32', [-1, 4]]],
        );
        const out = await servable.predict('serving_default', {
          [inputKey]: { dtype: 'float32', shape: [x.length, 4], data: Float32Array.from(x.flat()) },
        });
        const got = f32(out[outputKey]);
        for (const [i, v] of y.flat().entries()) assert.ok(Math.abs(got[i]! - v) <= 1e-6, `y[${i}] ${got[i]} vs ${v}`);
      } finally {
        servable.dispose();
      }
    });
  });
});
