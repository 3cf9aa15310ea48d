import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ServingMetrics } from './metrics';
import type { ModelManagerEvents, ModelVersionStatus } from './types';

describe('serving metrics: TF Serving’s names and labels', () => {
  it('counts every request, times successes, labels the API as TF Serving does per entrypoint', () => {
    const m = new ServingMetrics();
    m.observe({
      entrypoint: 'GRPC',
      api: 'predict',
      model: 'digits',
      status: 'OK',
      latencyMicros: 120,
      runtimeLatencyMicros: 90,
      runtime: 'savedmodel',
    });
    m.observe({ entrypoint: 'REST', api: 'predict', model: 'digits', status: 'OK', latencyMicros: 20 });
    m.observe({ entrypoint: 'REST', api: 'predict', model: 'digits', status: 'NOT_FOUND', latencyMicros: 5 });
    m.observe({ entrypoint: 'REST', api: 'classify', model: 'digits', status: 'OK', latencyMicros: 5, examples: 3 });
    m.observe({ entrypoint: 'REST', status: 'INVALID_ARGUMENT', latencyMicros: 5 });
    const page = m.render();
    assert.match(page, /^:tensorflow:serving:request_count\{model_name="digits",status="OK"\} 3$/m);
    assert.match(page, /^:tensorflow:serving:request_count\{model_name="digits",status="NOT_FOUND"\} 1$/m);
    assert.match(
      page,
      /^:tensorflow:serving:request_latency_count\{model_name="digits",API="Predict",entrypoint="GRPC"\} 1$/m,
    );
    assert.match(
      page,
      /^:tensorflow:serving:request_latency_count\{model_name="digits",API="predict",entrypoint="REST"\} 1$/m,
    );
    assert.match(
      page,
      /^:tensorflow:serving:runtime_latency_sum\{model_name="digits",API="Predict",runtime="TF1"\} 90$/m,
    );
    assert.match(page, /^:tensorflow:serving:request_example_count_total\{model="digits"\} 3$/m);
    assert.match(page, /^# TYPE :tensorflow:cc:saved_model:load_latency counter$/m);
  });

  it('follows a model manager: load metrics from its events, version states at each scrape', () => {
    const m = new ServingMetrics();
    const events = new EventEmitter<ModelManagerEvents>();
    let statuses: ModelVersionStatus[] = [{ version: 1, state: 'AVAILABLE', error: { code: 'OK', message: '' } }];
    m.watchModels({ modelNames: () => ['half'], status: () => statuses, events });
    events.emit('version', { model: 'half', version: 1, state: 'AVAILABLE', loadMillis: 12 });
    let page = m.render();
    assert.match(page, /^:tensorflow:cc:saved_model:load_attempt_count\{model_path="half\/1",status="success"\} 1$/m);
    assert.match(page, /^:tensorflow:cc:saved_model:load_latency\{model_path="half\/1"\} 12000$/m);
    assert.match(page, /^:tfscale:serving:model_version_state\{model_name="half",version="1",state="AVAILABLE"\} 1$/m);
    statuses = [{ version: 1, state: 'END', error: { code: 'OK', message: '' } }];
    page = m.render();
    assert.match(page, /state="AVAILABLE"\} 0$/m);
    assert.match(page, /state="END"\} 1$/m);
  });
});
