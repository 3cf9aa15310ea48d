/**
 * The view of the sharded variables that the coordinator and the workers share: one channel per
 * ps task, pulls and pushes fanned out to every shard at once and put back in variable order.
 */
import type { ClusterTask } from '../cluster/cluster-spec';
import { Deferred } from './deferred';
import { PS_PROTOCOL } from './message-codec';
import { describeTask, errorToWire, psLost } from './ps-errors';
import { RpcChannel } from './rpc-channel';
import { dial } from './rpc-endpoints';
import { shardIndices } from './variable-placement';

/**
 * How to reach the ps tasks.
 *
 * @example
 * ```ts
 * const options: PsClientOptions = { ps: cluster.ps, from: 'worker:0', role: 'worker', placement: [0, 1], timeoutMs: 300_000 };
 * ```
 */
export interface PsClientOptions {
  readonly ps: readonly ClusterTask[];
  /** This task, as messages name it. */
  readonly from: string;
  readonly role: 'chief' | 'worker';
  /** The ps index of every trainable variable. */
  readonly placement: readonly number[];
  /** How long to keep dialling a ps that is not up yet, and to wait for its answer. */
  readonly timeoutMs: number;
}

/**
 * Channels to every ps task.
 *
 * @example
 * ```ts
 * const client = await PsClient.connect(options);
 * const weights = await client.pull();
 * await client.push(gradients);
 * ```
 */
export class PsClient {
  /** Rejects with `TFSCALE_E_PS_LOST` naming the ps when any ps channel breaks. */
  readonly lost = new Deferred<never>();
  private readonly shards: number[][];

  private constructor(
    private readonly channels: RpcChannel[],
    private readonly options: PsClientOptions,
  ) {
    this.shards = shardIndices(options.placement, options.ps.length);
  }

  /** Dials every ps (in parallel) and says hello. */
  static async connect(options: PsClientOptions): Promise<PsClient> {
    const lost = new Deferred<never>();
    const settled = await Promise.allSettled(
      options.ps.map(async (task) => {
        const socket = await dial({ address: task.address, peer: describeTask(task), timeoutMs: options.timeoutMs });
        const channel = new RpcChannel(socket, describeTask(task), (reason) => psLost(task, reason, options.from));
        channel.onClose = (err) => err && lost.reject(err);
        await channel.request(
          { t: 'hello', proto: PS_PROTOCOL, role: options.role, from: options.from },
          [],
          options.timeoutMs,
        );
        return channel;
      }),
    );
    const channels = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(channels.map((c) => c.close()));
      throw failed.reason;
    }
    const client = new PsClient(channels, options);
    lost.promise.catch((err) => client.lost.reject(err));
    return client;
  }

  /** Coordinator only: creates the variables on their ps tasks with these values. */
  async init(names: readonly string[], shapes: readonly (readonly number[])[], values: readonly Float32Array[]) {
    await Promise.all(
      this.channels.map((channel, ps) => {
        const indices = this.shards[ps];
        const spec = { names: indices.map((i) => names[i]), shapes: indices.map((i) => shapes[i]), indices };
        const arrays = indices.map((i) => values[i]);
        return channel.request({ t: 'init', spec }, arrays, this.options.timeoutMs);
      }),
    );
  }

  /** The current value of every variable, in variable order. */
  async pull(): Promise<Float32Array[]> {
    const replies = await Promise.all(this.channels.map((c) => c.request({ t: 'pull' }, [], this.options.timeoutMs)));
    const out = new Array<Float32Array>(this.options.placement.length);
    replies.forEach((reply, ps) => {
      this.shards[ps].forEach((variable, j) => {
        out[variable] = reply.arrays[j];
      });
    });
    return out;
  }

  /** Sends gradients (variable order) to their ps tasks; resolves once every shard applied them. */
  async push(gradients: readonly Float32Array[]): Promise<void> {
    await Promise.all(
      this.channels.map((c, ps) =>
        c.request(
          { t: 'push' },
          this.shards[ps].map((i) => gradients[i]),
          this.options.timeoutMs,
        ),
      ),
    );
  }

  /** Coordinator only: tells every ps to stop serving. */
  async stop(): Promise<void> {
    await Promise.all(
      this.channels.map(async (c) => {
        c.expectEnd();
        await c.request({ t: 'stop' }, [], this.options.timeoutMs);
      }),
    );
  }

  /** Coordinator only: tells every ps that the run failed, with the reason. */
  abort(err: unknown): void {
    for (const c of this.channels) c.notify({ t: 'abort', error: errorToWire(err) });
  }

  /** Closes every channel. */
  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close()));
  }
}
