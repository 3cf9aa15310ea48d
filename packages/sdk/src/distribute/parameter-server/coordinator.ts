/**
 * The coordinator (`chief`) side of the cluster: it owns the channels to the ps tasks (create
 * the variables, pull them for evaluation and checkpoints, stop or abort them at the end) and
 * the workers' channels (register, hand out units, collect results). A lost worker is a warning
 * and a re-scheduled unit; a lost ps fails the run; no worker at all for `workerTimeoutMs`
 * fails it too.
 */
import type * as net from 'node:net';
import { TfscaleError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ParameterServerCluster } from '../cluster/parameter-server';
import { Deferred } from './deferred';
import { type Message, PS_PROTOCOL } from './message-codec';
import { PsClient } from './ps-client';
import { describeTask, errorFromWire, errorToWire, psMismatch } from './ps-errors';
import { type Reply, RpcChannel } from './rpc-channel';
import { RpcServer } from './rpc-endpoints';
import { UnitScheduler } from './unit-scheduler';

/**
 * The model's trainable variables as the cluster shares them, and where each lives.
 *
 * @example
 * ```ts
 * const layout: VariableLayout = { names: ['d/kernel', 'd/bias'], shapes: [[64, 10], [10]], placement: [0, 0] };
 * ```
 */
export interface VariableLayout {
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly placement: readonly number[];
}

/**
 * Coordinator settings.
 *
 * @example
 * ```ts
 * const options: CoordinatorOptions = { cluster, logger, connectTimeoutMs: 300_000, workerTimeoutMs: 300_000 };
 * ```
 */
export interface CoordinatorOptions {
  readonly cluster: ParameterServerCluster;
  readonly logger: Logger;
  readonly connectTimeoutMs: number;
  /** How long work may wait with no worker connected before the run fails. */
  readonly workerTimeoutMs: number;
}

/**
 * The coordinator.
 *
 * @example
 * ```ts
 * const coordinator = await Coordinator.listen(options); // workers may register from now on
 * await coordinator.start(layout);
 * await coordinator.initVariables(values);
 * for await (const r of coordinator.scheduler.runEpoch(0, 45)) log(r);
 * await coordinator.shutdown(undefined); // stop everyone; shutdown(err) aborts them with err
 * ```
 */
export class Coordinator {
  readonly scheduler = new UnitScheduler();
  /** Batch options of the epoch being scheduled, sent with every unit. */
  epochOptions: { batchSize: number; shuffle: boolean; seed: number } = { batchSize: 32, shuffle: true, seed: 0 };
  /** Why the run failed here (a lost ps, no workers), if it did. */
  failure?: unknown;
  private readonly layout = new Deferred<VariableLayout>();
  private readonly workers = new Map<RpcChannel, string>();
  private server?: RpcServer;
  private ps?: PsClient;
  private serial = 0;
  private idleTimer?: NodeJS.Timeout;
  private stopping = false;

  private constructor(private readonly options: CoordinatorOptions) {}

  /** Listens on the chief's address. */
  static async listen(options: CoordinatorOptions): Promise<Coordinator> {
    const c = new Coordinator(options);
    const chief = options.cluster.coordinator!;
    c.server = await RpcServer.listen(chief.address, describeTask(chief), (s) => c.accept(s));
    return c;
  }

  /** Connects to every ps and lets workers register. */
  async start(layout: VariableLayout): Promise<void> {
    const { cluster, connectTimeoutMs } = this.options;
    this.ps = await PsClient.connect({
      ps: cluster.ps,
      from: 'chief',
      role: 'chief',
      placement: layout.placement,
      timeoutMs: connectTimeoutMs,
    });
    this.ps.lost.promise.catch((err) => this.fail(err));
    this.layout.resolve(layout);
    this.watchWorkers();
  }

  /** Creates the variables on the ps tasks with these initial values. */
  async initVariables(values: readonly Float32Array[]): Promise<void> {
    const { names, shapes } = await this.layout.promise;
    await this.ps!.init(names, shapes, values);
  }

  /** The current variables, from the ps tasks. */
  pull(): Promise<Float32Array[]> {
    return this.ps!.pull();
  }

  /** Ends the run: `undefined` stops every task, an error aborts them with it. Idempotent. */
  async shutdown(err: unknown): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.idleTimer);
    const reason = err ?? this.failure;
    if (reason) {
      for (const channel of this.workers.keys()) channel.notify({ t: 'abort', error: errorToWire(reason) });
      this.ps?.abort(reason);
    } else {
      // Workers first: a worker that saw its ps go before its own stop would report a lost ps.
      const gone = [...this.workers.keys()].map((c) =>
        c.socket.closed ? Promise.resolve() : new Promise((done) => c.socket.once('close', done)),
      );
      this.scheduler.close();
      await Promise.race([Promise.all(gone), new Promise((done) => setTimeout(done, 10_000).unref())]);
      await this.ps?.stop().catch((e) => this.options.logger.warn(`parameter-server: stopping the ps: ${e}`));
    }
    await this.ps?.close();
    await this.server?.close();
  }

  private fail(err: unknown): void {
    if (this.failure || this.stopping) return;
    this.failure = err;
    this.scheduler.fail(err);
  }

  private accept(socket: net.Socket): void {
    const channel = new RpcChannel(
      socket,
      'a worker',
      (reason) => new TfscaleError('TFSCALE_E_PS_CONNECT_FAILED', reason),
    );
    this.server?.track(channel);
    channel.onRequest = (m) => this.handle(channel, m);
    channel.onNotice = (m) => this.notice(channel, m);
    channel.onClose = (err) => this.workerGone(channel, err?.summary ?? 'it left');
  }

  private async handle(channel: RpcChannel, m: Message): Promise<Reply> {
    const head = m.head as Record<string, unknown>;
    if (m.head.t === 'register') {
      if (head.proto !== PS_PROTOCOL) {
        throw psMismatch(`${String(head.from)} speaks protocol ${String(head.proto)}, the chief ${PS_PROTOCOL}.`);
      }
      const layout = await this.layout.promise;
      const index = Number(head.index);
      const task = this.options.cluster.workers.find((w) => w.index === index);
      const name = task ? describeTask(task) : `worker:${index}`;
      this.workers.set(channel, `${name}#${++this.serial}`);
      this.watchWorkers();
      this.options.logger.info(`parameter-server: ${name} joined (${this.workers.size} worker(s))`);
      return { head: { layout } };
    }
    if (m.head.t === 'next') {
      const worker = this.workers.get(channel);
      const unit = worker === undefined ? undefined : await this.scheduler.next(worker);
      return { head: unit ? { unit, ...this.epochOptions } : { stop: true } };
    }
    throw psMismatch(`The chief received an unknown request '${m.head.t}'.`);
  }

  private notice(channel: RpcChannel, m: Message): void {
    const worker = this.workers.get(channel);
    const head = m.head as Record<string, unknown>;
    if (worker === undefined) return;
    if (m.head.t === 'done') this.scheduler.complete(worker, Number(head.unit), m.arrays[0], Number(head.samples));
    else if (m.head.t === 'failed') this.fail(errorFromWire(head.error, worker.replace(/#\d+$/, '')));
    else if (m.head.t === 'leave') this.workerGone(channel, String(head.reason ?? 'it left'), true);
  }

  private workerGone(channel: RpcChannel, reason: string, graceful = false): void {
    const worker = this.workers.get(channel);
    if (worker === undefined || this.stopping) return;
    this.workers.delete(channel);
    const unit = this.scheduler.release(worker);
    const name = worker.replace(/#\d+$/, '');
    const requeued = unit ? `; its step ${unit.step} of epoch ${unit.epoch + 1} is re-scheduled` : '';
    const left = `${requeued}; ${this.workers.size} worker(s) left`;
    if (graceful) this.options.logger.info(`parameter-server: ${name} left (${reason})${left}`);
    else this.options.logger.warn(`parameter-server: ${name} was lost (${reason})${left}`);
    this.watchWorkers();
  }

  /** With no worker connected, the run fails after `workerTimeoutMs` unless one (re)joins. */
  private watchWorkers(): void {
    clearTimeout(this.idleTimer);
    if (this.workers.size > 0 || this.stopping) return;
    const ms = this.options.workerTimeoutMs;
    this.idleTimer = setTimeout(() => {
      const summary = `No worker was connected to the coordinator for ${ms} ms.`;
      this.fail(new TfscaleError('TFSCALE_E_PS_NO_WORKERS', summary, { hint: 'Start (or restart) the worker tasks.' }));
    }, ms);
    this.idleTimer.unref();
  }
}
