/**
 * Quickstart (`npm start`): trains the run in `tfscale.json` — a small classifier on the committed
 * handwritten-digits data — on the fastest backend here, with TensorBoard logs, a checkpoint per
 * epoch and a backup that survives a crash, exports the trained model (SavedModel and TF.js) under
 * a TF Serving version folder, prints Keras-style metrics and where everything is, then serves the
 * model (TF Serving REST + gRPC) with a curl line to try, until Ctrl-C. `SERVE=0` stops after export.
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
import { serveQuickstart } from './serve';

const RUN_FILE = path.resolve(__dirname, '../../quickstart/tfscale.json');

/** Trains and exports; resolves to what {@link runTraining} returned and the export folder. */
export async function main(
  epochs = process.env.EPOCHS ? Number(process.env.EPOCHS) : undefined,
): Promise<TrainResult & { base: string }> {
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
  return { ...result, exported: [...result.exported, ...results], base };
}

/** Serves the export until SIGINT/SIGTERM, then drains in-flight requests and exits 0. */
async function serve(base: string): Promise<void> {
  const port = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const { server, curl, label } = await serveQuickstart(base, 'digits', {
    rest: port(process.env.REST_PORT),
    grpc: port(process.env.GRPC_PORT),
  });
  console.log(
    `\nServing digits (TF Serving API): REST http://127.0.0.1:${server.rest!.port}, gRPC 127.0.0.1:${server.grpcPort}`,
  );
  console.log(`Ask it about the first digit in the data set (a ${label}); the answer is 10 class probabilities:`);
  console.log(`  ${curl}`);
  console.log('Ctrl-C stops the server.');
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve, resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('server stopped');
}

if (require.main === module) {
  main()
    .then((result) => (process.env.SERVE === '0' ? undefined : serve(result.base)))
    .then(
      // Native TF threads may outlive the session; the work is done.
      () => process.exit(process.exitCode ?? 0),
      (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
}
