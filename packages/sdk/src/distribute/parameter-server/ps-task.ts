/**
 * The `ps` role: listens on its cluster address, holds the variables the coordinator places on
 * it, answers pulls, applies pushed gradients with its optimizer, and serves until the
 * coordinator says stop. Losing the coordinator (or an abort from it) fails the task; workers
 * come and go.
 */
import type * as net from 'node:net';
import type { Optimizer } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import { TfscaleError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ClusterTask } from '../cluster/cluster-spec';
import { Deferred } from './deferred';
import { type Message, PS_PROTOCOL } from './message-codec';
import { coordinatorLost, describeTask, errorFromWire, psMismatch } from './ps-errors';
import { type Reply, RpcChannel } from './rpc-channel';
import { RpcServer } from './rpc-endpoints';
import { type ShardSpecMessage, ShardStore } from './shard-store';

/**
 * What a ps task needs to know.
 *
 * @example
 * ```ts
 * const options: PsTaskOptions = { self: ps0, coordinator: chief, logger, connectTimeoutMs: 300_000 };
 * ```
 */
export interface PsTaskOptions {
  readonly self: ClusterTask;
  readonly coordinator: ClusterTask;
  readonly logger: Logger;
  /** How long to wait for the coordinator's first contact. */
  readonly connectTimeoutMs: number;
}

/**
 * One parameter server.
 *
 * @example
 * ```ts
 * const ps = await PsTask.listen(options); // before TensorFlow loads: fails fast on a busy port
 * await ps.serve(tf, model.optimizer); // resolves when the coordinator says stop
 * await ps.close();
 * ```
 */
export class PsTask {
  private readonly store = new Deferred<ShardStore>();
  private readonly initialised = new Deferred<void>();
  private readonly done = new Deferred<void>();
  private server?: RpcServer;
  private coordinator?: RpcChannel;
  private timer?: NodeJS.Timeout;
  private shard?: ShardStore;

  private constructor(private readonly options: PsTaskOptions) {}

  /** Starts listening on the task's address. */
  static async listen(options: PsTaskOptions): Promise<PsTask> {
    const task = new PsTask(options);
    task.server = await RpcServer.listen(options.self.address, describeTask(options.self), (s) => task.accept(s));
    return task;
  }

  /** Serves with `optimizer` until the coordinator says stop; rejects when the run fails. */
  async serve(tf: Tf, optimizer: Optimizer): Promise<void> {
    const { connectTimeoutMs, coordinator, self, logger } = this.options;
    this.shard = new ShardStore(tf, optimizer, self.index);
    this.store.resolve(this.shard);
    if (!this.coordinator) {
      this.timer = setTimeout(() => {
        const summary = `${describeTask(self)} waited ${connectTimeoutMs} ms for the coordinator ${describeTask(coordinator)}.`;
        this.done.reject(new TfscaleError('TFSCALE_E_PS_CONNECT_FAILED', summary, { hint: 'Start the chief task.' }));
      }, connectTimeoutMs);
    }
    logger.info(`parameter-server: ${describeTask(self)} serving`);
    try {
      await this.done.promise;
      logger.info(`parameter-server: ${describeTask(self)} stopped after ${this.shard.applied} updates`);
    } finally {
      clearTimeout(this.timer);
    }
  }

  /** Closes every channel and the listener; safe to call twice. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    const server = this.server;
    this.server = undefined;
    await server?.close();
    this.shard?.dispose();
    this.shard = undefined;
  }

  private accept(socket: net.Socket): void {
    const { self, coordinator } = this.options;
    const seenBy = `ps:${self.index}`;
    // Until a hello says otherwise the peer is a worker, whose loss is nothing to a ps.
    const channel: RpcChannel = new RpcChannel(socket, 'a peer', (reason) =>
      channel === this.coordinator
        ? coordinatorLost(coordinator, reason, seenBy)
        : new TfscaleError('TFSCALE_E_PS_CONNECT_FAILED', `A worker's channel to ${seenBy} closed: ${reason}.`),
    );
    this.server?.track(channel);
    channel.onRequest = (m) => this.handle(channel, m);
    channel.onNotice = (m) => {
      if (m.head.t === 'abort' && channel === this.coordinator)
        this.done.reject(errorFromWire(m.head.error, 'the chief'));
    };
    channel.onClose = (err) => {
      if (channel === this.coordinator && err) this.done.reject(err);
    };
  }

  private async handle(channel: RpcChannel, m: Message): Promise<Reply> {
    const head = m.head as Record<string, unknown>;
    switch (m.head.t) {
      case 'hello':
        if (head.proto !== PS_PROTOCOL) {
          throw psMismatch(`${String(head.from)} speaks protocol ${String(head.proto)}, this ps ${PS_PROTOCOL}.`);
        }
        if (head.role === 'chief') {
          this.coordinator = channel;
          clearTimeout(this.timer);
        }
        return {};
      case 'init': {
        this.requireCoordinator(channel, 'init');
        (await this.store.promise).init(head.spec as ShardSpecMessage, m.arrays);
        this.initialised.resolve();
        return {};
      }
      case 'pull':
        await this.initialised.promise;
        return { arrays: (await this.store.promise).values() };
      case 'push':
        await this.initialised.promise;
        (await this.store.promise).apply(m.arrays);
        return {};
      case 'stop':
        this.requireCoordinator(channel, 'stop');
        channel.expectEnd();
        setImmediate(() => this.done.resolve()); // after the reply is written
        return {};
      default:
        throw psMismatch(`ps:${this.options.self.index} received an unknown request '${m.head.t}'.`);
    }
  }

  private requireCoordinator(channel: RpcChannel, what: string): void {
    if (channel !== this.coordinator) throw psMismatch(`Only the coordinator may send '${what}' to a ps.`);
  }
}
