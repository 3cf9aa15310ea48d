import * as assert from 'node:assert/strict';
import { Batcher } from './batcher';
import { ServingMetrics } from './metrics';
import type { PredictCall, PredictOutputs } from './predict-hooks';
import { type Servable, ServingError, type ServingTensor } from './types';

/**
 * A servable whose calls can be held open (a gate per call), recording the rows of every call.
 * Outputs: y = 2x (same shape), total = per-row sum.
 */
class GatedServable implements Servable {
  readonly runtime = 'fake';
  readonly signatures = {};
  readonly calls: number[] = [];
  holdNext = false;
  private gates: Array<() => void> = [];
  private started: Array<() => void> = [];

  /** Resolves when the next predict call begins. */
  nextStart(): Promise<void> {
    return new Promise((resolve) => this.started.push(resolve));
  }

  release(): void {
    for (const open of this.gates.splice(0)) open();
  }

  async predict(_s: string, inputs: Record<string, ServingTensor>): Promise<Record<string, ServingTensor>> {
    const x = inputs.x!;
    const rows = x.shape[0]!;
    this.calls.push(rows);
    for (const s of this.started.splice(0)) s();
    if (this.holdNext) {
      this.holdNext = false;
      await new Promise<void>((resolve) => this.gates.push(resolve));
    }
    if (inputs.fail) throw new ServingError('INTERNAL', 'boom');
    const width = x.data.length / rows;
    const data = x.data as Float32Array;
    const total = Float32Array.from({ length: rows }, (_, r) =>
      data.subarray(r * width, (r + 1) * width).reduce((a, b) => a + b, 0),
    );
    return {
      y: { dtype: 'float32', shape: [...x.shape], data: data.map((v) => v * 2) },
      total: { dtype: 'float32', shape: [rows], data: total },
    };
  }

  dispose(): void {}
}

const direct = (call: PredictCall): Promise<PredictOutputs> =>
  call.servable.predict(call.signature, call.inputs, call.outputFilter);

function request(servable: Servable, rows: number, seed: number, width = 3): PredictCall {
  const data = Float32Array.from({ length: rows * width }, (_, i) => seed * 100 + i);
  return {
    model: 'm',
    version: 1,
    signature: 'serving_default',
    servable,
    inputs: { x: { dtype: 'float32', shape: [rows, width], data } },
    api: 'predict',
    entrypoint: 'GRPC',
  };
}

function checkRouted(call: PredictCall, out: PredictOutputs): void {
  const x = call.inputs.x!;
  assert.deepEqual(out.y!.shape, x.shape);
  assert.deepEqual(
    Array.from(out.y!.data as Float32Array),
    Array.from(x.data as Float32Array, (v) => v * 2),
  );
  assert.deepEqual(out.total!.shape, [x.shape[0]]);
}

async function rejection(p: Promise<unknown>): Promise<ServingError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ServingError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('batcher: TF Serving dynamic batching', () => {
  it('joins requests that arrive while the batch thread is busy into one batch and routes outputs back', async () => {
    const servable = new GatedServable();
    const metrics = new ServingMetrics();
    const batcher = new Batcher({ maxBatchSize: 8, numBatchThreads: 1 }, metrics);
    servable.holdNext = true;
    const started = servable.nextStart();
    const first = request(servable, 1, 0);
    const pFirst = batcher.wrap(first, direct);
    await started;
    const calls = [1, 2, 1, 3, 1].map((rows, i) => request(servable, rows, i + 1));
    const pending = calls.map((c) => batcher.wrap(c, direct));
    servable.release();
    checkRouted(first, await pFirst);
    const outs = await Promise.all(pending);
    for (const [i, c] of calls.entries()) checkRouted(c, outs[i]!);
    assert.deepEqual(servable.calls, [1, 8]);
    assert.deepEqual(batcher.stats.executedBatchSizes, [1, 8]);
    const page = metrics.render();
    assert.match(page, /:tensorflow:serving:batching_session:processed_batch_size_bucket\{le="8"\} 1\n/);
    assert.match(page, /:tensorflow:serving:batching_session:input_batch_size_count\{\} 6\n/);
    assert.match(page, /:tensorflow:serving:batching_session:wrapped_run_count\{\} 2\n/);
    assert.match(page, /:tensorflow:serving:batching_session:queuing_latency_count\{thread_pool_name=""\} 6\n/);
  });

  it('pads to the next allowed batch size with a real row and drops the padding from outputs', async () => {
    const servable = new GatedServable();
    const metrics = new ServingMetrics();
    const batcher = new Batcher({ maxBatchSize: 8, allowedBatchSizes: [2, 4, 8], numBatchThreads: 1 }, metrics);
    servable.holdNext = true;
    const started = servable.nextStart();
    const pFirst = batcher.wrap(request(servable, 2, 0), direct);
    await started;
    const calls = [1, 1, 1].map((rows, i) => request(servable, rows, i + 1));
    const pending = calls.map((c) => batcher.wrap(c, direct));
    servable.release();
    await pFirst;
    const outs = await Promise.all(pending);
    for (const [i, c] of calls.entries()) checkRouted(c, outs[i]!);
    assert.deepEqual(servable.calls, [2, 4]);
    assert.match(
      metrics.render(),
      /:tensorflow:serving:batching_session:padding_size_sum\{execution_batch_size="4"\} 1\n/,
    );
  });

  it('refuses with RESOURCE_EXHAUSTED (429) and TF’s message when max_enqueued_batches batches already wait', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 2, maxEnqueuedBatches: 1, numBatchThreads: 1 });
    servable.holdNext = true;
    const started = servable.nextStart();
    const pFirst = batcher.wrap(request(servable, 1, 0), direct);
    await started;
    const waiting = batcher.wrap(request(servable, 2, 1), direct);
    const error = await rejection(batcher.wrap(request(servable, 1, 2), direct));
    assert.equal(error.code, 'RESOURCE_EXHAUSTED');
    assert.equal(
      error.message,
      'The batch scheduling queue to which this task was submitted is full; currently 1 batches enqueued and max_enqueued_batches is 1',
    );
    assert.equal(batcher.stats.rejected, 1);
    servable.release();
    await Promise.all([pFirst, waiting]);
  });

  it('runs requests whose row shapes differ in separate batches', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 8, numBatchThreads: 1 });
    servable.holdNext = true;
    const started = servable.nextStart();
    const pFirst = batcher.wrap(request(servable, 1, 0), direct);
    await started;
    const calls = [request(servable, 1, 1, 3), request(servable, 1, 2, 4), request(servable, 2, 3, 3)];
    const pending = calls.map((c) => batcher.wrap(c, direct));
    servable.release();
    await pFirst;
    const outs = await Promise.all(pending);
    for (const [i, c] of calls.entries()) checkRouted(c, outs[i]!);
    assert.deepEqual(servable.calls, [1, 1, 1, 2]);
  });

  it('rejects what TF Serving rejects before queueing', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 4, numBatchThreads: 1 });
    const big = await rejection(batcher.wrap(request(servable, 5, 0), direct));
    assert.deepEqual(
      [big.code, big.message],
      ['INVALID_ARGUMENT', 'Task size 5 is larger than maximum input batch size 4'],
    );
    const scalar = {
      ...request(servable, 1, 0),
      inputs: { x: { dtype: 'float32' as const, shape: [], data: Float32Array.of(1) } },
    };
    assert.match((await rejection(batcher.wrap(scalar, direct))).message, /must have at least one dimension/);
    const ragged = request(servable, 2, 0);
    const mixed = { ...ragged, inputs: { ...ragged.inputs, z: request(servable, 3, 0).inputs.x! } };
    assert.match((await rejection(batcher.wrap(mixed, direct))).message, /must have equal 0th-dimension size/);
    assert.deepEqual(servable.calls, []);
  });

  it('waits batch_timeout_micros for a batch to fill, then runs what it has', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 16, batchTimeoutMicros: 20_000, numBatchThreads: 4 });
    const calls = [1, 2, 3].map((rows, i) => request(servable, rows, i));
    const outs = await Promise.all(calls.map((c) => batcher.wrap(c, direct)));
    for (const [i, c] of calls.entries()) checkRouted(c, outs[i]!);
    assert.deepEqual(servable.calls, [6]);
  });

  it('fails every request of a batch whose run fails', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 8, batchTimeoutMicros: 10_000, numBatchThreads: 1 });
    const failing = (seed: number) => {
      const c = request(servable, 1, seed);
      return {
        ...c,
        inputs: { ...c.inputs, fail: { dtype: 'float32' as const, shape: [1], data: Float32Array.of(0) } },
      };
    };
    const errors = await Promise.all([failing(1), failing(2)].map((c) => rejection(batcher.wrap(c, direct))));
    assert.deepEqual(
      errors.map((e) => e.message),
      ['boom', 'boom'],
    );
    assert.deepEqual(servable.calls, [2]);
  });

  it('under 64 concurrent requests forms multi-request batches, each request getting its own rows back', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 32, allowedBatchSizes: [8, 16, 32], numBatchThreads: 2 });
    const calls = Array.from({ length: 64 }, (_, i) => request(servable, 1 + (i % 3), i));
    const outs = await Promise.all(calls.map((c) => batcher.wrap(c, direct)));
    for (const [i, c] of calls.entries()) checkRouted(c, outs[i]!);
    assert.ok(servable.calls.length < 64, `64 requests ran as ${servable.calls.length} batches`);
    assert.ok(
      servable.calls.every((n) => [8, 16, 32].includes(n)),
      String(servable.calls),
    );
  });

  it('close() runs what is queued, then refuses new requests', async () => {
    const servable = new GatedServable();
    const batcher = new Batcher({ maxBatchSize: 8, batchTimeoutMicros: 60_000_000, numBatchThreads: 1 });
    const pending = batcher.wrap(request(servable, 2, 0), direct);
    await batcher.close();
    checkRouted(request(servable, 2, 0), await pending);
    const late = await rejection(batcher.wrap(request(servable, 1, 1), direct));
    assert.equal(late.code, 'UNAVAILABLE');
  });
});
