import * as assert from 'node:assert/strict';
import { exponentialBuckets, formatDouble, MetricsRegistry, prometheusName } from './metrics-registry';

describe('metrics registry: TF Serving’s Prometheus text', () => {
  it('names, orders and prints counters and histograms as PrometheusExporter does', () => {
    const r = new MetricsRegistry();
    const latency = r.histogram('/tensorflow/serving/request_latency', ['model_name', 'API', 'entrypoint'], [10, 18]);
    const count = r.counter('/tensorflow/serving/request_count', ['model_name', 'status']);
    r.counter('/tensorflow/serving/batching_session/wrapped_run_count', []).inc([]);
    count.inc(['m', 'OK'], 2);
    count.inc(['a"b', 'NOT_FOUND']);
    latency.observe(['m', 'Predict', 'GRPC'], 10); // a value equal to a limit goes above it (upper_bound)
    latency.observe(['m', 'Predict', 'GRPC'], 5);
    assert.equal(
      r.render(),
      [
        '# TYPE :tensorflow:serving:batching_session:wrapped_run_count counter',
        ':tensorflow:serving:batching_session:wrapped_run_count{} 1',
        '# TYPE :tensorflow:serving:request_count counter',
        ':tensorflow:serving:request_count{model_name="a\\"b",status="NOT_FOUND"} 1',
        ':tensorflow:serving:request_count{model_name="m",status="OK"} 2',
        '# TYPE :tensorflow:serving:request_latency histogram',
        ':tensorflow:serving:request_latency_bucket{model_name="m",API="Predict",entrypoint="GRPC",le="10"} 1',
        ':tensorflow:serving:request_latency_bucket{model_name="m",API="Predict",entrypoint="GRPC",le="18"} 2',
        ':tensorflow:serving:request_latency_bucket{model_name="m",API="Predict",entrypoint="GRPC",le="+Inf"} 2',
        ':tensorflow:serving:request_latency_sum{model_name="m",API="Predict",entrypoint="GRPC"} 15',
        ':tensorflow:serving:request_latency_count{model_name="m",API="Predict",entrypoint="GRPC"} 2',
        '',
      ].join('\n'),
    );
  });

  it('prints doubles like absl StrCat (%.6g) and builds TF’s exponential buckets', () => {
    assert.deepEqual([0, 32.4, 104.976, 1889568, 0.0001, 0.00001, 123456.7, 1e21].map(formatDouble), [
      '0',
      '32.4',
      '104.976',
      '1.88957e+06',
      '0.0001',
      '1e-05',
      '123457',
      '1e+21',
    ]);
    const b = exponentialBuckets(10, 1.8, 33);
    assert.equal(b.length, 33);
    assert.equal(formatDouble(b[32]!), formatDouble(10 * 1.8 ** 32));
    assert.equal(prometheusName('/tensorflow/cc/saved_model/load_latency'), ':tensorflow:cc:saved_model:load_latency');
  });
});
