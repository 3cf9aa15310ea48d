/**
 * Alternative deployment, the chapter's "mobile/embedded and the browser": one trained model
 * exported as TF.js, TFLite (float32, and dynamic-range int8 through the API) and ONNX, with their
 * sizes; the ONNX file run in onnxruntime-node against the TF.js export; and the TF.js export
 * deployed as a static web page (`tfscale deploy --target browser`).
 *
 *   npm run build && node examples/dist/alternative-deployment/run.js    (EPOCHS=2 for a quick look)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import {
  BackendRegistryToken,
  createSdkContainerWithPlugins,
  ExporterRegistryToken,
  LoggerToken,
  loadTf,
  selectBackend,
  tfjsFolder,
} from '@tfscale/sdk';
import * as ort from 'onnxruntime-node';
import { tfscale } from '../support/cli';
import { argmax, digitRows, maxAbsDiff } from '../support/digits';
import { deployToBrowser } from './browser';

const RUN = path.resolve(__dirname, '../../alternative-deployment/tfscale.json');
const OUT = path.resolve(__dirname, '../../../runs/alternative-deployment');
const BASE = path.join(OUT, 'models', 'digits');

/** Total bytes of the files under `dir`. */
function folderBytes(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

/** Runs `file` in onnxruntime-node on float32 rows; the first output as rows. */
async function runOnnx(file: string, x: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(file);
  const input = new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, x[0]!.length]);
  const result = await session.run({ [session.inputNames[0]!]: input });
  const out = result[session.outputNames[0]!]!;
  const data = out.data as Float32Array;
  const cols = Number(out.dims[1]);
  await session.release();
  return Array.from({ length: x.length }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

/** Trains, exports every format, compares ONNX with TF.js, deploys the page; resolves to what the test checks. */
export async function main(epochs = Number(process.env.EPOCHS ?? 10)) {
  fs.rmSync(OUT, { recursive: true, force: true });
  const ckptDir = path.join(OUT, 'checkpoints');
  tfscale(['train', RUN, '--epochs', String(epochs), '--checkpoint-dir', ckptDir, '--fresh', '--quiet']);
  const checkpoint = path.join(ckptDir, `ckpt-${String(epochs).padStart(2, '0')}`);
  console.log(tfscale(['export', checkpoint, '--format', 'savedmodel,tfjs,tflite,onnx', '--out', BASE]).trim());

  // The TFLite exporter again, through the API, with dynamic-range int8 weights.
  const container = await createSdkContainerWithPlugins();
  await selectBackend(container.resolve(BackendRegistryToken));
  const tf = loadTf();
  const model = await tf.loadLayersModel(tfjsFolder(checkpoint));
  const tflite = container.resolve(ExporterRegistryToken).get('tflite')(
    {},
    { container, logger: container.resolve(LoggerToken) },
  );
  const int8 = await (await tflite).export(model, path.join(BASE, 'tflite-int8', '1'), { quantize: 'dynamic-int8' });
  console.log(`tflite-int8 ${int8.path}  (quantize: 'dynamic-int8' through the exporter API)`);

  const files = {
    savedmodel: path.join(BASE, '1'),
    tfjs: path.join(BASE, 'tfjs', '1'),
    tflite: path.join(BASE, 'tflite', '1', 'model.tflite'),
    'tflite-int8': path.join(BASE, 'tflite-int8', '1', 'model.tflite'),
    onnx: path.join(BASE, 'onnx', '1', 'model.onnx'),
  };
  const sizes = Object.fromEntries(
    Object.entries(files).map(([f, p]) => [f, fs.statSync(p).isDirectory() ? folderBytes(p) : fs.statSync(p).size]),
  );
  console.table(
    Object.fromEntries(Object.entries(sizes).map(([f, b]) => [f, { bytes: b, KiB: +(b / 1024).toFixed(1) }])),
  );

  // The TF.js export is the reference: what the browser page runs.
  const { x, labels } = digitRows(32);
  const tfjsModel = await tf.loadLayersModel(tfjsFolder(files.tfjs));
  const tfjs = (tfjsModel.predict(tf.tensor2d(x)) as Tensor).arraySync() as number[][];
  const onnx = await runOnnx(files.onnx, x);
  const onnxDiff = maxAbsDiff(onnx, tfjs);
  const agree = argmax(onnx).filter((c, i) => c === argmax(tfjs)[i]).length;
  console.log(`ONNX (onnxruntime-node) vs TF.js on ${x.length} digits: max |diff| ${onnxDiff.toExponential(2)}`);
  console.log(
    `  same class for ${agree}/${x.length}; right for ${argmax(onnx).filter((c, i) => c === labels[i]).length}`,
  );

  const browser = await deployToBrowser(BASE, path.join(OUT, 'site'));
  return { files, sizes, x, tfjs, onnx, onnxDiff, browser };
}

if (require.main === module)
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
