import type { LayersModel } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import type { TrainingControl } from '../../callbacks/training-control';
import { notImplemented, TfscaleError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { TrainingData } from '../../training/data/training-data';
import type { FitOptions } from '../../training/fit-options';
import { clusterError } from '../cluster/cluster-error';
import type { ClusterSpec, ClusterTask } from '../cluster/cluster-spec';
import { type ParameterServerCluster, parameterServerRoles } from '../cluster/parameter-server';
import { resolveCluster } from '../cluster/resolve-cluster';
import {
  type BatchPlan,
  type NumericArray,
  type PreparedFit,
  type ReduceOp,
  type Strategy,
  type StrategyContext,
  splitGlobalBatch,
} from '../strategy';
import { Coordinator } from './coordinator';
import { CoordinatorData } from './coordinator-data';
import { describeTask } from './ps-errors';
import { PsTask } from './ps-task';
import { type PlacementPolicy, placeVariables } from './variable-placement';
import { runWorker } from './worker-task';

/**
 * Options of {@link ParameterServerStrategy} (run files: `strategy: { name: 'parameter-server', options: {...} }`).
 *
 * @example
 * ```ts
 * const options: ParameterServerOptions = { placement: 'by-size', connectTimeoutMs: 120_000 };
 * ```
 */
export interface ParameterServerOptions {
  /** The cluster (chief, worker, ps); resolved from the environment (TF_CONFIG, …) when omitted. */
  cluster?: ClusterSpec;
  /** How variables are spread over the ps tasks (TF2's default: round-robin in creation order). */
  placement?: PlacementPolicy;
  /** How long a task waits for the others to come up, and for a ps to answer (ms). */
  connectTimeoutMs?: number;
  /** How long the coordinator waits with work but no worker connected before failing (ms). */
  workerTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 300_000;

/**
 * TF2's asynchronous ParameterServerStrategy. The `chief` is the coordinator: it runs the
 * Trainer (callbacks, validation, checkpoints, logs), places the variables on the `ps` tasks,
 * and hands out steps to the `worker` tasks, which pull the variables, compute gradients on
 * their step's batch and push them; each ps applies them with its optimizer as they arrive.
 * Workers may die (their step is re-scheduled); a lost ps or coordinator fails every task.
 * Steps are not synchronised, so there is one replica in sync and each step uses the whole
 * global batch (TF's `num_replicas_in_sync` is 1 for CPU workers).
 * @example
 *   // every task runs the same command; TF_CONFIG says which task it is
 *   // TF_CONFIG='{"cluster":{"chief":["h0:2222"],"worker":["h1:2222","h2:2222"],"ps":["h3:2222"]},"task":{"type":"ps","index":0}}'
 *   // tfscale train run.json --strategy parameter-server
 *   const strategy = new ParameterServerStrategy({});
 *   await strategy.setup({ logger });
 */
export class ParameterServerStrategy implements Strategy {
  readonly name = 'parameter-server';
  readonly numReplicas = 1;
  readonly replicaIndex = 0;
  private roles?: ParameterServerCluster;
  private self?: ClusterTask;
  private logger?: Logger;
  private coordinator?: Coordinator;
  private ps?: PsTask;
  private finished = false;

  constructor(private readonly options: ParameterServerOptions = {}) {}

  /** The coordinator writes checkpoints and logs; workers and ps tasks write nothing. */
  get isPrimary(): boolean {
    return this.roles?.role === 'coordinator';
  }

  async setup(ctx: StrategyContext): Promise<void> {
    const cluster = resolveCluster({ instance: this.options.cluster });
    if (!cluster) {
      throw clusterError('TF_CONFIG', undefined, 'a cluster with chief, worker and ps tasks', EXAMPLE_HINT);
    }
    const roles = parameterServerRoles(cluster);
    if (roles.role === 'evaluator') {
      throw notImplemented(
        'A sidecar evaluator task for parameter-server',
        'Drop the evaluator task: the chief validates.',
      );
    }
    if (!roles.coordinator) {
      const where = cluster.source === 'tf-config' ? 'TF_CONFIG.cluster.chief' : 'cluster.chief';
      throw clusterError(where, undefined, 'one chief task: the coordinator of ParameterServerStrategy', EXAMPLE_HINT);
    }
    this.roles = roles;
    this.logger = ctx.logger;
    this.self = cluster.tasks.find((t) => t.type === cluster.self.type && t.index === cluster.self.index);
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // Listening now, before TensorFlow loads, so a busy port fails fast and peers can dial early.
    if (roles.role === 'coordinator') {
      const workerTimeoutMs = this.options.workerTimeoutMs ?? connectTimeoutMs;
      this.coordinator = await Coordinator.listen({
        cluster: roles,
        logger: ctx.logger,
        connectTimeoutMs,
        workerTimeoutMs,
      });
    } else if (roles.role === 'ps') {
      this.ps = await PsTask.listen({
        self: this.self!,
        coordinator: roles.coordinator,
        logger: ctx.logger,
        connectTimeoutMs,
      });
    }
    ctx.logger.info(
      `parameter-server: ${describeTask(this.self!)} is the ${roles.role} (${roles.workers.length} worker(s), ${roles.ps.length} ps)`,
    );
  }

  /**
   * Runs this task's role: the coordinator gets the Trainer's inputs back; a worker or ps
   * serves until the coordinator says stop and returns `'served'`.
   */
  async prepareFit(
    model: LayersModel,
    data: TrainingData,
    options: FitOptions,
    control?: TrainingControl,
  ): Promise<PreparedFit | 'served'> {
    const roles = this.roles;
    if (!roles || !this.self || !this.logger) {
      throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'parameter-server: prepareFit() before setup().');
    }
    const tf = loadTf();
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (roles.role === 'ps') {
      if (!model.optimizer)
        throw new TfscaleError(
          'TFSCALE_E_INVALID_VALUE',
          'The model must be compiled: the ps tasks run its optimizer.',
        );
      await this.ps!.serve(tf, model.optimizer);
      return 'served';
    }
    const split = options.validationSplit === undefined ? undefined : data.split(options.validationSplit);
    const train = split?.train ?? data;
    if (roles.role === 'worker') {
      await runWorker({
        tf,
        model,
        data: train,
        cluster: roles,
        self: this.self,
        logger: this.logger,
        connectTimeoutMs,
        control,
      });
      return 'served';
    }
    const shapes = model.trainableWeights.map((w) => w.shape as number[]);
    await this.coordinator!.start({
      names: model.trainableWeights.map((w) => w.originalName),
      shapes,
      placement: placeVariables(shapes, roles.ps.length, this.options.placement ?? 'round-robin'),
    });
    const schedule = new CoordinatorData({
      tf,
      model,
      train,
      coordinator: this.coordinator!,
      logger: this.logger,
      stepsPerEpoch: options.stepsPerEpoch,
    });
    const finished = {
      onTrainEnd: async () => {
        this.finished = true;
      },
    };
    return {
      data: schedule,
      options: {
        ...options,
        validationSplit: undefined,
        validationData: split?.validation ?? options.validationData,
        gradientHook: () => ({}), // nothing to apply here: the ps tasks own the optimizer
        // The schedule writes the ps tasks' weights into the model before each step: a compiled
        // step (weights kept in its own session) would not see them.
        stepMode: 'eager',
        reduceLogs: schedule.reduceLogs(control),
        callbacks: [...(options.callbacks ?? []), finished],
        isPrimary: true,
      },
    };
  }

  async teardown(): Promise<void> {
    const coordinator = this.coordinator;
    const ps = this.ps;
    this.coordinator = undefined;
    this.ps = undefined;
    const chief = this.self ? describeTask(this.self) : 'chief';
    const stopped = this.finished
      ? undefined
      : new TfscaleError('TFSCALE_E_PS_COORDINATOR_LOST', `The coordinator ${chief} failed before training ended.`);
    await coordinator?.shutdown(coordinator.failure ?? stopped);
    await ps?.close();
  }

  async reduce<A extends NumericArray>(values: readonly A[], _op: ReduceOp): Promise<A[]> {
    return [...values]; // one replica in sync
  }

  async broadcast<A extends NumericArray>(values: readonly A[], _rootReplica?: number): Promise<A[]> {
    return [...values];
  }

  async barrier(_name?: string): Promise<void> {}

  plan(globalBatchSize: number): BatchPlan {
    return {
      globalBatchSize,
      numReplicas: 1,
      replicaIndex: 0,
      perReplicaBatchSize: globalBatchSize,
      replicaBatchSizes: splitGlobalBatch(globalBatchSize, 1),
      dataShardIndex: 0,
      numDataShards: 1,
    };
  }
}

const EXAMPLE_HINT =
  'Set TF_CONFIG on every task, e.g. {"cluster":{"chief":["h0:2222"],"worker":["h1:2222"],"ps":["h2:2222"]},"task":{"type":"worker","index":0}}.';
