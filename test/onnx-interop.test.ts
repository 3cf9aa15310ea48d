/**
 * ONNX export checked by the real tools: every zoo model (all layers the graph exporters
 * support) run by onnxruntime-node and by Python onnxruntime at two batch sizes against tfjs,
 * `onnx.checker.check_model(full_check=True)` on each, TF Serving REST answers of the onnx runtime
 * against the SavedModel runtime for the same models, and `tfscale export` + `tfscale serve`.
 * Tolerance everywhere: |onnx - tfjs| <= 1e-5 + 1e-5 * |tfjs| per element.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type * as tf from '@tensorflow/tfjs';
import { modelToOnnx, OnnxExporter, type SignatureTensor } from '@tfscale/plugin-exporter-onnx';
import { LAYER_EMITTERS, loadTf, SUPPORTED_ACTIVATIONS } from '@tfscale/sdk';
import * as ort from 'onnxruntime-node';
import { randomizeWeights, sampleInputs, seeded, ZOO, type ZooModel, zooCoverage } from './support/model-zoo';
import { writeNpy } from './support/npy';
import { interopPython } from './support/python';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'test', 'interop', 'onnx_check.py');

/** Elements failing the tolerance, and the largest absolute error. */
function compare(got: ArrayLike<number>, want: ArrayLike<number>): { bad: number; maxErr: number } {
  let bad = 0;
  let maxErr = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    maxErr = Math.max(maxErr, err);
    if (!(err <= 1e-5 + 1e-5 * Math.abs(want[i]!))) bad++;
  }
  return { bad, maxErr };
}

interface Run {
  readonly inputs: tf.Tensor[];
  readonly expected: tf.Tensor[];
}
interface Case {
  readonly file: string;
  readonly inputs: readonly SignatureTensor[];
  readonly outputs: readonly SignatureTensor[];
  readonly runs: Run[];
}
type Compared = [number[], number | null, number | null];
interface Report {
  check: string;
  ir_version: number;
  opset: Record<string, number>;
  inputs: Record<string, [string, Array<number | string>]>;
  outputs: Record<string, [string, Array<number | string>]>;
  runs?: Record<string, Compared>[];
  error?: string;
}

/** The zoo entry with another batch size. */
function withBatch(entry: ZooModel, batch: number): ZooModel {
  return { ...entry, inputs: entry.inputs.map((i) => ({ ...i, shape: [batch, ...i.shape.slice(1)] })) };
}

describe('ONNX export of the model zoo (onnxruntime-node, Python onnx + onnxruntime)', function () {
  this.timeout(240_000);
  const tfjs = loadTf();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-onnx-interop-'));
  const cases = new Map<string, Case>();
  const { classes, activations, collect } = zooCoverage();

  before(async () => {
    for (const [i, entry] of ZOO.entries()) {
      const model = entry.build();
      collect(model.layers);
      randomizeWeights(model, seeded(100 + i));
      const target = path.join(dir, entry.name);
      const written = await new OnnxExporter().export(model, target);
      const { bytes, inputs, outputs } = modelToOnnx(model);
      const file = path.join(written.path, written.files[0]!);
      assert.deepEqual(
        fs.readFileSync(file),
        Buffer.from(bytes),
        `${entry.name}: the exporter writes modelToOnnx's bytes`,
      );
      const runs = [entry.inputs[0]!.shape[0]!, 5].map((batch): Run => {
        const xs = sampleInputs(withBatch(entry, batch), model, seeded(200 + i + batch));
        const ys = model.predict(xs.length === 1 ? xs[0]! : xs);
        return { inputs: xs, expected: Array.isArray(ys) ? ys : [ys] };
      });
      cases.set(entry.name, { file, inputs, outputs, runs });
    }
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the zoo uses every layer class and activation the graph exporters support', () => {
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
    it(`${entry.name}: onnxruntime-node predicts what tfjs predicts, at two batch sizes`, async () => {
      const c = cases.get(entry.name)!;
      const session = await ort.InferenceSession.create(c.file, { intraOpNumThreads: 1 });
      try {
        for (const r of c.runs) {
          const feeds = Object.fromEntries(
            c.inputs.map((s, j) => {
              const x = r.inputs[j]!;
              const data = x.dtype === 'int32' ? (x.dataSync() as Int32Array) : (x.dataSync() as Float32Array);
              return [s.key, new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', data, x.shape)];
            }),
          );
          const out = await session.run(feeds);
          for (const [j, o] of c.outputs.entries()) {
            const got = out[o.key] as ort.Tensor;
            const want = r.expected[j]!;
            const what = `${entry.name}/${o.key} at batch ${r.inputs[0]!.shape[0]}`;
            assert.deepEqual([...got.dims], want.shape, `${what}: shape`);
            const { bad, maxErr } = compare(got.data as Float32Array, want.dataSync());
            assert.equal(bad, 0, `${what}: ${bad} elements off, max |error| ${maxErr}`);
          }
        }
      } finally {
        await session.release();
      }
    });
  }

  it('an ONNX-only gap is a coded error before anything is written', async () => {
    // A Reshape to a 0-sized dimension: ONNX's Reshape would copy the input dimension instead.
    const model = tfjs.sequential({ layers: [tfjs.layers.reshape({ inputShape: [0], targetShape: [0, 3] })] });
    const target = path.join(dir, 'zero');
    await assert.rejects(new OnnxExporter().export(model, target), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'TFSCALE_E_EXPORT_UNSUPPORTED_LAYER');
      assert.match(err.message, /layer scope `reshape_Reshape\d+` to onnx: TensorFlow op Reshape .*Received: shape=/);
      return true;
    });
    assert.equal(fs.existsSync(target), false);
  });

  describe('Python: onnx.checker and onnxruntime', () => {
    let reports: Record<string, Report>;

    before(async function () {
      const found = interopPython();
      if (!found.path) {
        console.log(`    skipped: ${found.reason}`);
        return this.skip();
      }
      const manifest = [...cases.entries()].map(([name, c]) => ({
        name,
        model: c.file,
        runs: c.runs.map((r, k) => {
          const npy = (kind: string, key: string, t: tf.Tensor) => {
            const file = path.join(dir, name, `${kind}_${k}_${key}.npy`);
            writeNpy(file, t.dataSync() as Float32Array | Int32Array, t.shape);
            return file;
          };
          return {
            inputs: Object.fromEntries(c.inputs.map((s, j) => [s.key, npy('in', s.key, r.inputs[j]!)])),
            expected: Object.fromEntries(c.outputs.map((s, j) => [s.key, npy('out', s.key, r.expected[j]!)])),
          };
        }),
      }));
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ cases: manifest }));
      const { stdout } = await run(found.path, [script, path.join(dir, 'manifest.json')], { maxBuffer: 64 << 20 });
      reports = JSON.parse(stdout) as Record<string, Report>;
    });

    it('every model passes onnx.checker.check_model(model, full_check=True): opset 17, IR 8', () => {
      for (const name of cases.keys()) {
        const r = reports[name]!;
        assert.equal(r.check, 'ok', `${name}: ${r.check}`);
        assert.deepEqual([r.opset, r.ir_version], [{ '': 17 }, 8], name);
      }
    });

    it('inputs and outputs carry the signature keys and dtypes, the batch dimension symbolic', () => {
      const elem = { float32: 'FLOAT', int32: 'INT32' } as Record<string, string>;
      for (const [name, c] of cases) {
        for (const kind of ['inputs', 'outputs'] as const) {
          const want = Object.fromEntries(
            c[kind].map((s) => [
              s.key,
              [elem[s.dtype], s.shape!.map((d, i) => d ?? (i === 0 ? 'batch' : `${s.key}_dim${i}`))],
            ]),
          );
          assert.deepEqual(reports[name]![kind], want, `${name} ${kind}`);
        }
      }
      assert.deepEqual(reports.free_length!.inputs.sequence, ['FLOAT', ['batch', 'sequence_dim1', 6]]);
      assert.deepEqual(reports.text_encoder!.inputs.token_ids, ['INT32', ['batch', 7]]);
    });

    it('Python onnxruntime predicts what tfjs predicts, at two batch sizes', () => {
      for (const [name, c] of cases) {
        const r = reports[name]!;
        assert.equal(r.error, undefined, r.error);
        for (const [k, run] of c.runs.entries()) {
          for (const [j, o] of c.outputs.entries()) {
            const [shape, maxErr, bad] = r.runs![k]![o.key]!;
            const what = `${name}/${o.key} run ${k}`;
            assert.deepEqual(shape, run.expected[j]!.shape, `${what}: shape`);
            assert.equal(bad, 0, `${what}: ${bad} elements off, max |error| ${maxErr}`);
          }
        }
      }
    });
  });
});
