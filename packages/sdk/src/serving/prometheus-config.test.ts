import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_PATH, ServingMetrics } from './metrics';
import { parseMonitoringConfig, prometheusHandler } from './prometheus-config';

describe('prometheus config: --monitoring_config_file and the endpoint', () => {
  it('reads prometheus_config { enable, path } with TF Serving’s default path', () => {
    assert.deepEqual(parseMonitoringConfig('prometheus_config { enable: true, path: "/m" }'), {
      prometheus: { enable: true, path: '/m' },
    });
    assert.deepEqual(parseMonitoringConfig('prometheus_config: { enable: true }'), {
      prometheus: { enable: true, path: PROMETHEUS_PATH },
    });
    assert.equal(parseMonitoringConfig('').prometheus.enable, false);
    assert.throws(
      () => parseMonitoringConfig('prometheus_config { enabled: true }', 'mon.txt'),
      /mon\.txt:1:21: .*no field named "enabled"/,
    );
  });

  it('serves the page over HTTP', async () => {
    const metrics = new ServingMetrics();
    metrics.observe({ entrypoint: 'REST', api: 'predict', model: 'm', status: 'OK', latencyMicros: 3 });
    const server = http.createServer(prometheusHandler(metrics));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${PROMETHEUS_PATH}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(await res.text(), /:tensorflow:serving:request_count\{model_name="m",status="OK"\} 1/);
    } finally {
      server.close();
    }
  });
});
