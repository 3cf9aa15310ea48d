/**
 * Where other parts of the server plug into every model call: a wrapper around
 * `servable.predict` (the batcher merges concurrent calls there, a tracer times them), a hook
 * before each call, an observer after each request (metrics), and the request timeout
 * (`--rest_api_timeout_in_ms`). The protocol front ends call models only through
 * {@link runPredict}, so one injection covers REST, KServe V2 and gRPC alike.
 */
import type { Servable, ServingErrorCode, ServingTensor } from './types';
import { ServingError } from './types';

/**
 * The protocol-level API a call serves (TF Serving's `API` metric label, lowercase for REST).
 * @example
 *   const api: ServingApi = 'predict';
 */
export type ServingApi = 'predict' | 'classify' | 'regress' | 'infer' | 'metadata' | 'status' | 'ready';

/**
 * Named output tensors of one call.
 * @example
 *   const out: PredictOutputs = await servable.predict('serving_default', inputs);
 */
export type PredictOutputs = Record<string, ServingTensor>;

/**
 * One model call, with everything a batcher needs to merge it with others of the same
 * (model, version, signature): the servable, the inputs (dim 0 is the batch) and the filter.
 * @example
 *   const call: PredictCall = { model: 'm', version: 1, signature: 'serving_default', servable, inputs, api: 'predict', entrypoint: 'REST' };
 */
export interface PredictCall {
  readonly model: string;
  readonly version: number;
  readonly signature: string;
  readonly servable: Servable;
  readonly inputs: Record<string, ServingTensor>;
  readonly outputFilter?: string[];
  readonly api: ServingApi;
  readonly entrypoint: 'REST' | 'GRPC';
}

/**
 * Wraps every model call; `next` runs it (or a merged call) on its servable.
 * @example
 *   const timing: PredictWrapper = async (call, next) => { const t = performance.now(); try { return await next(call); } finally { record(performance.now() - t); } };
 */
export type PredictWrapper = (
  call: PredictCall,
  next: (call: PredictCall) => Promise<PredictOutputs>,
) => Promise<PredictOutputs>;

/**
 * What one finished request reports to observers (TF Serving's request_count /
 * request_latency / runtime_latency / request_example_counts).
 * @example
 *   const e: RequestEvent = { entrypoint: 'REST', api: 'predict', model: 'm', status: 'OK', httpStatus: 200, latencyMicros: 812 };
 */
export interface RequestEvent {
  readonly entrypoint: 'REST' | 'GRPC';
  /** Unset for requests that name no API (health, unknown paths). */
  readonly api?: ServingApi;
  /** Unset when the request named no model. */
  readonly model?: string;
  readonly version?: number;
  readonly status: ServingErrorCode;
  readonly httpStatus?: number;
  /** Whole request, body read to response written. */
  readonly latencyMicros: number;
  /** The model call alone (batching queue included). */
  readonly runtimeLatencyMicros?: number;
  /** Examples in the request (dim 0 of the first input). */
  readonly examples?: number;
  /** The servable's runtime ('savedmodel', 'tfjs', …). */
  readonly runtime?: string;
}

/**
 * Receives one event per finished request; must not throw (errors are ignored).
 * @example
 *   const observe: RequestObserver = (e) => counter.inc({ model_name: e.model ?? '', status: e.status });
 */
export type RequestObserver = (event: RequestEvent) => void;

/**
 * Hooks around model calls.
 * @example
 *   const hooks: PredictHooks = { wrapPredict: batcher.wrap, timeoutMs: 30_000 };
 */
export interface PredictHooks {
  readonly wrapPredict?: PredictWrapper;
  /** Called synchronously before each model call (request logging, tracing). */
  readonly beforePredict?: (call: PredictCall) => void;
  /** DEADLINE_EXCEEDED after this long; 0 or unset waits forever. */
  readonly timeoutMs?: number;
}

/**
 * Measurements of one {@link runPredict}, for the request's event.
 * @example
 *   const timing: PredictTiming = {}; await runPredict(call, hooks, timing); timing.runtimeLatencyMicros;
 */
export interface PredictTiming {
  runtimeLatencyMicros?: number;
  examples?: number;
  runtime?: string;
}

const direct = (call: PredictCall): Promise<PredictOutputs> =>
  call.servable.predict(call.signature, call.inputs, call.outputFilter);

/**
 * Runs a model call through the hooks; `timing` receives its duration and batch size.
 * @example
 *   const outputs = await runPredict(call, hooks, timing);
 */
export async function runPredict(
  call: PredictCall,
  hooks: PredictHooks = {},
  timing: PredictTiming = {},
): Promise<PredictOutputs> {
  hooks.beforePredict?.(call);
  const first = Object.values(call.inputs)[0];
  timing.examples = first && first.shape.length > 0 ? first.shape[0] : 1;
  timing.runtime = call.servable.runtime;
  const start = process.hrtime.bigint();
  const pending = hooks.wrapPredict ? hooks.wrapPredict(call, direct) : direct(call);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!hooks.timeoutMs || hooks.timeoutMs <= 0) return await pending;
    pending.catch(() => undefined); // a call that loses the race must not reject unhandled
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServingError('DEADLINE_EXCEEDED', 'Deadline Exceeded')), hooks.timeoutMs);
    });
    return await Promise.race([pending, deadline]);
  } finally {
    if (timer) clearTimeout(timer);
    timing.runtimeLatencyMicros = Number((process.hrtime.bigint() - start) / 1000n);
  }
}
