/**
 * TF Serving's `--monitoring_config_file` (text-format `MonitoringConfig`,
 * tensorflow_serving/config/monitoring_config.proto) and the Prometheus endpoint it turns on.
 */
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidValue } from '../core/errors';
import { PROMETHEUS_PATH, type ServingMetrics } from './metrics';
import type { TextMessageSchema } from './model-config-text';
import { parseTextConfig } from './text-config';

/**
 * Whether Prometheus metrics are served, and where (on the REST port, like TF Serving).
 * @example
 *   const config: MonitoringConfig = { prometheus: { enable: true, path: PROMETHEUS_PATH } };
 */
export interface MonitoringConfig {
  prometheus: { enable: boolean; path: string };
}

/**
 * Parses a MonitoringConfig text proto; an empty `path` means {@link PROMETHEUS_PATH}.
 * @example
 *   parseMonitoringConfig('prometheus_config { enable: true, path: "/metrics" }');
 *   // { prometheus: { enable: true, path: '/metrics' } }
 */
export function parseMonitoringConfig(text: string, source = 'monitoring_config_file'): MonitoringConfig {
  const hint =
    'The file is a text-format MonitoringConfig, e.g. prometheus_config { enable: true, path: "/monitoring/prometheus/metrics" }';
  const config = parseTextConfig(text, MONITORING_CONFIG_SCHEMA, source, hint) as {
    prometheusConfig?: { enable?: boolean; path?: string };
  };
  const enable = config.prometheusConfig?.enable ?? false;
  const path = config.prometheusConfig?.path || PROMETHEUS_PATH;
  if (!path.startsWith('/')) throw invalidValue(`${source}: prometheus_config.path`, path, 'a path starting with "/"');
  return { prometheus: { enable, path } };
}

/**
 * `tensorflow.serving.MonitoringConfig` (config/monitoring_config.proto) for the text parser.
 * @example
 *   parseTextProto('prometheus_config { enable: true }', MONITORING_CONFIG_SCHEMA);
 */
export const MONITORING_CONFIG_SCHEMA: TextMessageSchema = {
  name: 'tensorflow.serving.MonitoringConfig',
  fields: {
    prometheus_config: {
      kind: 'message',
      message: {
        name: 'tensorflow.serving.PrometheusConfig',
        fields: { enable: { kind: 'bool' }, path: { kind: 'string' } },
      },
    },
  },
};

/**
 * Reads `--monitoring_config_file`.
 * @example
 *   const { prometheus } = readMonitoringConfig('monitoring.config');
 */
export function readMonitoringConfig(file: string): MonitoringConfig {
  return parseMonitoringConfig(fs.readFileSync(file, 'utf8'), file);
}

/**
 * A Node `http` handler that answers GET with the Prometheus page; for the REST server's route
 * table (`addRoute('GET', config.prometheus.path, prometheusHandler(metrics))`).
 * @example
 *   http.createServer(prometheusHandler(metrics)).listen(9100);
 */
export function prometheusHandler(metrics: ServingMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const body = metrics.render();
    res.writeHead(200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
