/*
 * One MLP training-throughput measurement, run in its own process by bench/run.js.
 *
 *   node bench/dist/mlp/worker.js '<json spec>'
 *
 * Model: 784 -> 256 (relu) -> 10 (softmax), Adam(1e-3), categorical cross-entropy, batch 128.
 * Data: seeded synthetic float32 inputs in [0, 1) and random one-hot labels, created as tensors in
 * backend memory before anything is timed. Warm-up steps run first and are not timed; then exactly
 * `samples` samples (whole batches) are trained on and timed. Prints one line `@@BENCH <json>`.
 *
 * Implementations (both: one epoch over the same samples, shuffled, loss computed every step):
 *   fit      tfjs's own `model.fit(x, y, { batchSize, epochs: 1 })` (shuffle on by default)
 *   trainer  the SDK's `Trainer.fit(model, fromTensors(x, y), { epochs: 1, batchSize, shuffle, seed })`
 */

import type { LayersModel, Tensor } from '@tensorflow/tfjs';

type TF = typeof import('@tensorflow/tfjs');

export type Backend = 'tensorflow' | 'wasm' | 'cpu';
export type Impl = 'fit' | 'trainer';

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
  /**
   * Kernels (ops) one more training step dispatches, counted with tf.profile after timing (native
   * backend only): kernels of a 2-batch fit minus those of a 1-batch fit, so per-call overhead cancels.
   */
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

type TrainFn = (xs: Tensor, ys: Tensor) => Promise<number>;

/** tfjs's own loop: `model.fit` with its defaults (shuffle on, loss logged per epoch). */
function fitWithTfjs(model: LayersModel, batchSize: number): TrainFn {
  return async (xs, ys) => {
    const history = await model.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
    return Number(history.history.loss.at(-1));
  };
}

/** The SDK's loop: `Trainer.fit` on `fromTensors` data (batches gathered from the tensors, shuffled). */
async function fitWithTrainer(model: LayersModel, batchSize: number, seed: number): Promise<TrainFn> {
  // Loaded only here: the other setups never load the SDK. It uses the same @tensorflow/tfjs
  // engine, so the backend made active above (the native one for this setup) is the one it trains on.
  const { createRootContainer, createRunContainer, fromTensors, silentLogger, Trainer } = await import('@tfscale/sdk');
  const trainer = createRunContainer(createRootContainer({ logger: silentLogger })).resolve(Trainer);
  return async (xs, ys) => {
    const data = fromTensors(xs, ys);
    try {
      const history = await trainer.fit(model, data, { epochs: 1, batchSize, shuffle: true, seed });
      return Number(history.history.loss?.at(-1));
    } finally {
      data.dispose?.(); // borrowed tensors stay the caller's; this frees only what the data created
    }
  };
}

/** Kernels of a 2-batch epoch minus those of a 1-batch epoch: what one step dispatches. */
async function countKernelsPerStep(tf: TF, train: TrainFn, x: Tensor, y: Tensor, batchSize: number) {
  const count = async (batches: number) => {
    const [xs, ys] = [x.slice(0, batches * batchSize), y.slice(0, batches * batchSize)];
    const info = await tf.profile(async () => {
      await train(xs, ys);
    });
    tf.dispose([xs, ys]);
    return info.kernels.length;
  };
  return (await count(2)) - (await count(1));
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
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  // One epoch over `xs`/`ys`, shuffled; resolves to the epoch's mean training loss.
  const train = impl === 'fit' ? fitWithTfjs(model, batchSize) : await fitWithTrainer(model, batchSize, seed);

  const [xw, yw] = [x.slice(0, warmupSamples), y.slice(0, warmupSamples)];
  await train(xw, yw);
  tf.dispose([xw, yw]);
  // Make sure warm-up work has finished before the clock starts.
  await model.getWeights()[0].data();
  const tensorsBefore = tf.memory().numTensors;
  const setupSeconds = (performance.now() - t0) / 1000;

  const start = performance.now();
  const loss = await train(x, y);
  await model.getWeights()[0].data();
  const seconds = (performance.now() - start) / 1000;

  const tensorDelta = tf.memory().numTensors - tensorsBefore;
  const kernelsPerStep = backend === 'tensorflow' ? await countKernelsPerStep(tf, train, x, y, batchSize) : undefined;
  tf.dispose([x, y]);
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
