import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, type Tf } from '@tfscale/sdk';
import { canonicalModel, describeExporterConformance, expectCodedError } from '@tfscale/sdk/testing';
import * as ort from 'onnxruntime-node';
import { ONNX_IR_VERSION, ONNX_OPSET } from './model-to-onnx';
import { ONNX_MODEL_FILE, OnnxExporter } from './onnx-exporter';
import { decodeOnnxModel, ONNX_DTYPE } from './onnx-proto';
import { assertClose } from './test-support';

const tf: Tf = loadTf();

describe('OnnxExporter', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-onnx-exporter-'));
  let n = 0;
  const fresh = () => path.join(tmp, `export-${n++}`);
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describeExporterConformance('onnx', () => () => new OnnxExporter(), {
    makeModel: () => canonicalModel(),
    makeDestination: fresh,
  });

  it('writes <dir>/model.onnx: opset 17, inputs and outputs named like the SavedModel signature, batch dynamic', async () => {
    const model = canonicalModel();
    const dir = fresh();
    const result = await new OnnxExporter().export(model, `file://${dir}`);
    assert.deepEqual(result.files, [ONNX_MODEL_FILE]);
    assert.equal(result.path, dir);
    const bytes = fs.readFileSync(path.join(dir, ONNX_MODEL_FILE));
    assert.equal(result.bytes, bytes.length);
    const onnx = decodeOnnxModel(bytes);
    assert.equal(onnx.irVersion, ONNX_IR_VERSION);
    assert.deepEqual(onnx.opsetImport, [{ domain: '', version: ONNX_OPSET }]);
    assert.equal(onnx.producerName, 'tfscale');
    const dims = (v: (typeof onnx.graph.input)[number]) => v.type.tensorType.shape?.dim;
    const inputKey = model.inputs[0]!.sourceLayer.name.replace(/[^A-Za-z0-9_.-]/g, '_');
    assert.deepEqual(
      onnx.graph.input.map((v) => [v.name, v.type.tensorType.elemType, dims(v)]),
      [[inputKey, ONNX_DTYPE.float32, [{ dimParam: 'batch' }, { dimValue: 8 }]]],
    );
    assert.deepEqual(
      onnx.graph.output.map((v) => [v.name, dims(v)]),
      [[model.outputs[0]!.sourceLayer.name, [{ dimParam: 'batch' }, { dimValue: 3 }]]],
    );
    // Weights are initializers with little-endian raw data equal to the layer's weights.
    const kernel = onnx.graph.initializer.find((t) => t.dims.join() === '8,16')!;
    assert.deepEqual(
      new Float32Array(new Uint8Array(kernel.rawData!).buffer),
      model.layers[0]!.getWeights()[0]!.dataSync(),
    );

    const session = await ort.InferenceSession.create(path.join(dir, ONNX_MODEL_FILE));
    try {
      for (const batch of [1, 4]) {
        const x = tf.randomNormal([batch, 8], 0, 1, 'float32', batch);
        const out = await session.run({ [inputKey]: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) });
        assertClose(
          out[session.outputNames[0]!] as ort.Tensor,
          model.predict(x) as ReturnType<Tf['tensor']>,
          `batch ${batch}`,
        );
      }
    } finally {
      await session.release();
    }
  });

  it('writes a destination ending in .onnx as that file', async () => {
    const file = path.join(fresh(), 'digits.onnx');
    const result = await new OnnxExporter().export(canonicalModel(), file);
    assert.deepEqual([result.path, result.files], [path.dirname(file), ['digits.onnx']]);
    assert.equal(fs.statSync(file).size, result.bytes);
  });

  it('refuses an existing destination unless overwrite is set', async () => {
    const dir = fresh();
    const exporter = new OnnxExporter();
    await exporter.export(canonicalModel(), dir);
    await expectCodedError(() => exporter.export(canonicalModel(), dir), 'TFSCALE_E_INVALID_VALUE');
    const model = canonicalModel({ hidden: 4 });
    await exporter.export(model, dir, { overwrite: true });
    const onnx = decodeOnnxModel(fs.readFileSync(path.join(dir, ONNX_MODEL_FILE)));
    assert.ok(onnx.graph.initializer.some((t) => t.dims.join() === '8,4'));
  });

  it('an unsupported layer is TFSCALE_E_EXPORT_UNSUPPORTED_LAYER naming layer and format, and nothing is written', async () => {
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ inputShape: [8, 2], filters: 2, kernelSize: 3, name: 'c1' })],
    });
    const dir = fresh();
    const err = await expectCodedError(
      () => new OnnxExporter().export(model, dir),
      'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER',
    );
    assert.match(err.message, /layer `c1` \(Conv1D\) to onnx: layer class Conv1D is not supported/);
    assert.equal(fs.existsSync(dir), false);
  });

  it('refuses what is not a tfjs LayersModel', async () => {
    await expectCodedError(() => new OnnxExporter().export({ weights: [] }, fresh()), 'TFSCALE_E_INVALID_VALUE');
  });
});
