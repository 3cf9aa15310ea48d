import * as assert from 'node:assert/strict';
import type { PredictCall } from '../predict-hooks';
import { ServingError } from '../types';
import { examplesFromJson } from './example-json';
import { readRequestObject } from './json-tensor';
import { exampleFloats, FixtureManager, halfPlusTwo, mixedModel } from './rest-fixtures.test';
import { TfServingRestApi } from './tf-serving-rest';

function setup(hooks = {}) {
  const manager = new FixtureManager()
    .add('half', 1, halfPlusTwo(), ['stable'])
    .add('half', 2, halfPlusTwo(), ['canary'])
    .add('mixed', 1, mixedModel())
    .add('my model', 1, halfPlusTwo());
  return { manager, api: new TfServingRestApi({ manager, hooks }) };
}

async function call(api: TfServingRestApi, method: string, path: string, body = '') {
  const r = await api.handle(method, path, Buffer.from(body));
  return { status: r.status, text: r.body.toString(), reply: r };
}

const error = (message: string) => `{\n    "error": ${JSON.stringify(message)}\n}`;

describe('TF Serving REST API (routing and answers)', () => {
  it('predicts on the latest version, a numbered one, or a labelled one', async () => {
    const { api, manager } = setup();
    for (const path of [
      '/v1/models/half:predict',
      '/v1/models/half/versions/1:predict',
      '/v1/models/half/labels/canary:predict',
      '/V1/MODELS/half:predict',
    ]) {
      const r = await call(api, 'POST', path, '{"instances": [1.0, 2.0, 5.0]}');
      assert.equal(r.status, 200, path);
      assert.equal(r.text, '{\n    "predictions": [2.5, 3.0, 4.5\n    ]\n}', path);
    }
    assert.equal(
      (await call(api, 'POST', '/v1/models/half/versions/1:predict', '{"instances": [1]}')).reply.version,
      1,
    );
    assert.equal((await call(api, 'POST', '/v1/models/half:predict', '{"instances": [1]}')).reply.version, 2);
    assert.equal((await call(api, 'POST', '/v1/models/my%20model:predict', '{"instances": [1]}')).status, 200);
    assert.equal(manager.acquired, 0, 'every servable is released');
  });

  it('answers unknown models, versions and labels, and malformed paths, as TF Serving does', async () => {
    const { api } = setup();
    const cases: Array<[string, string, string, number, string]> = [
      [
        'POST',
        '/v1/models/half2:predict',
        '{"instances": [1.0, 5.0]}',
        404,
        'Servable not found for request: Latest(half2)',
      ],
      [
        'POST',
        '/v1/models/half/versions/7:predict',
        '{"instances": [1.0]}',
        404,
        'Servable not found for request: Specific(half, 7)',
      ],
      [
        'POST',
        '/v1/models/half/labels/beta:predict',
        '{"instances": [1.0]}',
        400,
        'Unrecognized servable version label: beta',
      ],
      [
        'POST',
        '/v1/models/half/versions/x:predict',
        '{}',
        400,
        'Malformed request: POST /v1/models/half/versions/x:predict',
      ],
      [
        'POST',
        '/v1/models/half/versions/99999999999999999999:predict',
        '{}',
        400,
        'Failed to convert version: 99999999999999999999 to numeric.',
      ],
      ['POST', '/v1/models/half:PREDICT', '{}', 400, 'Malformed request: POST /v1/models/half:PREDICT'],
      [
        'POST',
        '/v1/models/..%2F..%2Fetc:predict',
        '{"instances": [1]}',
        404,
        'Servable not found for request: Latest(../../etc)',
      ],
      ['POST', '/v1/models/../etc:predict', '{}', 400, 'Malformed request: POST /v1/models/../etc:predict'],
      ['DELETE', '/v1/models/half', '', 400, 'Malformed request: DELETE /v1/models/half'],
      ['GET', '/v1/models', '', 400, 'Missing model name in request.'],
      ['GET', '/v1/models/nope', '', 404, 'Could not find any versions of model nope'],
      ['GET', '/v1/models/half/versions/9', '', 404, 'Could not find version 9 of model half'],
      [
        'POST',
        '/v1/models/half:predict',
        '{"instances": [1.0, 2.0',
        400,
        "JSON Parse error: Missing a comma or ']' after an array element. at offset: 23",
      ],
      ['POST', '/v1/models/half:predict', '', 400, 'JSON Parse error: The document is empty'],
      [
        'POST',
        '/v1/models/half:predict',
        '{"signature_name": "nope", "instances": [1]}',
        400,
        'Serving signature name: "nope" not found in signature def',
      ],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await call(api, method, path, body);
      assert.equal(r.status, status, `${method} ${path}`);
      assert.equal(r.text, error(message), `${method} ${path}`);
    }
  });

  it('checks the body before looking up the servable, as TF Serving does', async () => {
    const { api } = setup();
    const r = await call(api, 'POST', '/v1/models/none:predict', '{"instances": [1.0');
    assert.equal(r.status, 400);
  });

  it('prints model status (newest first) and metadata exactly as the protobuf JSON printer does', async () => {
    const { api } = setup();
    const status = await call(api, 'GET', '/v1/models/half/versions/1');
    assert.equal(status.status, 200);
    assert.equal(
      status.text,
      '{\n "model_version_status": [\n  {\n   "version": "1",\n   "state": "AVAILABLE",\n   "status": {\n    "error_code": "OK",\n    "error_message": ""\n   }\n  }\n ]\n}\n',
    );
    const all = JSON.parse((await call(api, 'GET', '/v1/models/half')).text);
    assert.deepEqual(
      all.model_version_status.map((s: { version: string }) => s.version),
      ['2', '1'],
    );
    const meta = await call(api, 'GET', '/v1/models/half/labels/stable/metadata');
    assert.equal(meta.status, 200);
    assert.ok(
      meta.text.startsWith(
        '{\n"model_spec":{\n "name": "half",\n "signature_name": "",\n "version": "1"\n}\n,\n"metadata": {"signature_def": {\n "signature_def": {\n  "serving_default": {\n   "inputs": {\n    "x": {\n     "dtype": "DT_FLOAT",',
      ),
    );
    const parsed = JSON.parse(meta.text);
    assert.deepEqual(
      parsed.metadata.signature_def.signature_def['tensorflow/serving/regress'].inputs.inputs.tensor_shape,
      { dim: [], unknown_rank: true },
    );
    assert.deepEqual(parsed.metadata.signature_def.signature_def.serving_default.outputs.y.tensor_shape.dim[0], {
      size: '-1',
      name: '',
    });
  });

  it('regresses and classifies tf.Example JSON (the api_rest.md regress example)', async () => {
    const { api } = setup();
    const regress = await call(
      api,
      'POST',
      '/v1/models/half:regress',
      '{"signature_name": "tensorflow/serving/regress", "examples": [{"x": 1.0}, {"x": 2.0}]}',
    );
    assert.equal(regress.status, 200);
    assert.equal(regress.text, '{\n    "results": [2.5, 3.0]\n}');
    const classify = await call(
      api,
      'POST',
      '/v1/models/half:classify',
      '{"signature_name": "tensorflow/serving/classify", "context": {"x": 3.0}, "examples": [{"x": 1.0}, {}]}',
    );
    assert.equal(classify.status, 200);
    assert.equal(classify.text, '{\n    "results": [[["", 2.5]], [["", 3.5]]\n    ]\n}');
    const wrong = await call(api, 'POST', '/v1/models/half:regress', '{"examples": [{"x": 1.0}]}');
    assert.equal(
      wrong.text,
      error(
        'Expected regression signature method_name to be tensorflow/serving/regress. Was: tensorflow/serving/predict',
      ),
    );
    const missing = await call(
      api,
      'POST',
      '/v1/models/half:classify',
      '{"signature_name": "nope", "examples": [{"x": 1.0}]}',
    );
    assert.equal(missing.text, error('No signature was found with the name: nope'));
    const noExamples = await call(api, 'POST', '/v1/models/half:regress', '{"context": {}}');
    assert.equal(
      noExamples.text,
      error(
        'JSON Value: {\n    "context": {}\n} When method is classify, key \'examples\' is expected and was not found',
      ),
    );
  });

  it('maps tf.Example features like json_tensor.cc: kinds, b64, bools as int64, and its refusals', () => {
    const examples = (body: string) => examplesFromJson(readRequestObject(Buffer.from(body)).doc);
    const [bytes] = examples('{"examples": [{"x": [1.5, 2.5], "img": {"b64": "AAE="}, "ok": true, "n": [1, 2]}]}');
    assert.deepEqual(exampleFloats(bytes, 'x'), [1.5, 2.5]);
    const refused: Array<[string, RegExp]> = [
      ['{"examples": [{"x": [1, "a"]}]}', /Unexpected element type in feature: x expecting type: int64/],
      ['{"examples": [{"x": null}]}', /Feature: x has element with unexpected JSON type: Null/],
      ['{"examples": [{"x": [[1]]}]}', /Feature: x has element with unexpected JSON type: Array/],
      ['{"examples": [{"x": 18446744073709551615}]}', /Feature: x has uint64 element. Only int64 is supported./],
      ['{"examples": [1]}', /Example must be JSON object but got JSON Number/],
      ['{"examples": []}', /'examples' value is an empty array/],
      ['{"examples": {}}', /Expecting 'examples' value to be an list\/array/],
    ];
    for (const [body, message] of refused) assert.throws(() => examples(body), message, body);
  });

  it('handles several inputs and outputs of other dtypes in both formats', async () => {
    const { api } = setup();
    const row = await call(
      api,
      'POST',
      '/v1/models/mixed:predict',
      '{"instances": [{"a": 1, "b": "xy"}, {"a": -5, "b": {"b64": "AAE="}}]}',
    );
    assert.equal(row.status, 200);
    assert.deepEqual(JSON.parse(row.text), {
      predictions: [
        { b_bytes: { b64: 'eXg=' }, flag: true, sum: 3 },
        { b_bytes: { b64: 'AQA=' }, flag: false, sum: -3 },
      ],
    });
    const col = await call(api, 'POST', '/v1/models/mixed:predict', '{"inputs": {"a": [9007199254740993], "b": [""]}}');
    assert.match(col.text, /"sum": \[\n {12}9007199254740993\n/);
  });

  it('calls models through the predict hooks and reports timing', async () => {
    const seen: PredictCall[] = [];
    const { api } = setup({
      wrapPredict: (c: PredictCall, next: (c: PredictCall) => Promise<never>) => {
        seen.push(c);
        return next(c);
      },
    });
    const r = await call(api, 'POST', '/v1/models/half:predict', '{"instances": [1.0, 2.0]}');
    assert.equal(r.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].signature, 'serving_default');
    assert.equal(seen[0].api, 'predict');
    assert.equal(r.reply.timing?.examples, 2);
    assert.ok((r.reply.timing?.runtimeLatencyMicros ?? -1) >= 0);
    const slow = new TfServingRestApi({
      manager: setup().manager,
      hooks: { timeoutMs: 5, wrapPredict: () => new Promise(() => {}) },
    });
    const timedOut = await call(slow, 'POST', '/v1/models/half:predict', '{"instances": [1.0]}');
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.text, error('Deadline Exceeded'));
  });

  it('maps each TF status code to TF Serving’s HTTP status', async () => {
    const codes: Array<[ServingError['code'], number]> = [
      ['CANCELLED', 499],
      ['UNKNOWN', 500],
      ['INVALID_ARGUMENT', 400],
      ['DEADLINE_EXCEEDED', 504],
      ['NOT_FOUND', 404],
      ['ALREADY_EXISTS', 409],
      ['PERMISSION_DENIED', 403],
      ['RESOURCE_EXHAUSTED', 429],
      ['FAILED_PRECONDITION', 400],
      ['ABORTED', 409],
      ['OUT_OF_RANGE', 400],
      ['UNIMPLEMENTED', 501],
      ['INTERNAL', 500],
      ['UNAVAILABLE', 503],
      ['DATA_LOSS', 500],
      ['UNAUTHENTICATED', 401],
    ];
    for (const [code, status] of codes) {
      const { manager } = setup();
      const api = new TfServingRestApi({
        manager,
        hooks: { wrapPredict: () => Promise.reject(new ServingError(code, `failed: ${code}`)) },
      });
      const r = await call(api, 'POST', '/v1/models/half:predict', '{"instances": [1]}');
      assert.equal(r.status, status, code);
      assert.equal(r.text, error(`failed: ${code}`));
    }
  });
});
