/**
 * TF Serving-style dynamic batching (TF's `SharedBatchScheduler` + TF Serving's `BatchingSession`)
 * as a {@link PredictWrapper} (`hooks.wrapPredict`), so REST, KServe and gRPC calls share batches:
 *
 * - one queue per model version × signature × input names × output filter; a queue holds batches,
 *   the last one open; requests join the open batch until it would exceed `maxBatchSize` rows;
 * - an open batch runs when full, when its first request has waited `batchTimeoutMicros`, or at
 *   shutdown; at most `numBatchThreads` batches run at once, shared by all queues;
 * - when the open batch is full and `maxEnqueuedBatches` batches already wait, the request fails
 *   with TF's message as RESOURCE_EXHAUSTED (REST 429, so clients back off and retry; TF Serving
 *   says UNAVAILABLE, which load balancers read as "this replica is down");
 * - a batch is padded to the next `allowedBatchSizes` entry with copies of a real row, run as one
 *   `servable.predict`, and its outputs are sliced back per request (padding dropped);
 * - requests whose non-batch dims differ from the open batch start a new batch (TF would fail
 *   the whole batch unless `pad_variable_length_inputs`).
 */
import { performance } from 'node:perf_hooks';
import { batchRows, concatRows, rowShapeKey, sliceRows } from './batcher/batch-tensors';
import {
  type BatchingOptions,
  defaultBatchingOptions,
  roundToAllowedBatchSize,
  validateBatchingOptions,
} from './batcher/batching-parameters';
import type { ServingMetrics } from './metrics';
import type { PredictCall, PredictOutputs, PredictWrapper } from './predict-hooks';
import { type Servable, ServingError, type ServingTensor } from './types';

interface Task {
  call: PredictCall;
  next: (call: PredictCall) => Promise<PredictOutputs>;
  rows: number;
  enqueuedAt: number;
  resolve(outputs: Record<string, ServingTensor>): void;
  reject(error: unknown): void;
}

interface Batch {
  tasks: Task[];
  rows: number;
  shapeKey: string;
  openedAt: number;
}

interface Queue {
  batches: Batch[];
}

/**
 * What the batcher has done so far (for tests and the benchmark).
 * @example
 *   const mean = batcher.stats.executedBatchSizes.reduce((a, b) => a + b, 0) / batcher.stats.executedBatchSizes.length;
 */
export interface BatcherStats {
  /** Rows of every executed batch, after padding, in execution order. */
  executedBatchSizes: number[];
  /** Requests refused because the queue was full. */
  rejected: number;
}

/**
 * The dynamic batcher. Install `batcher.wrap` as the front ends' `wrapPredict` hook; `close()`
 * runs what is queued and refuses new requests.
 * @example
 *   const batcher = new Batcher({ maxBatchSize: 32, batchTimeoutMicros: 2000, allowedBatchSizes: [8, 16, 32] });
 *   startGrpcServer({ manager, port: 8500, hooks: { wrapPredict: batcher.wrap } });
 */
export class Batcher {
  readonly options: BatchingOptions;
  readonly stats: BatcherStats = { executedBatchSizes: [], rejected: 0 };
  private readonly queues = new WeakMap<Servable, Map<string, Queue>>();
  private readonly live = new Set<Queue>();
  private running = 0;
  private closing = false;
  private kickPending = false;
  private timer: NodeJS.Timeout | undefined;
  private drained: Array<() => void> = [];

  constructor(
    options: Partial<BatchingOptions> = {},
    private readonly metrics?: ServingMetrics,
  ) {
    this.options = validateBatchingOptions({ ...defaultBatchingOptions(), ...options });
  }

  /** The predict wrapper (bound: pass it around as a function). */
  readonly wrap: PredictWrapper = (call, next) =>
    new Promise((resolve, reject) => {
      this.enqueue({ call, next, rows: 0, enqueuedAt: performance.now(), resolve, reject });
    });

  /**
   * Stops accepting requests, runs every queued batch now, and resolves once all have finished.
   * @example
   *   await batcher.close();
   */
  close(): Promise<void> {
    this.closing = true;
    this.kick();
    return new Promise((resolve) => {
      if (this.idle()) resolve();
      else this.drained.push(resolve);
    });
  }

  private enqueue(task: Task): void {
    const { call } = task;
    const o = this.options;
    try {
      if (this.closing) throw new ServingError('UNAVAILABLE', 'The batch scheduler is shutting down');
      task.rows = batchRows(call.inputs);
      for (let i = 0; i < Object.keys(call.inputs).length; i++) this.metrics?.recordInputBatchSize(task.rows);
      if (task.rows > o.maxBatchSize) {
        throw new ServingError(
          'INVALID_ARGUMENT',
          `Task size ${task.rows} is larger than maximum input batch size ${o.maxBatchSize}`,
        );
      }
      const queue = this.queueFor(call);
      const shapeKey = rowShapeKey(call.inputs);
      let open = queue.batches[queue.batches.length - 1]!;
      const mismatch = open.tasks.length > 0 && open.shapeKey !== shapeKey;
      if (open.rows + task.rows > o.maxBatchSize || mismatch) {
        if (queue.batches.length >= o.maxEnqueuedBatches) {
          this.stats.rejected++;
          throw new ServingError(
            'RESOURCE_EXHAUSTED',
            `The batch scheduling queue to which this task was submitted is full; currently ${queue.batches.length} batches enqueued and max_enqueued_batches is ${o.maxEnqueuedBatches}`,
          );
        }
        open = newBatch();
        queue.batches.push(open);
      }
      if (open.tasks.length === 0) {
        open.openedAt = task.enqueuedAt;
        open.shapeKey = shapeKey;
      }
      open.tasks.push(task);
      open.rows += task.rows;
      this.live.add(queue);
      this.kick();
    } catch (error) {
      task.reject(error);
    }
  }

  private queueFor(call: PredictCall): Queue {
    let byKey = this.queues.get(call.servable);
    if (!byKey) {
      byKey = new Map();
      this.queues.set(call.servable, byKey);
    }
    const filter = call.outputFilter ? [...call.outputFilter].sort().join(',') : '*';
    const key = `${call.signature}\u0000${Object.keys(call.inputs).sort().join(',')}\u0000${filter}`;
    let queue = byKey.get(key);
    if (!queue) {
      queue = { batches: [newBatch()] };
      byKey.set(key, queue);
    }
    return queue;
  }

  /** Dispatches on the next turn, so requests that arrived in this I/O phase share a batch. */
  private kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const now = performance.now();
    const timeoutMs = this.options.batchTimeoutMicros / 1000;
    while (this.running < this.options.numBatchThreads) {
      // Like TF's scheduler: the ready batch whose first request is oldest goes first.
      let best: Queue | undefined;
      for (const q of this.live) {
        if (this.ready(q, now, timeoutMs) && (!best || q.batches[0]!.openedAt < best.batches[0]!.openedAt)) best = q;
      }
      if (!best) break;
      const batch = best.batches.shift()!;
      if (best.batches.length === 0) best.batches.push(newBatch());
      if (best.batches.length === 1 && best.batches[0]!.tasks.length === 0) this.live.delete(best);
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.kick();
        if (this.idle()) for (const done of this.drained.splice(0)) done();
      });
    }
    this.armTimer(now, timeoutMs);
  }

  private ready(q: Queue, now: number, timeoutMs: number): boolean {
    if (q.batches.length >= 2) return true;
    const open = q.batches[0]!;
    if (open.tasks.length === 0) return false;
    return this.closing || open.rows >= this.options.maxBatchSize || now >= open.openedAt + timeoutMs;
  }

  private armTimer(now: number, timeoutMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running >= this.options.numBatchThreads) return; // a finishing batch kicks again
    let next = Number.POSITIVE_INFINITY;
    for (const q of this.live) next = Math.min(next, q.batches[0]!.openedAt + timeoutMs);
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - now));
  }

  private idle(): boolean {
    return this.running === 0 && this.live.size === 0;
  }

  private async run(batch: Batch): Promise<void> {
    const start = performance.now();
    const tasks = batch.tasks;
    for (const t of tasks) this.metrics?.recordQueuing(this.options.threadPoolName, (start - t.enqueuedAt) * 1000);
    const size = roundToAllowedBatchSize(this.options.allowedBatchSizes, batch.rows);
    const padding = size - batch.rows;
    this.stats.executedBatchSizes.push(size);
    this.metrics?.recordBatch(size, padding);
    const { call, next } = tasks[0]!;
    try {
      if (tasks.length === 1 && padding === 0) {
        tasks[0]!.resolve(await next(call));
        return;
      }
      const merged: Record<string, ServingTensor> = {};
      for (const name of Object.keys(tasks[0]!.call.inputs)) {
        merged[name] = concatRows(
          tasks.map((t) => t.call.inputs[name]!),
          padding,
        );
      }
      const outputs = await next({ ...call, inputs: merged });
      const perTask = tasks.map(() => ({}) as Record<string, ServingTensor>);
      for (const [name, tensor] of Object.entries(outputs)) {
        if (tensor.shape.length === 0) {
          throw new ServingError('FAILED_PRECONDITION', 'Batched output tensor has 0 dimensions');
        }
        if (tensor.shape[0] !== size) {
          throw new ServingError(
            'FAILED_PRECONDITION',
            "Batched output tensor's 0th dimension does not equal the sum of the 0th dimension sizes of the input tensors",
          );
        }
        let row = 0;
        tasks.forEach((t, i) => {
          perTask[i]![name] = sliceRows(tensor, row, t.rows);
          row += t.rows;
        });
      }
      for (const [i, t] of tasks.entries()) t.resolve(perTask[i]!);
    } catch (error) {
      for (const t of tasks) t.reject(error);
    }
  }
}

function newBatch(): Batch {
  return { tasks: [], rows: 0, shapeKey: '', openedAt: 0 };
}
