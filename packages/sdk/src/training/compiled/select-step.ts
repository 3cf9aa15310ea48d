import type { LayersModel, layers, Optimizer } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import type { Logger } from '../../core/logger';
import type { TensorBatch } from '../data/training-data';
import { type GradientHook, TrainStep } from '../train-step';
import { loadGraphAddon } from './addon';
import { CompiledTrainStep, type StepThreads } from './compiled-step';
import { graphMetric } from './loss-graph';
import { type OptimizerPlan, optimizerPlan } from './optimizer-graph';
import { compiledFunctions } from './step-graph';

/**
 * How the Trainer runs a step: 'compiled' (one TensorFlow session call), 'eager' (tfjs op by op)
 * or 'auto' (compiled when the model, loss, optimizer and addon allow it, else eager).
 * @example
 *   const mode: StepMode = 'auto';
 */
export type StepMode = 'auto' | 'compiled' | 'eager';

/**
 * What the Trainer needs of a step.
 * @example
 *   const values = await step.run(xs, ys, 32); await step.sync?.();
 */
export interface TrainStepRunner {
  readonly names: string[];
  /** Which kind of step runs ('compiled' or 'eager'). */
  readonly mode: 'compiled' | 'eager';
  run(xs: TensorBatch, ys: TensorBatch, size?: number): Promise<Float32Array>;
  /** Brings the tfjs model (and optimizer) up to date with the step's own copy of the weights. */
  sync(): Promise<void>;
}

/** Layers whose training behaviour differs from inference (the graph builder writes inference). */
const TRAINING_DIFFERS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'AlphaDropout',
  'GaussianDropout',
  'GaussianNoise',
  'BatchNormalization',
]);

function allLayers(model: LayersModel): layers.Layer[] {
  return model.layers.flatMap((l) => {
    const nested = l as unknown as Partial<LayersModel>;
    return Array.isArray(nested.layers) ? [l, ...allLayers(nested as LayersModel)] : [l];
  });
}

/**
 * Why `model` cannot train with the compiled step, or undefined when it can (as far as can be
 * told before building the graph: the build itself may still refuse an option or activation).
 * @example
 *   compiledStepBlocker(model); // "layer `dropout_1` (Dropout) trains differently from inference"
 */
export function compiledStepBlocker(model: LayersModel): string | undefined {
  const { reason } = loadGraphAddon();
  if (reason) return reason;
  if (!model.optimizer) return 'the model is not compiled';
  const plan = optimizerPlan(model.optimizer);
  if ('reason' in plan) return plan.reason;
  const { losses, metrics } = compiledFunctions(model);
  for (const fn of [...losses, ...metrics.map(([f]) => f)]) {
    if (!graphMetric(fn)) return `the loss or metric ${fn.name.replace(/\$\d+$/, '')} has no compiled form`;
  }
  for (const layer of allLayers(model)) {
    const cls = layer.getClassName();
    if (TRAINING_DIFFERS.has(cls)) return `layer \`${layer.name}\` (${cls}) trains differently from inference`;
    const config = layer.getConfig() as Record<string, unknown>;
    const reg = Object.keys(config).find((k) => k.endsWith('Regularizer') && config[k] != null);
    if (reg) return `layer \`${layer.name}\` has a ${reg} (penalties are not compiled)`;
  }
  return undefined;
}

/**
 * The step a fit runs: compiled when `mode` allows and nothing blocks it, eager otherwise, with a
 * one-line notice naming the reason. A compiled step whose graph build fails (an option, an
 * activation or a gradient TensorFlow lacks) falls back at its first batch, with the same notice.
 * @example
 *   const step = selectTrainStep(tf, model, { mode: 'auto', logger });
 */
export function selectTrainStep(
  tf: Tf,
  model: LayersModel,
  options: { mode?: StepMode; hook?: GradientHook; logger: Logger; threads?: StepThreads },
): TrainStepRunner {
  const mode = options.mode ?? 'auto';
  const eager = () => eagerRunner(new TrainStep(tf, model, options.hook));
  if (mode === 'eager') return eager();
  const notice = (reason: string) =>
    (mode === 'compiled' ? options.logger.warn : options.logger.info).call(
      options.logger,
      `Training step: eager (${reason}).`,
    );
  const blocker = compiledStepBlocker(model);
  if (blocker) {
    notice(blocker);
    return eager();
  }
  // Successive fits of one model reuse its step (graph, session and Grappler's work) when nothing
  // it was built from changed.
  const key = JSON.stringify(options.threads ?? {});
  const hit = STEPS.get(model);
  let compiled: CompiledTrainStep;
  if (hit && hit.optimizer === model.optimizer && hit.hook === options.hook && hit.threads === key) {
    compiled = hit.step;
  } else {
    const plan = optimizerPlan(model.optimizer) as OptimizerPlan;
    compiled = new CompiledTrainStep(tf, model, loadGraphAddon().addon!, plan, options.hook, options.threads);
    STEPS.set(model, { step: compiled, optimizer: model.optimizer, hook: options.hook, threads: key });
  }
  let current: TrainStepRunner | undefined;
  return {
    names: compiled.names,
    get mode() {
      return current?.mode ?? 'compiled';
    },
    async run(xs, ys, size) {
      if (!current) {
        try {
          const fns = compiled.fns;
          compiled.prepare(
            fns.targets(ys).map((t) => ({ dtype: t.dtype === 'int32' ? 'int32' : 'float32', rank: t.rank })),
          );
          current = {
            names: compiled.names,
            mode: 'compiled',
            run: (a, b, c) => compiled.run(a, b, c),
            sync: () => compiled.sync(),
          };
          options.logger.debug('Training step: compiled (one TensorFlow session call per step).');
        } catch (err) {
          notice(`the step graph cannot be built: ${(err as Error).message.split('\n')[0]}`);
          current = eager();
        }
      }
      return current.run(xs, ys, size);
    },
    sync: () => current?.sync() ?? Promise.resolve(),
  };
}

const STEPS = new WeakMap<
  LayersModel,
  { step: CompiledTrainStep; optimizer: Optimizer; hook?: GradientHook; threads: string }
>();

function eagerRunner(step: TrainStep): TrainStepRunner {
  return { names: step.names, mode: 'eager', run: (xs, ys, size) => step.run(xs, ys, size), sync: async () => {} };
}
