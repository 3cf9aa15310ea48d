import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  loadTf,
  type Servable,
  ServingError,
  type ServingTensor,
  selectRuntime,
  type Tf,
  writeSavedModel,
} from '@tfscale/sdk';
import { canonicalModel } from '@tfscale/sdk/testing';
import { ONNX_IR_VERSION, ONNX_OPSET } from './model-to-onnx';
import { ONNX_MODEL_FILE, OnnxExporter } from './onnx-exporter';
import { encodeOnnxModel, ONNX_DTYPE, type OnnxDType } from './onnx-proto';
import { OnnxServingRuntime } from './onnx-runtime';

const tf: Tf = loadTf();

/** A hand-written ONNX model: one Identity per dtype, input `in_<dtype>` -> output `out_<dtype>`. */
function identities(dtypes: OnnxDType[]): Uint8Array {
  const info = (name: string, dtype: OnnxDType) => ({
    name,
    type: { tensorType: { elemType: ONNX_DTYPE[dtype], shape: { dim: [{ dimParam: 'n' }] } } },
  });
  return encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: 'identities',
      node: dtypes.map((d) => ({
        name: d,
        opType: 'Identity',
        input: [`in_${d}`],
        output: [`out_${d}`],
        attribute: [],
      })),
      initializer: [],
      input: dtypes.map((d) => info(`in_${d}`, d)),
      output: dtypes.map((d) => info(`out_${d}`, d)),
    },
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ServingError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

describe('OnnxServingRuntime', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-onnx-runtime-'));
  const model = canonicalModel();
  const dir = path.join(tmp, 'digits', '1');
  let servable: Servable;
  const runtime = new OnnxServingRuntime();

  before(async () => {
    await new OnnxExporter().export(model, dir);
    servable = await runtime.load(dir);
  });
  after(async () => {
    await servable?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('claims folders holding model.onnx, ahead of the SavedModel runtime when both are there', async () => {
    assert.equal(await runtime.canLoad(dir), true);
    assert.equal(await runtime.canLoad(tmp), false);
    const both = path.join(tmp, 'both');
    await writeSavedModel(model, both);
    assert.equal(await runtime.canLoad(both), false);
    fs.copyFileSync(path.join(dir, ONNX_MODEL_FILE), path.join(both, ONNX_MODEL_FILE));
    const { SavedModelRuntime } = await import('@tfscale/sdk');
    const chosen = await selectRuntime([new SavedModelRuntime(), runtime], both);
    assert.equal(chosen.name, 'onnx');
  });

  it('reports one serving_default predict signature with the ONNX names, dtypes and -1 for the batch', () => {
    const key = model.inputs[0]!.sourceLayer.name;
    assert.deepEqual(servable.signatures, {
      serving_default: {
        methodName: 'tensorflow/serving/predict',
        inputs: [{ key, name: key, dtype: 'float32', shape: [-1, 8] }],
        outputs: [
          {
            key: model.outputs[0]!.sourceLayer.name,
            name: model.outputs[0]!.sourceLayer.name,
            dtype: 'float32',
            shape: [-1, 3],
          },
        ],
      },
    });
    assert.equal(servable.runtime, 'onnx');
  });

  it('predicts what tfjs predicts, at batch 1 and 5, and honours an output filter', async () => {
    const [input] = servable.signatures.serving_default!.inputs;
    const [output] = servable.signatures.serving_default!.outputs;
    for (const batch of [1, 5]) {
      const x = tf.randomNormal([batch, 8], 0, 1, 'float32', 3);
      const out = await servable.predict(
        'serving_default',
        { [input!.key]: { dtype: 'float32', shape: [batch, 8], data: x.dataSync() as Float32Array } },
        [output!.key],
      );
      const y = out[output!.key]!;
      assert.deepEqual(y.shape, [batch, 3]);
      const want = (model.predict(x) as ReturnType<Tf['tensor']>).dataSync();
      for (const [i, w] of want.entries()) assert.ok(Math.abs((y.data as Float32Array)[i]! - w) <= 1e-5 + 1e-5 * w);
    }
  });

  it('refuses requests the way TF Serving does (unknown signature, wrong dtype or shape)', async () => {
    const [input] = servable.signatures.serving_default!.inputs;
    const ok: ServingTensor = { dtype: 'float32', shape: [1, 8], data: new Float32Array(8) };
    await rejectsWith(servable.predict('other', { [input!.key]: ok }), 'FAILED_PRECONDITION', /"other" not found/);
    await rejectsWith(
      servable.predict('serving_default', { [input!.key]: { ...ok, dtype: 'int32', data: new Int32Array(8) } }),
      'INVALID_ARGUMENT',
      /Expects arg\[0\] to be float but int32 is provided/,
    );
    await rejectsWith(
      servable.predict('serving_default', { [input!.key]: { ...ok, shape: [2, 4] } }),
      'INVALID_ARGUMENT',
      /has shape \[2,4\], which is incompatible with the signature's \[-1,8\]/,
    );
  });

  it('carries every dtype both ways: int64 in full, bool, strings as bytes', async () => {
    const idDir = path.join(tmp, 'identities', '1');
    fs.mkdirSync(idDir, { recursive: true });
    fs.writeFileSync(path.join(idDir, ONNX_MODEL_FILE), identities(['int64', 'bool', 'string', 'float64', 'uint8']));
    const ids = await runtime.load(idDir);
    try {
      const inputs = {
        in_int64: { dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n) },
        in_bool: { dtype: 'bool', shape: [3], data: Uint8Array.of(1, 0, 1) },
        in_string: { dtype: 'string', shape: [2], data: [Buffer.from('héllo'), Buffer.from('')] },
        in_float64: { dtype: 'float64', shape: [1], data: Float64Array.of(Math.PI) },
        in_uint8: { dtype: 'uint8', shape: [2], data: Uint8Array.of(0, 255) },
      } as const;
      const out = await ids.predict('serving_default', inputs as never);
      for (const [key, t] of Object.entries(inputs)) {
        const got = out[key.replace('in_', 'out_')]!;
        assert.equal(got.dtype, t.dtype);
        assert.deepEqual(got.shape, t.shape);
        const norm = (d: unknown) =>
          Array.isArray(d) ? d.map((b) => Buffer.from(b).toString()) : [...(d as Iterable<unknown>)];
        assert.deepEqual(norm(got.data), norm(t.data), key);
      }
    } finally {
      await ids.dispose();
    }
  });

  it('a model.onnx ONNX Runtime cannot parse is DATA_LOSS; threads must be a positive integer', async () => {
    const bad = path.join(tmp, 'bad', '1');
    fs.mkdirSync(bad, { recursive: true });
    fs.writeFileSync(path.join(bad, ONNX_MODEL_FILE), 'not a model');
    await rejectsWith(runtime.load(bad), 'DATA_LOSS', /ONNX Runtime could not load .*model\.onnx/);
    assert.throws(
      () => new OnnxServingRuntime({ intraOpNumThreads: 0 }),
      (err: Error & { code?: string }) =>
        err.code === 'TFSCALE_E_INVALID_VALUE' && /`intraOpNumThreads`.*a positive integer/.test(err.message),
    );
    const four = await new OnnxServingRuntime({ intraOpNumThreads: 4 }).load(dir);
    await four.dispose();
  });
});
