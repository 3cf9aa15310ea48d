/**
 * The coordinator's queue of steps (TF's `ClusterCoordinator.schedule`/`join`): an epoch becomes
 * one unit per step; each worker asks for the next unit when it is free; a worker that is lost
 * gives its unit back to the front of the queue, so another worker runs it ("the coordinator
 * re-schedules its steps"). Results come back in completion order. No sockets here: the
 * coordinator feeds it events.
 */
import { Deferred } from './deferred';

/**
 * One step of one epoch; `id` tells a current unit from a cancelled one.
 *
 * @example
 * ```ts
 * const unit: WorkUnit = { id: 12, epoch: 0, step: 11 };
 * ```
 */
export interface WorkUnit {
  readonly id: number;
  readonly epoch: number;
  readonly step: number;
}

/**
 * A finished unit: the worker's loss and metrics on its batch, and the batch's size.
 *
 * @example
 * ```ts
 * const result: UnitResult = { unit, worker: 'worker:1', values: Float32Array.of(0.31, 0.9), samples: 32 };
 * ```
 */
export interface UnitResult {
  readonly unit: WorkUnit;
  readonly worker: string;
  readonly values: Float32Array;
  readonly samples: number;
}

/**
 * The queue.
 *
 * @example
 * ```ts
 * const scheduler = new UnitScheduler();
 * for await (const result of scheduler.runEpoch(0, 45)) means.add(result.values, result.samples);
 * // on a worker's request: const unit = await scheduler.next('worker:0'); // undefined: stop
 * ```
 */
export class UnitScheduler {
  private queue: WorkUnit[] = [];
  private readonly inFlight = new Map<string, WorkUnit>();
  private readonly waiting: { worker: string; give(unit: WorkUnit | undefined): void }[] = [];
  /** Ids of the current epoch's units that have not completed. */
  private readonly open = new Set<number>();
  private results: UnitResult[] = [];
  private wake?: Deferred<void>;
  private failure?: Deferred<never>;
  private nextId = 1;
  private closed = false;

  /** Units queued or running now. */
  get pending(): number {
    return this.open.size;
  }

  /** The next unit for `worker`, once there is one; `undefined` after {@link close}. */
  next(worker: string): Promise<WorkUnit | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const unit = this.queue.shift();
    if (unit) {
      this.inFlight.set(worker, unit);
      return Promise.resolve(unit);
    }
    return new Promise((give) => this.waiting.push({ worker, give }));
  }

  /** A worker finished `id`; results of cancelled or unknown units are dropped. */
  complete(worker: string, id: number, values: Float32Array, samples: number): void {
    const unit = this.inFlight.get(worker);
    if (unit?.id === id) this.inFlight.delete(worker);
    if (!unit || unit.id !== id || !this.open.delete(id)) return;
    this.results.push({ unit, worker, values, samples });
    this.wake?.resolve();
  }

  /** A worker is gone: its unit, if any, goes back to the front of the queue and is returned. */
  release(worker: string): WorkUnit | undefined {
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].worker === worker) this.waiting.splice(i, 1);
    const unit = this.inFlight.get(worker);
    this.inFlight.delete(worker);
    if (!unit || !this.open.has(unit.id)) return undefined;
    this.queue.unshift(unit);
    this.dispatch();
    return unit;
  }

  /**
   * Schedules steps `from … steps - 1` of `epoch` and yields their results as they complete.
   * Leaving the loop early (a stop) cancels the units not handed out yet.
   */
  async *runEpoch(epoch: number, steps: number, from = 0): AsyncGenerator<UnitResult> {
    for (let step = from; step < steps; step++) {
      const unit = { id: this.nextId++, epoch, step };
      this.open.add(unit.id);
      this.queue.push(unit);
    }
    this.dispatch();
    try {
      while (this.open.size > 0 || this.results.length > 0) {
        const result = this.results.shift();
        if (result) {
          yield result;
          continue;
        }
        this.wake = new Deferred<void>();
        this.failure ??= new Deferred<never>();
        await Promise.race([this.wake.promise, this.failure.promise]);
      }
    } finally {
      this.queue = [];
      this.open.clear();
      this.results = [];
    }
  }

  /** Fails the epoch being run (a lost ps, no workers left). */
  fail(err: unknown): void {
    this.failure ??= new Deferred<never>();
    this.failure.reject(err);
  }

  /** No more work: every waiting and later {@link next} gets `undefined`. */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.give(undefined);
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.waiting.length > 0) {
      const unit = this.queue.shift()!;
      const w = this.waiting.shift()!;
      this.inFlight.set(w.worker, unit);
      w.give(unit);
    }
  }
}
