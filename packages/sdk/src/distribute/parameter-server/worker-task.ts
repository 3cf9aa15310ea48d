/**
 * The `worker` role: register with the coordinator, then loop — ask for the next unit, pull the
 * current variables from every ps, compute the unit's batch gradients, push them, report the
 * loss — until the coordinator says stop. A worker writes nothing. A lost ps or coordinator, or
 * an abort from the coordinator, fails it with the coded error naming that task.
 */
import type { LayersModel, TensorContainer } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import type { TrainingControl } from '../../callbacks/training-control';
import type { Logger } from '../../core/logger';
import type { Batch, TrainingData } from '../../training/data/training-data';
import type { ClusterTask } from '../cluster/cluster-spec';
import type { ParameterServerCluster } from '../cluster/parameter-server';
import type { VariableLayout } from './coordinator';
import { Deferred } from './deferred';
import { PS_PROTOCOL } from './message-codec';
import { writeTrainable } from './model-weights';
import { PsClient } from './ps-client';
import { coordinatorLost, describeTask, errorFromWire, errorToWire, psMismatch } from './ps-errors';
import { RpcChannel } from './rpc-channel';
import { dial } from './rpc-endpoints';
import { WorkerStep } from './worker-step';

/**
 * What a worker needs.
 *
 * @example
 * ```ts
 * await runWorker({ tf, model, data: train, cluster, self, logger, connectTimeoutMs: 300_000 });
 * ```
 */
export interface WorkerTaskOptions {
  readonly tf: Tf;
  readonly model: LayersModel;
  /** The training samples (after any validation split), the same as the coordinator's. */
  readonly data: TrainingData;
  readonly cluster: ParameterServerCluster;
  readonly self: ClusterTask;
  readonly logger: Logger;
  readonly connectTimeoutMs: number;
  /** A stop requested here (SIGTERM) makes the worker leave after its current unit. */
  readonly control?: TrainingControl;
}

interface UnitMessage {
  readonly unit: { id: number; epoch: number; step: number };
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
}

/**
 * Runs one worker until the coordinator says stop.
 *
 * @example
 * ```ts
 * await runWorker(options); // resolves on stop; rejects with TFSCALE_E_PS_LOST / _COORDINATOR_LOST
 * ```
 */
export async function runWorker(options: WorkerTaskOptions): Promise<void> {
  const { tf, model, cluster, self, logger, connectTimeoutMs, control } = options;
  const me = describeTask(self);
  const chief = cluster.coordinator!;
  const failed = new Deferred<never>();
  const race = <T>(p: Promise<T>) => Promise.race([p, failed.promise]);
  const socket = await dial({ address: chief.address, peer: describeTask(chief), timeoutMs: connectTimeoutMs });
  const coordinator = new RpcChannel(socket, 'the chief', (reason) => coordinatorLost(chief, reason, me));
  coordinator.onClose = (err) => err && failed.reject(err);
  coordinator.onNotice = (m) => m.head.t === 'abort' && failed.reject(errorFromWire(m.head.error, 'the chief'));
  let ps: PsClient | undefined;
  try {
    const hello = { t: 'register', proto: PS_PROTOCOL, index: self.index, from: me };
    const { layout } = (await race(coordinator.request(hello))).head as unknown as { layout: VariableLayout };
    checkLayout(model, layout, me);
    const client = await race(
      PsClient.connect({
        ps: cluster.ps,
        from: me,
        role: 'worker',
        placement: layout.placement,
        timeoutMs: connectTimeoutMs,
      }),
    );
    ps = client;
    client.lost.promise.catch((err) => failed.reject(err));
    await options.data.ready?.();
    const step = new WorkerStep(tf, model);
    logger.info(`parameter-server: ${me} working`);
    let units = 0;
    for (;;) {
      const pending = control?.pendingStop;
      if (pending || control?.stopRequested) {
        // Applied so the process exits as interrupted (130/143): a restart policy brings it back.
        if (pending && !control?.stopRequested) control?.stopTraining(pending.reason, pending);
        coordinator.notify({ t: 'leave', reason: control?.stopReason });
        break;
      }
      const reply = (await race(coordinator.request({ t: 'next' }))).head as unknown as Partial<UnitMessage> & {
        stop?: boolean;
      };
      if (reply.stop || !reply.unit) break;
      const weights = await race(client.pull());
      writeTrainable(tf, model, weights);
      const batch = await batchAt(options.data, reply as UnitMessage);
      if (batch && batch.size > 0) {
        let out: ReturnType<WorkerStep['run']>;
        try {
          out = step.run(batch.xs, batch.ys);
        } finally {
          tf.dispose([batch.xs, batch.ys] as unknown as TensorContainer);
        }
        await race(client.push(out.gradients));
        coordinator.notify({ t: 'done', unit: reply.unit.id, samples: batch.size }, [out.values]);
      } else coordinator.notify({ t: 'done', unit: reply.unit.id, samples: 0 }, [new Float32Array(step.names.length)]);
      units++;
    }
    coordinator.expectEnd();
    logger.info(`parameter-server: ${me} stopped after ${units} units`);
  } catch (err) {
    // The coordinator hears why (unless it is the one that failed) and fails the run with it.
    if (!coordinator.failed) coordinator.notify({ t: 'failed', error: errorToWire(err) });
    throw err;
  } finally {
    await ps?.close();
    await coordinator.close();
  }
}

/** Batch `step` of `epoch`, exactly as the unsharded data would yield it. */
async function batchAt(data: TrainingData, m: UnitMessage): Promise<Batch | undefined> {
  const { batchSize, shuffle, seed } = m;
  for await (const batch of data.batches(m.unit.epoch, { batchSize, shuffle, seed, skip: m.unit.step })) return batch;
  return undefined;
}

function checkLayout(model: LayersModel, layout: VariableLayout, me: string): void {
  const mine = model.trainableWeights.map((w) => w.shape.join('x'));
  const theirs = layout.shapes.map((s) => s.join('x'));
  if (mine.join() !== theirs.join()) {
    throw psMismatch(`${me} has trainable variables [${mine.join(', ')}], the chief [${theirs.join(', ')}].`);
  }
}
