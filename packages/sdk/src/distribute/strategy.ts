/**
 * The strategy plugin point (design convention 7): how replicas are placed, how batches are split
 * and how gradients are reduced. Kept backend-free: values are plain typed arrays, so this file
 * never loads tfjs. Spawning processes is a separate `Launcher`.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { TrainingControl } from '../callbacks/training-control';
import { invalidValue } from '../core/errors';
import type { FactoryContext } from '../core/factory-context';
import type { Logger } from '../core/logger';
import { createToken } from '../core/tokens';
import type { TrainingData } from '../training/data/training-data';
import type { FitOptions } from '../training/fit-options';

/**
 * How {@link Strategy.reduce} combines replicas' values.
 *
 * @example
 * ```ts
 * const op: ReduceOp = 'mean';
 * ```
 */
export type ReduceOp = 'sum' | 'mean';

/**
 * The numeric payload a strategy moves between replicas (a flattened tensor's data).
 *
 * @example
 * ```ts
 * const gradient: NumericArray = await tensor.data() as Float32Array;
 * ```
 */
export type NumericArray = Float32Array | Float64Array | Int32Array;

/**
 * What `setup` receives.
 *
 * @example
 * ```ts
 * await strategy.setup({ logger, signal: AbortSignal.timeout(60_000) });
 * ```
 */
export interface StrategyContext {
  readonly logger: Logger;
  /** Aborts a setup that waits for peers. */
  readonly signal?: AbortSignal;
}

/**
 * How one global batch is split across replicas; `replicaBatchSizes` sums to `globalBatchSize`
 * and its sizes differ by at most one (the first `globalBatchSize % numReplicas` replicas take
 * one extra).
 *
 * @example
 * ```ts
 * strategy.plan(10); // 3 replicas, replica 0: { perReplicaBatchSize: 4, replicaBatchSizes: [4, 3, 3], ... }
 * ```
 */
export interface BatchPlan {
  readonly globalBatchSize: number;
  readonly numReplicas: number;
  readonly replicaIndex: number;
  /** This replica's share: `replicaBatchSizes[replicaIndex]`. */
  readonly perReplicaBatchSize: number;
  readonly replicaBatchSizes: readonly number[];
  /** Which shard of the input this replica reads (`tf.data` auto-shard by data). */
  readonly dataShardIndex: number;
  readonly numDataShards: number;
}

/**
 * What {@link Strategy.prepareFit} hands the Trainer: the data and options this process trains with.
 *
 * @example
 * ```ts
 * const prepared: PreparedFit = { data: train.shard(2, 0), options: { ...options, batchSize: 32 } };
 * ```
 */
export interface PreparedFit {
  readonly data: TrainingData;
  readonly options: FitOptions;
}

/**
 * A distribution strategy. Lifecycle: factory → `setup` → `plan`/`reduce`/`broadcast`/`barrier`
 * any number of times → `teardown` (idempotent). Replica-dependent members are valid after
 * `setup`.
 *
 * @example
 * ```ts
 * await strategy.setup({ logger });
 * const { perReplicaBatchSize } = strategy.plan(256);
 * const [gradSum] = await strategy.reduce([localGrad], 'mean');
 * if (strategy.isPrimary) await saveCheckpoint();
 * await strategy.barrier('checkpoint');
 * await strategy.teardown();
 * ```
 */
export interface Strategy {
  readonly name: string;
  /** True on exactly one replica (chief / worker 0): the one that writes checkpoints and logs. */
  readonly isPrimary: boolean;
  readonly numReplicas: number;
  /** This process's replica, in `[0, numReplicas)`. */
  readonly replicaIndex: number;
  setup(ctx: StrategyContext): Promise<void>;
  /** Releases connections; safe to call twice, or without `setup`. */
  teardown(): Promise<void>;
  /** All-reduce: every replica passes its arrays (same shapes, same order) and gets the result. */
  reduce<A extends NumericArray>(values: readonly A[], op: ReduceOp): Promise<A[]>;
  /** Every replica gets `rootReplica`'s arrays (default 0). */
  broadcast<A extends NumericArray>(values: readonly A[], rootReplica?: number): Promise<A[]>;
  /** Resolves once every replica reached the barrier of the same name. */
  barrier(name?: string): Promise<void>;
  plan(globalBatchSize: number): BatchPlan;
  /**
   * Optional: this process's part of the run's `fit`, instead of the default synchronous data
   * parallelism (`prepareDistributedFit`). `'served'`: the process did its part without a
   * Trainer of its own (a parameter server, a worker that only computes gradients).
   */
  prepareFit?(
    model: LayersModel,
    data: TrainingData,
    options: FitOptions,
    control?: TrainingControl,
  ): Promise<PreparedFit | 'served'>;
}

/**
 * What the strategy registry holds: builds a strategy from user options.
 *
 * @example
 * ```ts
 * const oneDevice: StrategyFactory = (options, ctx) => new OneDeviceStrategy(options);
 * ```
 */
export type StrategyFactory = (
  options: Readonly<Record<string, unknown>>,
  ctx: FactoryContext,
) => Strategy | Promise<Strategy>;

/**
 * The run's resolved strategy.
 *
 * @example
 * ```ts
 * run.registerInstance(StrategyToken, strategy);
 * ```
 */
export const StrategyToken = createToken<Strategy>('Strategy');

/**
 * The even split strategies use for {@link Strategy.plan}; throws `TFSCALE_E_INVALID_VALUE` for a
 * global batch size that is not a positive integer.
 *
 * @example
 * ```ts
 * splitGlobalBatch(10, 3); // [4, 3, 3]
 * ```
 */
export function splitGlobalBatch(globalBatchSize: number, numReplicas: number): number[] {
  if (!Number.isSafeInteger(globalBatchSize) || globalBatchSize < 1) {
    throw invalidValue('globalBatchSize', globalBatchSize, 'a positive integer');
  }
  if (!Number.isSafeInteger(numReplicas) || numReplicas < 1) {
    throw invalidValue('numReplicas', numReplicas, 'a positive integer');
  }
  const base = Math.floor(globalBatchSize / numReplicas);
  const extra = globalBatchSize % numReplicas;
  return Array.from({ length: numReplicas }, (_, i) => base + (i < extra ? 1 : 0));
}
