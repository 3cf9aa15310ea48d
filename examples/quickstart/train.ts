/**
 * Quickstart (`npm start`): trains the run in `tfscale.json` — a small classifier on the committed
 * handwritten-digits data — on the fastest backend here, with TensorBoard logs, a checkpoint per
 * epoch and a backup that survives a crash, exports the trained model (SavedModel and TF.js) under
 * a TF Serving version folder, and prints Keras-style metrics and where everything is.
 */
import * as path from 'node:path';
import {
  createSdkContainer,
  ExporterRegistryToken,
  exportModel,
  loadRunFile,
  runTraining,
  type TrainResult,
} from '@tfscale/sdk';

const RUN_FILE = path.resolve(__dirname, '../../quickstart/tfscale.json');

/** Trains and exports; resolves to what {@link runTraining} returned and the export folder. */
export async function main(
  epochs = process.env.EPOCHS ? Number(process.env.EPOCHS) : undefined,
): Promise<TrainResult & { exported: string[] }> {
  const run = await loadRunFile(RUN_FILE);
  const outputDir = path.resolve(path.dirname(RUN_FILE), run.outputDir);
  const container = createSdkContainer();
  const result = await runTraining(container, run, {
    baseDir: path.dirname(RUN_FILE),
    overrides: {
      epochs,
      logDir: path.join(outputDir, 'logs'),
      checkpointDir: path.join(outputDir, 'checkpoints'),
      verbose: process.stdout.isTTY ? 1 : 2,
    },
  });
  const last = (k: string) => result.history.history[k]?.at(-1)?.toFixed(4);
  console.log(`backend: ${result.backend}${result.tensorflow ? ` (TensorFlow ${result.tensorflow})` : ''}`);
  console.log(
    `final: loss ${last('loss')} - accuracy ${last('accuracy')} - val_loss ${last('val_loss')} - val_accuracy ${last('val_accuracy')}`,
  );
  console.log(`TensorBoard logs: ${result.logDir}  (view: tensorboard --logdir ${result.logDir})`);
  console.log(`checkpoints:      ${result.checkpointDir}`);

  const base = path.join(outputDir, 'models', 'digits');
  const formats = ['savedmodel', 'tfjs'].filter((f) => container.resolve(ExporterRegistryToken).has(f));
  const { version, results } = await exportModel(container, result.model, { formats, base });
  for (const r of results) console.log(`exported ${r.format.padEnd(10)} ${r.path}`);
  console.log(`model version ${version} in ${base}`);
  return { ...result, exported: results.map((r) => r.path) };
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
