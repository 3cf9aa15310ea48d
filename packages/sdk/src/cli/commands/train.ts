import * as path from 'node:path';
import type { Command } from 'commander';
import type { TrainingControl } from '../../callbacks/training-control';
import { loadRunFile } from '../../config';
import { invalidValue } from '../../core/errors';
import { createSdkContainerWithPlugins } from '../../sdk-container';
import { runTraining, type TrainOverrides } from '../../training/run-training';

interface TrainFlags {
  epochs?: string;
  batchSize?: string;
  backend?: string;
  strategy?: string;
  logdir?: string;
  checkpointDir?: string;
  metricsFile?: string;
  resume?: boolean;
  fresh?: boolean;
  backup: boolean;
  quiet?: boolean;
}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw invalidValue(name, value, 'a positive integer');
  return n;
}

/** Whether the run's own callbacks save the model (`model_checkpoint` by name, or a ModelCheckpoint instance). */
function savesCheckpoints(callbacks: readonly unknown[]): boolean {
  return callbacks.some((c) => {
    const name = typeof c === 'string' ? c : (c as { name?: unknown }).name;
    return name === 'model_checkpoint' || name === 'ModelCheckpoint';
  });
}

/**
 * `tfscale train <run-file>`: trains a run definition with Keras-style progress, a backup that
 * survives crashes and Ctrl-C, and optional TensorBoard logs and checkpoints.
 * @example
 *   registerTrainCommand(program); // tfscale train tfscale.json --epochs 5 --logdir runs/logs
 */
export function registerTrainCommand(program: Command): void {
  program
    .command('train <run-file>')
    .description('train the run defined in a tfscale.json (or a .js module exporting defineRun(...))')
    .option('--epochs <n>', 'override the number of epochs')
    .option('--batch-size <n>', 'override the batch size')
    .option('--backend <name>', 'auto, native, native-gpu, wasm or cpu')
    .option(
      '--strategy <name>',
      'one-device (default), mirrored, multi-worker-mirrored, parameter-server, or a plugin’s',
    )
    .option('--logdir <dir>', 'write TensorBoard logs here')
    .option('--checkpoint-dir <dir>', 'save a checkpoint (ckpt-{epoch:02d}) here every epoch')
    .option('--metrics-file <file>', 'stream progress as JSON lines here (MetricsStream; the VS Code charts read it)')
    .option('--resume', 'continue from the run’s backup; fail if there is none')
    .option('--fresh', 'discard the run’s backup and start over')
    .option('--no-backup', 'keep no backup (a crash or Ctrl-C then loses the run)')
    .option('--quiet', 'no progress output')
    .action(async (file: string, flags: TrainFlags) => {
      const runFile = path.resolve(file);
      const run = await loadRunFile(runFile);
      const overrides: TrainOverrides = {
        epochs: int('epochs', flags.epochs),
        batchSize: int('batch-size', flags.batchSize),
        backend: flags.backend,
        strategy: flags.strategy,
        logDir: flags.logdir,
        checkpointDir: flags.checkpointDir,
        metricsFile: flags.metricsFile,
        backup: !flags.backup ? false : flags.fresh ? 'fresh' : flags.resume ? 'require' : 'auto',
        verbose: flags.quiet ? 0 : undefined,
      };
      let control: TrainingControl | undefined;
      // Ctrl-C and SIGTERM (a preemption notice) stop after the current batch — in distributed
      // runs after the same batch on every replica — keep a backup, and exit 130 / 143, codes
      // TFJob's ExitCode restart policy treats as retryable. A second signal quits at once.
      const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
        if (!control || control.stopRequested || control.pendingStop) process.exit(signal === 'SIGINT' ? 130 : 143);
        const reason = signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : 'preempted (SIGTERM)';
        if (control.requestStop) control.requestStop(reason, { interrupted: true });
        else control.stopTraining(reason, { interrupted: true });
        console.error(`\n${reason}: stopping after this batch and saving a backup; again quits at once.`);
      };
      const onSigint = onSignal('SIGINT');
      const onSigterm = onSignal('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      try {
        const result = await runTraining(await createSdkContainerWithPlugins({ cwd: path.dirname(runFile) }), run, {
          overrides,
          baseDir: path.dirname(runFile),
          onControl: (c) => {
            control = c;
          },
        });
        const last = Object.fromEntries(Object.entries(result.history.history).map(([k, v]) => [k, v.at(-1)]));
        const metrics = Object.entries(last)
          .map(([k, v]) => `${k}: ${Number(v).toFixed(4)}`)
          .join(' - ');
        console.log(
          `done: ${result.history.epoch.length} epochs on ${result.backend}${result.tensorflow ? ` (TensorFlow ${result.tensorflow})` : ''} - ${metrics}`,
        );
        if (result.stopReason) console.log(`stopped early: ${result.stopReason}`);
        if (result.logDir) console.log(`TensorBoard logs: ${result.logDir}  (tensorboard --logdir ${result.logDir})`);
        if (result.checkpointDir) console.log(`checkpoints: ${result.checkpointDir}`);
        for (const e of result.exported) console.log(`exported ${e.format}: ${e.path}`);
        if (
          !result.checkpointDir &&
          result.exported.length === 0 &&
          !result.interrupted &&
          !savesCheckpoints(run.callbacks)
        ) {
          // Without this a first-time user trains, then finds nothing to export or serve.
          console.log(
            'model not saved: add --checkpoint-dir <dir> or a model_checkpoint callback (then `tfscale export <dir>/ckpt-NN`), or "exporters" to the run file',
          );
        }
        if (result.interrupted && result.backupDir) {
          console.log(`backup kept in ${result.backupDir}; run the same command again to continue`);
          process.exitCode = result.stopReason?.startsWith('preempted') ? 143 : 130;
        }
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      }
    });
}
