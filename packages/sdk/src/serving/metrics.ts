/**
 * The metrics TF Serving (and the TF core it links) exports, under their TF names and labels, so
 * dashboards and alerts written for TF Serving work unchanged. Sources: TF Serving
 * `servables/tensorflow/util.cc` (request metrics), `batching/batching_session.cc` and
 * `batching/batching_util.h` (batching), TF `cc/saved_model/loader.cc` (model loads).
 */
import { exponentialBuckets, type HistogramMetric, MetricsRegistry, type ScalarMetric } from './metrics-registry';
import type { RequestEvent, RequestObserver } from './predict-hooks';
import type { ModelManager, ModelVersionEvent } from './types';

/**
 * TF Serving's default Prometheus path (`PrometheusExporter::kPrometheusPath`).
 * @example
 *   http.addRoute('GET', PROMETHEUS_PATH, prometheusHandler(metrics));
 */
export const PROMETHEUS_PATH = '/monitoring/prometheus/metrics';

const LATENCY_BUCKETS = exponentialBuckets(10, 1.8, 33);
const BATCH_SIZE_BUCKETS = exponentialBuckets(1, 2, 14);

const CAPITALIZED = new Map<string, string>();

/** `predict` → `Predict`, remembered (every request needs one or two). */
function capitalized(api: string): string {
  let label = CAPITALIZED.get(api);
  if (label === undefined) {
    label = api.charAt(0).toUpperCase() + api.slice(1);
    CAPITALIZED.set(api, label);
  }
  return label;
}

/**
 * The server's metrics. Front ends report requests through {@link ServingMetrics.observe}, the
 * batcher its batches, {@link ServingMetrics.watchModels} the manager's loads and version states;
 * the REST server serves {@link ServingMetrics.render} at {@link PROMETHEUS_PATH} when monitoring
 * is enabled.
 * @example
 *   const metrics = new ServingMetrics();
 *   metrics.observe({ entrypoint: 'GRPC', api: 'predict', model: 'digits', status: 'OK', latencyMicros: 850 });
 *   console.log(metrics.render());
 */
export class ServingMetrics {
  readonly registry: MetricsRegistry;
  private readonly requestCount: ScalarMetric;
  private readonly requestLatency: HistogramMetric;
  private readonly runtimeLatency: HistogramMetric;
  private readonly exampleCounts: HistogramMetric;
  private readonly exampleCountTotal: ScalarMetric;
  private readonly queuingLatency: HistogramMetric;
  private readonly wrappedRunCount: ScalarMetric;
  private readonly inputBatchSize: HistogramMetric;
  private readonly processedBatchSize: HistogramMetric;
  private readonly paddingSize: HistogramMetric;
  private readonly loadAttemptCount: ScalarMetric;
  private readonly loadLatency: ScalarMetric;

  constructor(registry = new MetricsRegistry()) {
    this.registry = registry;
    const r = registry;
    this.requestCount = r.counter('/tensorflow/serving/request_count', ['model_name', 'status']);
    this.requestLatency = r.histogram(
      '/tensorflow/serving/request_latency',
      ['model_name', 'API', 'entrypoint'],
      LATENCY_BUCKETS,
    );
    this.runtimeLatency = r.histogram(
      '/tensorflow/serving/runtime_latency',
      ['model_name', 'API', 'runtime'],
      LATENCY_BUCKETS,
    );
    this.exampleCounts = r.histogram(
      '/tensorflow/serving/request_example_counts',
      ['model'],
      exponentialBuckets(1, 2, 15),
    );
    this.exampleCountTotal = r.counter('/tensorflow/serving/request_example_count_total', ['model']);
    this.queuingLatency = r.histogram(
      '/tensorflow/serving/batching_session/queuing_latency',
      ['thread_pool_name'],
      exponentialBuckets(100, 1.2, 52),
    );
    this.wrappedRunCount = r.counter('/tensorflow/serving/batching_session/wrapped_run_count', []);
    this.inputBatchSize = r.histogram('/tensorflow/serving/batching_session/input_batch_size', [], BATCH_SIZE_BUCKETS);
    this.processedBatchSize = r.histogram(
      '/tensorflow/serving/batching_session/processed_batch_size',
      [],
      BATCH_SIZE_BUCKETS,
    );
    this.paddingSize = r.histogram(
      '/tensorflow/serving/batching_session/padding_size',
      ['execution_batch_size'],
      BATCH_SIZE_BUCKETS,
    );
    this.loadAttemptCount = r.counter('/tensorflow/cc/saved_model/load_attempt_count', ['model_path', 'status']);
    this.loadLatency = r.counter('/tensorflow/cc/saved_model/load_latency', ['model_path']);
  }

  /**
   * A {@link RequestObserver} (bound) for the front ends: `request_count` for every request with a
   * model, `request_latency` only on success (as TF Serving), `runtime_latency` for successful
   * model calls, and the example counts of Classify/Regress. The `API` label is the lower-case
   * REST verb (`predict`) for REST and capitalised (`Predict`) for gRPC, as TF Serving labels them.
   */
  readonly observe: RequestObserver = (e: RequestEvent) => {
    if (e.api === undefined || e.model === undefined) return;
    const api = e.entrypoint === 'GRPC' ? capitalized(e.api) : e.api;
    this.requestCount.inc([e.model, e.status]);
    if (e.status !== 'OK') return;
    this.requestLatency.observe([e.model, api, e.entrypoint], e.latencyMicros);
    if (e.runtimeLatencyMicros !== undefined) {
      const runtime = e.runtime === undefined || e.runtime === 'savedmodel' ? 'TF1' : e.runtime;
      const runtimeApi = capitalized(e.api);
      this.runtimeLatency.observe([e.model, runtimeApi, runtime], e.runtimeLatencyMicros);
    }
    if ((e.api === 'classify' || e.api === 'regress') && e.examples !== undefined) {
      this.exampleCounts.observe([e.model], e.examples);
      this.exampleCountTotal.inc([e.model], e.examples);
    }
  };

  /** A request's rows entering the batcher (TF records one sample per input tensor). */
  recordInputBatchSize(rows: number): void {
    this.inputBatchSize.observe([], rows);
  }

  /** One executed batch: its padded size, the padding rows, and one wrapped run. */
  recordBatch(executionBatchSize: number, padding: number): void {
    this.processedBatchSize.observe([], executionBatchSize);
    this.paddingSize.observe([String(executionBatchSize)], padding);
    this.wrappedRunCount.inc([]);
  }

  /** Time a request waited in the batching queue. */
  recordQueuing(threadPoolName: string, micros: number): void {
    this.queuingLatency.observe([threadPoolName], micros);
  }

  /** One model load attempt (TF's SavedModel loader metrics); `micros` counts successes only. */
  recordLoad(modelPath: string, ok: boolean, micros: number): void {
    this.loadAttemptCount.inc([modelPath, ok ? 'success' : 'fail']);
    if (ok) this.loadLatency.inc([modelPath], Math.round(micros));
  }

  /**
   * Follows a model manager: its load events feed the load metrics (labelled by
   * `<model>/<version>` where TF uses the export path), and at each scrape every known version's
   * state is exported as `:tfscale:serving:model_version_state{model_name,version,state} 1`
   * (TF Serving has no such metric, hence tfscale's namespace).
   */
  watchModels(manager: Pick<ModelManager, 'modelNames' | 'status' | 'events'>): void {
    manager.events?.on('version', (e: ModelVersionEvent) => {
      if (e.loadMillis === undefined) return;
      this.recordLoad(`${e.model}/${e.version}`, e.state === 'AVAILABLE' && !e.error, e.loadMillis * 1000);
    });
    const state = this.registry.gauge('/tfscale/serving/model_version_state', ['model_name', 'version', 'state']);
    const seen = new Set<string>();
    this.registry.onCollect(() => {
      for (const key of seen) state.set(key.split('\u0000'), 0);
      for (const model of manager.modelNames()) {
        let statuses: ReturnType<ModelManager['status']> = [];
        try {
          statuses = manager.status(model);
        } catch {
          continue; // a model with no version yet
        }
        for (const s of statuses) {
          const labels = [model, String(s.version), s.state];
          seen.add(labels.join('\u0000'));
          state.set(labels, 1);
        }
      }
    });
  }

  /** The Prometheus page. */
  render(): string {
    return this.registry.render();
  }
}
