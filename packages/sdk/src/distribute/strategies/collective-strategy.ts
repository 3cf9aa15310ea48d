import { invalidValue } from '../../core/errors';
import type { ClusterSpec } from '../cluster/cluster-spec';
import { resolveCluster } from '../cluster/resolve-cluster';
import { Collective } from '../collective/collective';
import {
  type BatchPlan,
  type NumericArray,
  type ReduceOp,
  type Strategy,
  type StrategyContext,
  splitGlobalBatch,
} from '../strategy';

/** Options of {@link CollectiveStrategy} (run files: `strategy: { name: 'mirrored', options: {...} }`). */
export interface CollectiveStrategyOptions {
  /** The cluster; resolved from the environment (TFSCALE_CLUSTER, TF_CONFIG, Kubernetes) when omitted. */
  cluster?: ClusterSpec;
  /** Fusion pack size for gradient all-reduce (TF's `bytes_per_pack`); 0 = one pack. */
  bytesPerPack?: number;
  /** How long a collective may wait on a peer before failing (ms). */
  timeoutMs?: number;
  /** How long workers may take to find each other (ms). */
  connectTimeoutMs?: number;
  /** Identifies the run, so leftovers of another run are refused. */
  runId?: string;
}

/**
 * Synchronous data parallelism over our ring collectives: TF's MirroredStrategy (replicas of one
 * machine, one process each, started by `tfscale launch`) and MultiWorkerMirroredStrategy
 * (workers on several hosts, cluster from TF_CONFIG or Kubernetes). Both are the same algorithm
 * here; only how the group is formed differs. With no cluster configured it is one replica.
 * @example
 *   const strategy = new CollectiveStrategy('multi-worker-mirrored', {});
 *   await strategy.setup({ logger });
 */
export class CollectiveStrategy implements Strategy {
  private collective?: Collective;
  private rank = 0;
  private world = 1;

  constructor(
    readonly name: 'mirrored' | 'multi-worker-mirrored',
    private readonly options: CollectiveStrategyOptions = {},
  ) {}

  get isPrimary(): boolean {
    return this.rank === 0;
  }

  get numReplicas(): number {
    return this.world;
  }

  get replicaIndex(): number {
    return this.rank;
  }

  async setup(ctx: StrategyContext): Promise<void> {
    const cluster = resolveCluster({ instance: this.options.cluster });
    if (!cluster) {
      ctx.logger.info(
        `${this.name}: no cluster configured (TFSCALE_CLUSTER, TF_CONFIG, Kubernetes); training as one replica`,
      );
      return;
    }
    const { rank, worldSize, peers } = cluster.ranks;
    if (rank === undefined) {
      throw invalidValue(
        'task.type',
        cluster.self.type,
        `chief or worker for ${this.name} (ps and evaluator tasks take no part)`,
      );
    }
    this.rank = rank;
    this.world = worldSize;
    if (worldSize === 1) return;
    this.collective = await Collective.connect({
      rank,
      worldSize,
      addresses: peers,
      runId: this.options.runId ?? process.env.TFSCALE_RUN_ID,
      timeoutMs: this.options.timeoutMs,
      connectTimeoutMs: this.options.connectTimeoutMs,
      bytesPerPack: this.options.bytesPerPack,
    });
    ctx.logger.info(`${this.name}: replica ${rank} of ${worldSize} connected`);
  }

  async teardown(): Promise<void> {
    const c = this.collective;
    this.collective = undefined;
    if (!c) return;
    // A last barrier: no rank closes while a neighbour still reads its final frames.
    if (!c.failed) await c.barrier('teardown').catch(() => undefined);
    await c.close();
  }

  async reduce<A extends NumericArray>(values: readonly A[], op: ReduceOp): Promise<A[]> {
    if (!this.collective) return [...values];
    // The ring reduces float32; other arrays go through a float32 copy and come back in kind.
    const f32 = values.map((v) => (v instanceof Float32Array ? v : Float32Array.from(v)));
    await this.collective.allReduce(f32, op);
    return f32.map((v, i) =>
      values[i] instanceof Float32Array ? v : (new (values[i].constructor as new (a: ArrayLike<number>) => A)(v) as A),
    ) as A[];
  }

  async broadcast<A extends NumericArray>(values: readonly A[], rootReplica = 0): Promise<A[]> {
    if (!this.collective) return [...values];
    const copies = values.map((v) => v.slice() as A);
    await this.collective.broadcast(copies, rootReplica);
    return copies;
  }

  async barrier(name?: string): Promise<void> {
    await this.collective?.barrier(name);
  }

  plan(globalBatchSize: number): BatchPlan {
    const sizes = splitGlobalBatch(globalBatchSize, this.world);
    return {
      globalBatchSize,
      numReplicas: this.world,
      replicaIndex: this.rank,
      perReplicaBatchSize: sizes[this.rank],
      replicaBatchSizes: sizes,
      dataShardIndex: this.rank,
      numDataShards: this.world,
    };
  }
}
