import { invalidValue } from '../../core/errors';
import { type BatchPlan, type NumericArray, type ReduceOp, type Strategy, splitGlobalBatch } from '../strategy';

/** Options of {@link OneDeviceStrategy}. */
export interface OneDeviceOptions {
  /** 'cpu' or 'gpu:<index>' (see `tfscale devices`). */
  device?: string;
}

/**
 * TF's OneDeviceStrategy: one replica on one device — the default. `gpu:N` pins the process to
 * that GPU (CUDA_VISIBLE_DEVICES) when it is chosen before TensorFlow loads.
 * @example
 *   const strategy = new OneDeviceStrategy({ device: 'gpu:0' });
 */
export class OneDeviceStrategy implements Strategy {
  readonly name = 'one-device';
  readonly isPrimary = true;
  readonly numReplicas = 1;
  readonly replicaIndex = 0;
  readonly device: string;

  constructor(options: OneDeviceOptions = {}) {
    const device = options.device ?? 'cpu';
    if (!/^(cpu|gpu:\d+)$/.test(device)) throw invalidValue('device', device, "'cpu' or 'gpu:<index>'");
    this.device = device;
  }

  async setup(): Promise<void> {
    const gpu = /^gpu:(\d+)$/.exec(this.device);
    if (gpu && process.env.CUDA_VISIBLE_DEVICES === undefined) process.env.CUDA_VISIBLE_DEVICES = gpu[1];
  }

  async teardown(): Promise<void> {}

  async reduce<A extends NumericArray>(values: readonly A[], _op: ReduceOp): Promise<A[]> {
    return [...values];
  }

  async broadcast<A extends NumericArray>(values: readonly A[]): Promise<A[]> {
    return [...values];
  }

  async barrier(): Promise<void> {}

  plan(globalBatchSize: number): BatchPlan {
    const sizes = splitGlobalBatch(globalBatchSize, 1);
    return {
      globalBatchSize,
      numReplicas: 1,
      replicaIndex: 0,
      perReplicaBatchSize: sizes[0],
      replicaBatchSizes: sizes,
      dataShardIndex: 0,
      numDataShards: 1,
    };
  }
}
