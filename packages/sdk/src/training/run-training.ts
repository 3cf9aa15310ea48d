import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import type { DependencyContainer } from 'tsyringe';
import { NativeBackend } from '../backend/native-backend';
import { selectBackend } from '../backend/select-backend';
import { BackupAndRestore } from '../callbacks/backup-and-restore';
import type { Callback } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { MetricsStream } from '../callbacks/metrics-stream';
import { ModelCheckpoint } from '../callbacks/model-checkpoint';
import { ProgressBar } from '../callbacks/progress-bar';
import { TensorBoard } from '../callbacks/tensorboard';
import { type TrainingControl, TrainingControlToken } from '../callbacks/training-control';
import type { RunDefinition } from '../config';
import { addDisposable, createRunContainer, disposeContainer } from '../core/container';
import { TfscaleError } from '../core/errors';
import {
  BackendRegistryToken,
  CallbackRegistryToken,
  ExporterRegistryToken,
  LoggerToken,
  StrategyRegistryToken,
} from '../core/tokens';
import { prepareDistributedFit } from '../distribute/distributed-fit';
import type { Strategy } from '../distribute/strategy';
import type { ExportResult } from '../export/exporter';
import { buildModel, compileModel } from './build-model';
import { toTrainingData } from './data';
import type { FitOptions } from './fit-options';
import { modelLoaderRegistry } from './model-loader';
import { Trainer } from './trainer';

/** Command-line overrides of a run definition (`tfscale train --epochs …`). */
export interface TrainOverrides {
  epochs?: number;
  batchSize?: number;
  backend?: string;
  /** Adds a TensorBoard callback writing here. */
  logDir?: string;
  /** Adds a ModelCheckpoint writing `ckpt-{epoch:02d}` folders here. */
  checkpointDir?: string;
  /** Adds a MetricsStream appending JSON lines here (`tfscale train --metrics-file`). */
  metricsFile?: string;
  /**
   * BackupAndRestore in `<outputDir>/backup`: 'auto' (default) resumes a crashed or interrupted
   * run when a backup exists; 'require' fails when none exists; 'fresh' discards it; false: none.
   */
  backup?: 'auto' | 'require' | 'fresh' | false;
  verbose?: 0 | 1 | 2;
  /** Strategy name, overriding the run definition's (`tfscale train --strategy`). */
  strategy?: string;
}

/** What {@link runTraining} did. */
export interface TrainResult {
  history: History;
  model: LayersModel;
  backend: string;
  tensorflow?: string;
  outputDir: string;
  logDir?: string;
  checkpointDir?: string;
  backupDir?: string;
  /** Why training stopped early, if it did. */
  stopReason?: string;
  interrupted: boolean;
  /** What the run's `exporters` wrote after training (primary replica, finished runs only). */
  exported: ExportResult[];
}

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  overrides?: TrainOverrides;
  /** Folder relative paths of the run definition resolve against (the run file's folder). */
  baseDir?: string;
  /** Called with the run's control once training is set up (the CLI wires Ctrl-C to it). */
  onControl?: (control: TrainingControl) => void;
}

/**
 * Runs a training run definition end to end: backend, model, compile, data, callbacks, fit.
 * @example
 *   const result = await runTraining(createSdkContainer(), defineRun({ ... }), { overrides: { logDir: 'runs/x/logs' } });
 *   console.log(result.history.history.val_accuracy);
 */
export async function runTraining(
  root: DependencyContainer,
  run: RunDefinition,
  options: RunTrainingOptions = {},
): Promise<TrainResult> {
  const o = options.overrides ?? {};
  const baseDir = options.baseDir ?? process.cwd();
  const container = createRunContainer(root);
  try {
    const outputDir = path.resolve(baseDir, run.outputDir);
    const backupDir = o.backup === false ? undefined : path.join(outputDir, 'backup');
    // Checked before TensorFlow loads: a wrong --resume should fail at once.
    if (backupDir) await prepareBackup(backupDir, o.backup || 'auto');
    // Before TensorFlow loads: a strategy may pin devices (CUDA_VISIBLE_DEVICES) and thread counts.
    const strategy = await createStrategy(container, o.strategy ?? run.strategy, run.device);
    await strategy.setup({ logger: container.resolve(LoggerToken) });
    // Whatever happens next, disposing the run scope tears the strategy down (closes its sockets).
    addDisposable(container, { dispose: () => strategy.teardown() });
    const { tf, backend } = await selectBackend(root.resolve(BackendRegistryToken), o.backend ?? run.backend);
    const model = await buildModel(
      tf,
      run.model,
      baseDir,
      modelLoaderRegistry(container)
        .list()
        .map((e) => e.value),
    );
    if (run.compile) compileModel(tf, model, run.compile);
    const data = toTrainingData(run.data.train, { baseDir });
    const validationData = run.data.validation ? toTrainingData(run.data.validation, { baseDir }) : undefined;

    const callbacks: Callback[] = await instantiateCallbacks(container, run.callbacks, baseDir);
    const logDir = o.logDir && path.resolve(o.logDir);
    const checkpointDir = o.checkpointDir && path.resolve(o.checkpointDir);
    if (logDir) callbacks.push(new TensorBoard({ logDir }));
    if (checkpointDir) callbacks.push(new ModelCheckpoint({ filepath: path.join(checkpointDir, 'ckpt-{epoch:02d}') }));
    if (o.metricsFile) callbacks.push(new MetricsStream({ file: path.resolve(o.metricsFile) }));
    if (backupDir) callbacks.push(new BackupAndRestore({ backupDir }));
    const verbose = o.verbose ?? run.verbose ?? 1;
    if (verbose > 0) callbacks.push(new ProgressBar());

    const control = container.resolve(TrainingControlToken);
    options.onControl?.(control);
    const fitOptions: FitOptions = {
      epochs: o.epochs ?? run.epochs,
      initialEpoch: run.initialEpoch,
      batchSize: o.batchSize ?? run.data.batchSize,
      validationData,
      validationSplit: run.data.validationSplit,
      shuffle: run.data.shuffle,
      seed: run.data.seed,
      stepsPerEpoch: run.stepsPerEpoch,
      callbacks,
      verbose: strategy.isPrimary ? verbose : 0,
      stepMode: run.compile?.stepMode,
    };
    const distributed = strategy.prepareFit
      ? await strategy.prepareFit(model, data, fitOptions, control)
      : await prepareDistributedFit(strategy, model, data, fitOptions, control);
    // 'served': this process did its part without a Trainer (a parameter-server worker or ps).
    const history =
      distributed === 'served'
        ? new History()
        : await container.resolve(Trainer).fit(model, distributed.data, distributed.options);
    data.dispose?.();
    validationData?.dispose?.();
    // An interrupted run exports nothing: its model is half-trained; the rerun exports.
    const exported =
      strategy.isPrimary && !control.interrupted && distributed !== 'served'
        ? await runExporters(container, model, run.exporters, outputDir)
        : [];
    return {
      exported,
      history,
      model,
      backend: backend.name,
      tensorflow: backend.tfjsBackend === 'tensorflow' ? NativeBackend.loadedVersion(tf) : undefined,
      outputDir,
      logDir,
      checkpointDir,
      backupDir,
      stopReason: control.stopReason,
      interrupted: control.interrupted ?? false,
    };
  } finally {
    await disposeContainer(container);
  }
}

/** The run file's `exporters`: each format to its `path` (relative to outputDir), replaced each run. */
async function runExporters(
  container: DependencyContainer,
  model: LayersModel,
  exporters: RunDefinition['exporters'],
  outputDir: string,
): Promise<ExportResult[]> {
  const registry = container.resolve(ExporterRegistryToken);
  const logger = container.resolve(LoggerToken);
  const results: ExportResult[] = [];
  for (const e of exporters ?? []) {
    const format = e.format === 'saved-model' || e.format === 'saved_model' ? 'savedmodel' : e.format;
    const exporter = await registry.get(format)(e.options ?? {}, { container, logger });
    const destination = /^[a-z][a-z0-9+.-]*:\/\//i.test(e.path) ? e.path : path.resolve(outputDir, e.path);
    results.push(await exporter.export(model, destination, { overwrite: true, ...e.options }));
  }
  return results;
}

async function prepareBackup(dir: string, mode: 'auto' | 'require' | 'fresh'): Promise<void> {
  const exists = await fs.access(path.join(dir, 'checkpoint')).then(
    () => true,
    () => false,
  );
  if (mode === 'fresh') await fs.rm(dir, { recursive: true, force: true });
  if (mode === 'require' && !exists) {
    throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `Nothing to resume: no backup in ${dir}.`, {
      hint: 'drop --resume to start a new run (a backup is kept while a run is interrupted or crashed)',
    });
  }
}

/** The run's strategy: a name or `{ name, options }`, made by the factory registered under it. */
async function createStrategy(
  container: DependencyContainer,
  ref: RunDefinition['strategy'],
  device?: string,
): Promise<Strategy> {
  const { name, options } =
    typeof ref === 'string' ? { name: ref, options: {} } : { name: ref.name, options: ref.options ?? {} };
  const withDevice = device && name === 'one-device' ? { device, ...options } : options;
  return container.resolve(StrategyRegistryToken).get(name)(withDevice, {
    container,
    logger: container.resolve(LoggerToken),
  });
}

/** Callbacks named in a run definition, made by the factories registered under those names. */
async function instantiateCallbacks(
  container: DependencyContainer,
  refs: RunDefinition['callbacks'],
  baseDir: string,
): Promise<Callback[]> {
  const registry = container.resolve(CallbackRegistryToken);
  const logger = container.resolve(LoggerToken);
  const out: Callback[] = [];
  for (const ref of refs) {
    if (typeof ref === 'string') out.push(await registry.get(ref)({}, { container, logger }));
    else if ('name' in ref && typeof ref.name === 'string' && !hasHooks(ref)) {
      out.push(
        await registry.get(ref.name)(resolvePaths((ref as { options?: Record<string, unknown> }).options, baseDir), {
          container,
          logger,
        }),
      );
    } else out.push(ref as Callback);
  }
  return out;
}

/** Option keys that name files or folders: relative ones are relative to the run file, like data paths. */
const PATH_OPTIONS = ['filepath', 'logDir', 'backupDir', 'filename', 'file'];

function resolvePaths(options: Record<string, unknown> | undefined, baseDir: string): Record<string, unknown> {
  const out = { ...options };
  for (const key of PATH_OPTIONS) {
    const v = out[key];
    if (typeof v === 'string' && v !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) out[key] = path.resolve(baseDir, v);
  }
  return out;
}

function hasHooks(value: object): boolean {
  return Object.keys(value).some((k) => k.startsWith('on') || k === 'setContext');
}
