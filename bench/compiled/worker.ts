/*
 * One compiled-step training-throughput measurement, run in its own process by bench/compiled.js.
 *
 *   node bench/dist/compiled/worker.js '<json spec>'
 *
 * Models (Adam 1e-3, categorical cross-entropy, batch 128, seeded synthetic data in backend
 * memory before anything is timed; same as bench/compiled/keras_compiled.py):
 *   mlp  784 -> 256 (relu) -> 10 (softmax)
 *   cnn  28x28x1 -> Conv2D(16, 3, relu) -> Conv2D(32, 3, relu) -> Flatten -> Dense(10, softmax)
 * Implementations, each one epoch over the same samples, shuffled, after an untimed warm-up:
 *   compiled  the SDK's Trainer.fit with stepMode 'compiled' (one TensorFlow session call per step)
 *   eager     the SDK's Trainer.fit with stepMode 'eager' (tfjs op by op)
 *   fit       tfjs's own model.fit
 * Prints one line `@@BENCH <json>`.
 */

import type { LayersModel, Tensor } from '@tensorflow/tfjs';

type TF = typeof import('@tensorflow/tfjs');

export type Impl = 'compiled' | 'eager' | 'fit';
export type ModelKind = 'mlp' | 'cnn';

export interface WorkerSpec {
  impl: Impl;
  model: ModelKind;
  samples: number;
  warmupSteps: number;
  batchSize: number;
  seed: number;
  /** Compiled step session threads (0: TensorFlow decides). */
  intraOp?: number;
  interOp?: number;
}

export interface WorkerResult {
  impl: Impl;
  model: ModelKind;
  samples: number;
  seconds: number;
  samplesPerSec: number;
  /** CPU time of the whole process (all threads) during the timed epoch. */
  cpuSeconds: number;
  loss: number;
  /** Which step the Trainer ran (compiled runs must not have fallen back). */
  stepMode?: string;
  setupSeconds: number;
  versions: Record<string, string>;
}

const CLASSES = 10;

function buildModel(tf: TF, kind: ModelKind): LayersModel {
  const layers =
    kind === 'mlp'
      ? [
          tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
          tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
        ]
      : [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
        ];
  return tf.sequential({ layers });
}

type TrainFn = (xs: Tensor, ys: Tensor) => Promise<number>;

async function trainer(spec: WorkerSpec, model: LayersModel, modes: string[]): Promise<TrainFn> {
  const sdk = await import('@tfscale/sdk');
  const logger = { ...sdk.silentLogger, debug: (m: string) => modes.push(m), info: (m: string) => modes.push(m) };
  const t = sdk.createRunContainer(sdk.createRootContainer({ logger })).resolve(sdk.Trainer);
  return async (xs, ys) => {
    const data = sdk.fromTensors(xs, ys);
    try {
      const history = await t.fit(model, data, {
        epochs: 1,
        batchSize: spec.batchSize,
        shuffle: true,
        seed: spec.seed,
        stepMode: spec.impl === 'compiled' ? 'compiled' : 'eager',
        stepThreads: { intraOp: spec.intraOp, interOp: spec.interOp },
      });
      return Number(history.history.loss?.at(-1));
    } finally {
      data.dispose?.();
    }
  };
}

export async function measure(spec: WorkerSpec): Promise<WorkerResult> {
  const { impl, samples, warmupSteps, batchSize, seed } = spec;
  const t0 = performance.now();
  const tf = (await import('@tensorflow/tfjs-node')) as unknown as TF;
  await tf.ready();
  if (tf.getBackend() !== 'tensorflow') throw new Error(`expected the native backend, got ${tf.getBackend()}`);
  const shape = spec.model === 'mlp' ? [samples, 784] : [samples, 28, 28, 1];
  const x = tf.randomUniform(shape, 0, 1, 'float32', seed);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([samples], 0, CLASSES, 'int32', seed + 1), CLASSES).toFloat());
  const model = buildModel(tf, spec.model);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const modes: string[] = [];
  const train: TrainFn =
    impl === 'fit'
      ? async (xs, ys) => {
          const h = await model.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
          return Number(h.history.loss.at(-1));
        }
      : await trainer(spec, model, modes);
  const warm = warmupSteps * batchSize;
  const [xw, yw] = [x.slice(0, warm), y.slice(0, warm)];
  await train(xw, yw);
  tf.dispose([xw, yw]);
  await model.getWeights()[0]!.data();
  const setupSeconds = (performance.now() - t0) / 1000;

  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const loss = await train(x, y);
  await model.getWeights()[0]!.data();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stepMode = impl === 'fit' ? undefined : modes.some((m) => /eager/.test(m)) ? 'eager' : impl;
  if (impl === 'compiled' && stepMode !== 'compiled') throw new Error(`compiled step fell back: ${modes.join(' ')}`);
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
  return {
    impl,
    model: spec.model,
    samples,
    seconds,
    samplesPerSec: samples / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loss,
    stepMode,
    setupSeconds,
    versions: { tfjs: tf.version.tfjs, tensorflow: binding?.TF_Version ?? 'unknown' },
  };
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerSpec;
  measure(spec).then(
    (result) => {
      process.stdout.write(`@@BENCH ${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      const message = err instanceof Error ? err.message : String(err);
      process.stdout.write(`@@ERROR ${message.trim().split('\n')[0]!.trim()}\n`);
      process.exit(1);
    },
  );
}
