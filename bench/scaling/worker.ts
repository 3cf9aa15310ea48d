/*
 * One replica of the mirrored-scaling benchmark, run in its own process by bench/scaling.js.
 *
 *   TFSCALE_CLUSTER='{"workers":[sockA,sockB],"rank":0}' node bench/dist/scaling/worker.js '<json spec>'
 *
 * Model and data as bench/mlp/worker.ts: 784 -> 256 (relu) -> 10 (softmax), Adam(1e-3),
 * categorical cross-entropy, seeded synthetic data created as tensors before anything is timed
 * (every replica creates the same full data set; `prepareDistributedFit` shards it).
 *
 * The SDK's real distributed path, as `tfscale train` takes it (src/training/run-training.ts):
 *   mirrored    `CollectiveStrategy('mirrored')`, cluster resolved from TFSCALE_CLUSTER;
 *               `prepareDistributedFit` (weights broadcast from replica 0, data sharded, batch
 *               split, gradient and log all-reduce hooks) then `Trainer.fit`.
 *   one-device  `OneDeviceStrategy`; `prepareDistributedFit` passes data and options through, so
 *               this is a plain `Trainer.fit`.
 * A warm-up fit on the first `warmupSteps` global batches runs untimed; then, after a barrier,
 * one epoch over `samples` samples is timed (it ends once the final weights are readable).
 *
 * Time split of the timed epoch (cheap: performance.now() around the hooks the strategy installs):
 *   gradSync     the gradient hook: copy gradients out of TF, scale, all-reduce, back into tensors
 *   gradReduce   of which the all-reduce itself (`strategy.reduce`; includes waiting for the other
 *                replica to arrive with its gradients)
 *   logReduce    the per-step all-reduce of loss/sample count (`reduceLogs`)
 *   compute      the rest: batch gather, forward, backward, Adam update, loss read-back, loop
 * Prints one line `@@BENCH <json>`.
 */

import type { LayersModel } from '@tensorflow/tfjs';
import type * as Sdk from '@tfscale/sdk';

type TF = typeof import('@tensorflow/tfjs');

export type Mode = 'one-device' | 'mirrored';

export interface WorkerSpec {
  mode: Mode;
  /** Timed samples (global); a multiple of batchSize. */
  samples: number;
  warmupSteps: number;
  /** Global batch size. */
  batchSize: number;
  seed: number;
}

export interface TimeSplit {
  /** Seconds in the gradient hook (copy out, scale, all-reduce, copy in). */
  gradSync: number;
  /** Seconds in `strategy.reduce` called from the gradient hook. */
  gradReduce: number;
  /** Seconds in the per-step log all-reduce. */
  logReduce: number;
  /** Bytes all-reduced per step for gradients (float32, incl. the sample count). */
  gradBytesPerStep: number;
}

export interface WorkerResult {
  mode: Mode;
  rank: number;
  replicas: number;
  /** This replica's share of each global batch. */
  replicaBatchSize: number;
  samples: number;
  steps: number;
  seconds: number;
  /** Global samples per second as this replica saw it (the runner uses the slowest replica). */
  samplesPerSec: number;
  loss: number;
  split: TimeSplit;
  tensorDelta: number;
  setupSeconds: number;
  prepareSeconds: number;
  versions: Record<string, string>;
  flags: Record<string, string>;
}

const INPUT = 784;
const HIDDEN = 256;
const CLASSES = 10;

function now(): number {
  return performance.now() / 1000;
}

export async function measure(spec: WorkerSpec): Promise<WorkerResult> {
  const { mode, samples, warmupSteps, batchSize, seed } = spec;
  if (samples % batchSize !== 0) throw new Error(`samples (${samples}) must be a multiple of batchSize`);
  const t0 = now();
  // Importing tfjs-node first registers the native backend and makes it the active one; the SDK
  // uses the same @tensorflow/tfjs engine.
  const tf = (await import('@tensorflow/tfjs-node')) as unknown as TF;
  await tf.ready();
  if (tf.getBackend() !== 'tensorflow') throw new Error(`expected native backend, got ${tf.getBackend()}`);
  const sdk: typeof Sdk = await import('@tfscale/sdk');
  const { CollectiveStrategy, OneDeviceStrategy, prepareDistributedFit, fromTensors, silentLogger, Trainer } = sdk;

  const strategy: Sdk.Strategy = mode === 'mirrored' ? new CollectiveStrategy('mirrored') : new OneDeviceStrategy();
  await strategy.setup({ logger: silentLogger });
  if (mode === 'mirrored' && strategy.numReplicas < 2) {
    throw new Error('mirrored: no cluster resolved (TFSCALE_CLUSTER unset?), would train as one replica');
  }
  try {
    const trainer = sdk.createRunContainer(sdk.createRootContainer({ logger: silentLogger })).resolve(Trainer);

    const x = tf.randomUniform([samples, INPUT], 0, 1, 'float32', seed);
    const y = tf.tidy(() => tf.oneHot(tf.randomUniform([samples], 0, CLASSES, 'int32', seed + 1), CLASSES).toFloat());
    const model: LayersModel = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [INPUT], units: HIDDEN, activation: 'relu' }),
        tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const fitOptions: Sdk.FitOptions = { epochs: 1, batchSize, shuffle: true, seed, verbose: 0 };

    // Warm-up: the same path on the first few global batches (kernels, buffers, sockets warm).
    const warm = warmupSteps * batchSize;
    const [xw, yw] = [x.slice(0, warm), y.slice(0, warm)];
    {
      const data = fromTensors(xw, yw);
      const prepared = await prepareDistributedFit(strategy, model, data, fitOptions);
      await trainer.fit(model, prepared.data, prepared.options);
      data.dispose?.();
    }
    tf.dispose([xw, yw]);
    await model.getWeights()[0].data();
    const setupSeconds = now() - t0;

    // The timed epoch. Preparing it (weights broadcast, sharding) is timed apart.
    const data = fromTensors(x, y);
    const tp = now();
    const { data: shard, options } = await prepareDistributedFit(strategy, model, data, fitOptions);
    const prepareSeconds = now() - tp;

    const split: TimeSplit = { gradSync: 0, gradReduce: 0, logReduce: 0, gradBytesPerStep: 0 };
    let inGradHook = false;
    const reduce = strategy.reduce.bind(strategy);
    strategy.reduce = (async (values, op) => {
      const start = now();
      try {
        return await reduce(values, op);
      } finally {
        if (inGradHook) {
          split.gradReduce += now() - start;
          split.gradBytesPerStep = values.reduce((sum, v) => sum + v.length * 4, 0);
        }
      }
    }) as typeof strategy.reduce;
    const hook = options.gradientHook;
    if (hook) {
      options.gradientHook = async (grads, info) => {
        const start = now();
        inGradHook = true;
        try {
          return await hook(grads, info);
        } finally {
          inGradHook = false;
          split.gradSync += now() - start;
        }
      };
    }
    const reduceLogs = options.reduceLogs;
    if (reduceLogs) {
      options.reduceLogs = async (values, n) => {
        const start = now();
        try {
          return await reduceLogs(values, n);
        } finally {
          split.logReduce += now() - start;
        }
      };
    }

    const tensorsBefore = tf.memory().numTensors;
    await strategy.barrier('timed epoch');
    const start = now();
    const history = await trainer.fit(model, shard, options);
    await model.getWeights()[0].data();
    const seconds = now() - start;
    const tensorDelta = tf.memory().numTensors - tensorsBefore;
    data.dispose?.();
    tf.dispose([x, y]);
    await strategy.barrier('done');

    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    const versions: Record<string, string> = {
      tfjs: tf.version.tfjs,
      tensorflow: binding?.TF_Version ?? 'unknown',
    };
    const nodeVersion = (tf.version as Record<string, string>)['tfjs-node'];
    if (nodeVersion) versions['tfjs-node'] = nodeVersion;
    const flags: Record<string, string> = { backend: tf.getBackend(), strategy: strategy.name };
    for (const name of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS'])
      flags[name] = process.env[name] ?? 'default';

    return {
      mode,
      rank: strategy.replicaIndex,
      replicas: strategy.numReplicas,
      replicaBatchSize: options.batchSize ?? batchSize,
      samples,
      steps: samples / batchSize,
      seconds,
      samplesPerSec: samples / seconds,
      loss: Number(history.history.loss?.at(-1)),
      split,
      tensorDelta,
      setupSeconds,
      prepareSeconds,
      versions,
      flags,
    };
  } finally {
    await strategy.teardown();
  }
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
      process.stdout.write(`@@ERROR ${message.trim().split('\n')[0].trim()}\n`);
      process.exit(1);
    },
  );
}
