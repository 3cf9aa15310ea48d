/**
 * SavedModel export and loading it back, the chapter's way: train briefly, `tfscale export
 * --format savedmodel,tfjs`, print the signature as `saved_model_cli show --dir … --all` does, load
 * the SavedModel into TensorFlow from TypeScript and check its predictions equal the trained
 * model's on real digits.
 *
 *   npm run build && node examples/dist/savedmodel/run.js        (EPOCHS=2 for a quick look)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LoadedSavedModel, loadSavedModel, loadTf, type SignatureTensor, tfjsFolder } from '@tfscale/sdk';
import { tfscale } from '../support/cli';
import { argmax, digitRows, maxAbsDiff } from '../support/digits';

const RUN = path.resolve(__dirname, '../../savedmodel/tfscale.json');
const OUT = path.resolve(__dirname, '../../../runs/savedmodel');

const DT: Record<string, string> = { float32: 'DT_FLOAT', int32: 'DT_INT32', string: 'DT_STRING', bool: 'DT_BOOL' };

/** The signature in `saved_model_cli show --dir <dir> --all`'s layout. */
export function describeSignature(sm: LoadedSavedModel): string {
  const tensor = (kind: string, t: SignatureTensor) =>
    [
      `    ${kind}['${t.key}'] tensor_info:`,
      `        dtype: ${DT[t.dtype] ?? t.dtype}`,
      `        shape: (${t.shape.join(', ')})`,
      `        name: ${t.name}`,
    ].join('\n');
  return [
    `MetaGraphDef with tag-set: '${sm.tags.join(', ')}' contains the following SignatureDefs:`,
    '',
    `signature_def['${sm.signature}']:`,
    '  The given SavedModel SignatureDef contains the following input(s):',
    ...sm.inputs.map((t) => tensor('inputs', t)),
    '  The given SavedModel SignatureDef contains the following output(s):',
    ...sm.outputs.map((t) => tensor('outputs', t)),
    '  Method name is: tensorflow/serving/predict',
  ].join('\n');
}

/**
 * Trains, exports, loads back; resolves to the SavedModel folder, the inputs used, both models'
 * predictions and their largest difference.
 */
export async function main(epochs = Number(process.env.EPOCHS ?? 10)) {
  fs.rmSync(OUT, { recursive: true, force: true });
  const ckptDir = path.join(OUT, 'checkpoints');
  tfscale(['train', RUN, '--epochs', String(epochs), '--checkpoint-dir', ckptDir, '--fresh', '--quiet']);
  const checkpoint = path.join(ckptDir, `ckpt-${String(epochs).padStart(2, '0')}`);
  const base = path.join(OUT, 'models', 'digits');
  console.log(tfscale(['export', checkpoint, '--format', 'savedmodel,tfjs', '--out', base]).trim());
  const savedModelDir = path.join(base, '1');

  // TensorFlow itself runs the SavedModel (native backend); the trained model runs in TF.js.
  const sm = await loadSavedModel(savedModelDir);
  console.log(`\n$ saved_model_cli show --dir ${savedModelDir} --all   (from loadSavedModel)\n`);
  console.log(describeSignature(sm));

  const tf = loadTf();
  const trained = await tf.loadLayersModel(tfjsFolder(checkpoint));
  const { x, labels } = digitRows(16);
  const input = tf.tensor2d(x);
  const expected = (trained.predict(input) as import('@tensorflow/tfjs').Tensor).arraySync() as number[][];
  const served = sm.predict({ [sm.inputs[0]!.key]: input });
  const predictions = served[sm.outputs[0]!.key]!.arraySync() as number[][];
  sm.dispose();
  const maxDiff = maxAbsDiff(expected, predictions);
  const classes = argmax(predictions);
  const correct = classes.filter((c, i) => c === labels[i]).length;
  console.log(`\nSavedModel vs trained model on ${x.length} digits: max |diff| ${maxDiff.toExponential(2)}`);
  console.log(`SavedModel classes: ${classes.join(' ')}  (labels: ${labels.join(' ')}, ${correct} right)`);
  return { savedModelDir, signature: { inputs: sm.inputs, outputs: sm.outputs }, x, expected, predictions, maxDiff };
}

if (require.main === module)
  main().then(
    // Native TF threads may outlive the session; the work is done.
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
