/**
 * What the chief's Trainer iterates under ParameterServerStrategy. The coordinator computes no
 * gradients: each "batch" it yields is an empty one standing for a unit that a worker finished,
 * and `reduceLogs` hands the Trainer that worker's loss and sample count instead of the empty
 * step's zeros. So the Trainer runs unchanged on the chief — callbacks, progress, validation,
 * checkpoints, stop requests — driven by the workers' steps, as Keras' `fit` is under TF's
 * ParameterServerStrategy. Before an epoch ends, the chief pulls the variables from the ps
 * tasks, so validation, checkpoints and the returned model see the trained values.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import type { TrainingControl } from '../../callbacks/training-control';
import { invalidValue } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Batch, EpochOptions, TrainingData } from '../../training/data/training-data';
import type { FitOptions } from '../../training/fit-options';
import type { Coordinator } from './coordinator';
import { readTrainable, writeTrainable } from './model-weights';
import type { UnitResult } from './unit-scheduler';

/**
 * The chief's training data: the schedule of units over the real training data.
 *
 * @example
 * ```ts
 * const schedule = new CoordinatorData({ tf, model, train, coordinator, logger });
 * await trainer.fit(model, schedule, { ...options, reduceLogs: schedule.reduceLogs(control) });
 * ```
 */
export class CoordinatorData implements TrainingData {
  private last?: UnitResult;
  private initialised = false;

  constructor(
    private readonly run: {
      readonly tf: Tf;
      readonly model: LayersModel;
      /** The real training samples (after any validation split). */
      readonly train: TrainingData;
      readonly coordinator: Coordinator;
      readonly logger: Logger;
      readonly stepsPerEpoch?: number;
    },
  ) {}

  get size(): number | undefined {
    return this.run.train.size;
  }

  ready(): Promise<void> {
    return this.run.train.ready?.() ?? Promise.resolve();
  }

  batchCount(batchSize: number): number | undefined {
    const { train, stepsPerEpoch } = this.run;
    const size = train.size;
    const all = train.batchCount?.(batchSize) ?? (size === undefined ? undefined : Math.ceil(size / batchSize));
    return all === undefined ? stepsPerEpoch : Math.min(all, stepsPerEpoch ?? all);
  }

  async *batches(epoch: number, options: EpochOptions): AsyncGenerator<Batch> {
    const { tf, model, coordinator, logger } = this.run;
    // Here, not earlier: BackupAndRestore restores the chief's weights in onTrainBegin.
    if (!this.initialised) {
      await coordinator.initVariables(readTrainable(model));
      this.initialised = true;
    }
    const steps = this.batchCount(options.batchSize);
    if (steps === undefined) {
      throw invalidValue(
        'stepsPerEpoch',
        undefined,
        'a number of steps for parameter-server training on data of unknown size',
      );
    }
    const skip = options.skip ?? 0;
    coordinator.epochOptions = { batchSize: options.batchSize, shuffle: options.shuffle, seed: options.seed };
    logger.info(`parameter-server: epoch ${epoch + 1}: scheduling steps ${skip + 1}-${steps}`);
    let ok = false;
    try {
      for await (const result of coordinator.scheduler.runEpoch(epoch, steps, skip)) {
        this.last = result;
        yield { xs: [], ys: [], size: 0 };
      }
      ok = true;
    } finally {
      // Also after an early stop; not after a failure (a lost ps cannot be pulled from).
      if (ok || !coordinator.failure) writeTrainable(tf, model, await coordinator.pull());
    }
  }

  /**
   * The Trainer's `reduceLogs`: the worker's values for the unit just yielded. A stop requested
   * on the chief (Ctrl-C, SIGTERM) is applied here, at a unit boundary.
   */
  reduceLogs(control?: TrainingControl): NonNullable<FitOptions['reduceLogs']> {
    return async (values) => {
      const pending = control?.pendingStop;
      if (pending && !control.stopRequested) control.stopTraining(pending.reason, pending);
      const last = this.last;
      return last ? { values: last.values, samples: last.samples } : { values, samples: 0 };
    };
  }

  split(): { train: TrainingData; validation: TrainingData } {
    throw invalidValue('validationSplit', 'split()', 'a split of the real data before it is scheduled');
  }

  shard(): TrainingData {
    throw invalidValue('shard', 'shard()', 'no sharding of the schedule: workers take whole units');
  }
}
