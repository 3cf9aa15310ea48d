/*
 * One MLP training-throughput measurement, run in its own process by bench/run.js.
 *
 *   node bench/dist/mlp/worker.js '<json spec>'
 *
 * Model: 784 -> 256 (relu) -> 10 (softmax), Adam(1e-3), categorical cross-entropy, batch 128.
 * Data: seeded synthetic float32 inputs in [0, 1) and random one-hot labels, created as tensors in
 * backend memory before anything is timed. Warm-up steps run first and are not timed; then exactly
 * `samples` samples (whole batches) are trained on and timed. Prints one line `@@BENCH <json>`.
 */

import type { Scalar, Tensor } from '@tensorflow/tfjs';

type TF = typeof import('@tensorflow/tfjs');

export type Backend = 'tensorflow' | 'wasm' | 'cpu';
export type Impl = 'fit' | 'step';

export interface WorkerSpec {
  backend: Backend;
  impl: Impl;
  /** Timed samples; must be a multiple of batchSize. */
  samples: number;
  warmupSteps: number;
  batchSize: number;
  seed: number;
}

export interface WorkerResult {
  backend: string;
  impl: Impl;
  samples: number;
  steps: number;
  seconds: number;
  samplesPerSec: number;
  /** Training loss reported for the timed section (sanity check: ~2.3 for random labels). */
  loss: number;
  /** Tensors still alive after the timed section minus before it (leak check). */
  tensorDelta: number;
  /** Kernels (ops) one training step dispatches, counted with tf.profile after timing; step loop only. */
  kernelsPerStep?: number;
  setupSeconds: number;
  versions: Record<string, string>;
  flags: Record<string, string | number | boolean>;
}

const INPUT = 784;
const HIDDEN = 256;
const CLASSES = 10;

async function loadTf(backend: Backend): Promise<TF> {
  if (backend === 'tensorflow') {
    // Importing tfjs-node registers the native backend and makes it the active one.
    const tf = (await import('@tensorflow/tfjs-node')) as unknown as TF;
    await tf.ready();
    if (tf.getBackend() !== 'tensorflow') throw new Error(`expected native backend, got ${tf.getBackend()}`);
    return tf;
  }
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`could not initialise the ${backend} backend`);
  await tf.ready();
  return tf;
}

async function describe(tf: TF, backend: Backend): Promise<Pick<WorkerResult, 'versions' | 'flags'>> {
  const versions: Record<string, string> = { tfjs: tf.version.tfjs };
  const flags: Record<string, string | number | boolean> = { backend: tf.getBackend() };
  if (backend === 'tensorflow') {
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    versions.tensorflow = binding?.TF_Version ?? 'unknown';
    const nodeVersion = (tf.version as Record<string, string>)['tfjs-node'];
    if (nodeVersion) versions['tfjs-node'] = nodeVersion;
    for (const name of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS'])
      flags[name] = process.env[name] ?? 'default';
  }
  if (backend === 'wasm') {
    for (const flag of ['WASM_HAS_SIMD_SUPPORT', 'WASM_HAS_MULTITHREAD_SUPPORT']) {
      flags[flag] = (await tf.env().getAsync(flag)) as boolean;
    }
  }
  return { versions, flags };
}

function buildModel(tf: TF) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [INPUT], units: HIDDEN, activation: 'relu' }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  return model;
}

export async function measure(spec: WorkerSpec): Promise<WorkerResult> {
  const { backend, impl, samples, warmupSteps, batchSize, seed } = spec;
  if (samples % batchSize !== 0) throw new Error(`samples (${samples}) must be a multiple of batchSize`);
  const t0 = performance.now();
  const tf = await loadTf(backend);
  const info = await describe(tf, backend);

  const steps = samples / batchSize;
  const warmupSamples = warmupSteps * batchSize;
  const x = tf.randomUniform([samples, INPUT], 0, 1, 'float32', seed);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([samples], 0, CLASSES, 'int32', seed + 1), CLASSES).toFloat());
  const model = buildModel(tf);
  const optimizer = tf.train.adam(1e-3);

  let timed: () => Promise<number>;
  let countStepKernels: (() => void) | undefined;
  if (impl === 'fit') {
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const fitOnce = async (xs: Tensor, ys: Tensor) => {
      const history = await model.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
      return Number(history.history.loss.at(-1));
    };
    const [xw, yw] = [x.slice(0, warmupSamples), y.slice(0, warmupSamples)];
    await fitOnce(xw, yw);
    tf.dispose([xw, yw]);
    timed = () => fitOnce(x, y);
  } else {
    // The future Trainer's loop: one tidy per step, slicing the batch and letting the optimizer
    // compute gradients of the loss w.r.t. all trainable weights.
    const lossFn = (xb: Tensor, yb: Tensor): Scalar =>
      tf.mean(tf.metrics.categoricalCrossentropy(yb, model.apply(xb, { training: true }) as Tensor));
    const step = (i: number) =>
      tf.tidy(() => {
        const xb = x.slice([i * batchSize, 0], [batchSize, INPUT]);
        const yb = y.slice([i * batchSize, 0], [batchSize, CLASSES]);
        optimizer.minimize(() => lossFn(xb, yb), false);
      });
    for (let i = 0; i < warmupSteps; i++) step(i % steps);
    countStepKernels = () => step(0);
    timed = async () => {
      for (let i = 0; i < steps; i++) step(i);
      // Loss of the last batch, after its update (outside the loop's per-step cost, a single readback).
      const last = tf.tidy(() =>
        lossFn(x.slice([(steps - 1) * batchSize, 0], [batchSize, INPUT]), y.slice([(steps - 1) * batchSize, 0])),
      );
      const value = (await last.data())[0];
      last.dispose();
      return value;
    };
  }
  // Make sure warm-up work has finished before the clock starts.
  await model.getWeights()[0].data();
  const tensorsBefore = tf.memory().numTensors;
  const setupSeconds = (performance.now() - t0) / 1000;

  const start = performance.now();
  const loss = await timed();
  await model.getWeights()[0].data();
  const seconds = (performance.now() - start) / 1000;

  const tensorDelta = tf.memory().numTensors - tensorsBefore;
  const kernelsPerStep = countStepKernels ? (await tf.profile(countStepKernels)).kernels.length : undefined;
  return {
    backend: tf.getBackend(),
    impl,
    samples,
    steps,
    seconds,
    samplesPerSec: samples / seconds,
    loss,
    tensorDelta,
    setupSeconds,
    ...(kernelsPerStep === undefined ? {} : { kernelsPerStep }),
    ...info,
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
      // One line the runner can show: the first line of the message, not the stack's last frame.
      const message = err instanceof Error ? err.message : String(err);
      process.stdout.write(`@@ERROR ${message.trim().split('\n')[0].trim()}\n`);
      process.exit(1);
    },
  );
}
