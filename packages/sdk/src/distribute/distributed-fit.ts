import type { LayersModel, NamedTensorMap, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import type { TrainingControl } from '../callbacks/training-control';
import type { TrainingData } from '../training/data/training-data';
import type { FitOptions } from '../training/fit-options';
import type { GradientHook } from '../training/train-step';
import type { Strategy } from './strategy';

/**
 * Makes every replica start from replica 0's weights (TF's MirroredStrategy creates variables
 * once and mirrors them; here each process builds the model, so rank 0's values win).
 * @example
 *   await broadcastWeights(strategy, model);
 */
export async function broadcastWeights(strategy: Strategy, model: LayersModel): Promise<void> {
  const tf = loadTf();
  const weights = model.getWeights();
  const arrays = weights.map((w) => Float32Array.from(w.dataSync()));
  const synced = await strategy.broadcast(arrays, 0);
  model.setWeights(synced.map((a, i) => tf.tensor(a, weights[i].shape, 'float32')));
}

/**
 * The gradient hook of synchronous data parallelism: the sample-weighted mean of every replica's
 * gradients, so N replicas with a global batch B take exactly the step one device takes on B
 * (also when the last global batch splits unevenly or leaves a replica empty).
 * @example
 *   const hook = allReduceGradients(strategy);
 */
export function allReduceGradients(strategy: Strategy): GradientHook {
  const tf = loadTf();
  return async (grads: NamedTensorMap, { samples }) => {
    const names = Object.keys(grads);
    const arrays = names.map((n) => {
      const a = Float32Array.from(grads[n].dataSync());
      for (let i = 0; i < a.length; i++) a[i] *= samples;
      return a;
    });
    arrays.push(Float32Array.of(samples));
    const summed = await strategy.reduce(arrays, 'sum');
    const total = summed[names.length][0];
    const out: NamedTensorMap = {};
    names.forEach((n, i) => {
      const a = summed[i];
      if (total > 0) for (let j = 0; j < a.length; j++) a[j] /= total;
      out[n] = tf.tensor(a, (grads[n] as Tensor).shape, 'float32');
    });
    return out;
  };
}

/**
 * Loss and metrics over the global batch, from each replica's values and sample count.
 * @example
 *   const reduceLogs = allReduceLogs(strategy);
 */
export function allReduceLogs(strategy: Strategy, control?: TrainingControl): NonNullable<FitOptions['reduceLogs']> {
  return async (values, samples) => {
    const weighted = Float32Array.from(values, (v) => v * samples);
    // A stop requested on any replica (e.g. SIGTERM before preemption) rides along, so all
    // replicas stop after this same batch and the primary's backup is at a common step.
    const stop = Float32Array.of(control?.pendingStop ? 1 : 0);
    const [sum, count, stops] = await strategy.reduce([weighted, Float32Array.of(samples), stop], 'sum');
    if (control && stops[0] > 0) {
      const pending = control.pendingStop;
      control.stopTraining(pending?.reason ?? 'preempted (another replica was asked to stop)', {
        interrupted: pending?.interrupted ?? true,
      });
    }
    const n = count[0];
    return { values: Float32Array.from(sum, (v) => (n > 0 ? v / n : 0)), samples: n };
  };
}

/**
 * Turns a single-device `fit` into this replica's part of a synchronous data-parallel one: the
 * validation split happens before sharding (the same held-out samples everywhere), the training
 * data is sharded by replica, the batch is this replica's share of the global batch, gradients
 * and logs are all-reduced, initial weights come from replica 0, and only the primary replica's
 * callbacks write files.
 * @example
 *   const { data: shard, options: o } = await prepareDistributedFit(strategy, model, data, { batchSize: 64 });
 *   await trainer.fit(model, shard, o);
 */
export async function prepareDistributedFit(
  strategy: Strategy,
  model: LayersModel,
  data: TrainingData,
  options: FitOptions,
  control?: TrainingControl,
): Promise<{ data: TrainingData; options: FitOptions }> {
  if (strategy.numReplicas === 1) return { data, options: { ...options, isPrimary: strategy.isPrimary } };
  // Loaded before the views are made: every replica must know the total to agree on the steps.
  await data.ready?.();
  const split = options.validationSplit === undefined ? undefined : data.split(options.validationSplit);
  const train = split?.train ?? data;
  const globalBatchSize = options.batchSize ?? 32;
  const plan = strategy.plan(globalBatchSize);
  await broadcastWeights(strategy, model);
  return {
    data: train.shard(strategy.numReplicas, strategy.replicaIndex),
    options: {
      ...options,
      validationSplit: undefined,
      validationData: split?.validation ?? options.validationData,
      batchSize: plan.replicaBatchSizes[strategy.replicaIndex],
      globalBatchSize,
      gradientHook: allReduceGradients(strategy),
      reduceLogs: allReduceLogs(strategy, control),
      isPrimary: strategy.isPrimary,
    },
  };
}
