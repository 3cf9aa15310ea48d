import * as assert from 'node:assert/strict';
import { SDK_VERSION } from '../../core/version';
import { KServeV2Api } from './kserve-v2';
import { FixtureManager, halfPlusTwo, mixedModel } from './rest-fixtures.test';

function setup(shuttingDown = false) {
  const manager = new FixtureManager()
    .add('half', 1, halfPlusTwo())
    .add('half', 2, halfPlusTwo())
    .add('mixed', 3, mixedModel());
  return {
    manager,
    api: new KServeV2Api({ manager, limits: { maxElements: 1000 }, isShuttingDown: () => shuttingDown }),
  };
}

async function call(api: KServeV2Api, method: string, path: string, body?: unknown) {
  const r = await api.handle(
    method,
    path,
    Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
  );
  return { status: r.status, json: JSON.parse(r.body.toString()), text: r.body.toString() };
}

describe('KServe V2 / Open Inference Protocol REST', () => {
  it('answers health, server metadata and the model list', async () => {
    const { api } = setup();
    assert.deepEqual((await call(api, 'GET', '/v2/health/live')).json, { live: true });
    assert.deepEqual((await call(api, 'GET', '/v2/health/ready')).json, { ready: true });
    assert.deepEqual((await call(api, 'GET', '/v2')).json, { name: 'tfscale', version: SDK_VERSION, extensions: [] });
    assert.deepEqual((await call(api, 'GET', '/v2/models')).json, { models: ['half', 'mixed'] });
    const draining = await call(setup(true).api, 'GET', '/v2/health/ready');
    assert.equal(draining.status, 503);
    assert.match(draining.json.error, /not ready/);
  });

  it('describes a model with V2 datatypes, and readiness per version', async () => {
    const { api } = setup();
    assert.deepEqual((await call(api, 'GET', '/v2/models/mixed')).json, {
      name: 'mixed',
      versions: ['3'],
      platform: 'fixture',
      inputs: [
        { name: 'b', datatype: 'BYTES', shape: [-1] },
        { name: 'a', datatype: 'INT64', shape: [-1] },
      ],
      outputs: [
        { name: 'sum', datatype: 'INT64', shape: [-1] },
        { name: 'b_bytes', datatype: 'BYTES', shape: [-1] },
        { name: 'flag', datatype: 'BOOL', shape: [-1] },
      ],
    });
    assert.deepEqual((await call(api, 'GET', '/v2/models/half/versions/1/ready')).json, { name: 'half', ready: true });
    const missing = await call(api, 'GET', '/v2/models/half/versions/9/ready');
    assert.equal(missing.status, 503);
    assert.deepEqual(missing.json, { error: 'Model with name half version 9 is not ready.' });
    const unknown = await call(api, 'GET', '/v2/models/nope');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.text, '{"error":"Model with name nope does not exist."}');
  });

  it('infers with flat or nested data, echoes the id, and filters outputs', async () => {
    const { api } = setup();
    const flat = await call(api, 'POST', '/v2/models/half/versions/1/infer', {
      id: 'req-1',
      inputs: [{ name: 'x', shape: [2, 1], datatype: 'FP32', data: [1, 2] }],
    });
    assert.equal(flat.status, 200);
    assert.equal(
      flat.text,
      '{"model_name":"half","model_version":"1","id":"req-1","outputs":[{"name":"y","datatype":"FP32","shape":[2,1],"data":[2.5,3.0]}]}',
    );
    const nested = await call(api, 'POST', '/v2/models/half/infer', {
      inputs: [{ name: 'x', shape: [2, 1], datatype: 'FP32', data: [[1], [2]] }],
    });
    assert.deepEqual(nested.json.outputs[0].data, [2.5, 3]);
    assert.equal(nested.json.model_version, '2');
    assert.match(nested.json.id, /^[0-9a-f-]{36}$/);
    const mixed = await call(api, 'POST', '/v2/models/mixed/infer', {
      inputs: [
        { name: 'a', shape: [2], datatype: 'INT64', data: [1, -2] },
        { name: 'b', shape: [2], datatype: 'BYTES', data: ['ab', 'c'] },
      ],
      outputs: [{ name: 'b_bytes' }, { name: 'sum' }],
    });
    assert.deepEqual(mixed.json.outputs, [
      { name: 'b_bytes', datatype: 'BYTES', shape: [2], data: ['ba', 'c'] },
      { name: 'sum', datatype: 'INT64', shape: [2], data: [3, -1] },
    ]);
    const big = await call(
      api,
      'POST',
      '/v2/models/mixed/infer',
      '{"inputs": [{"name": "a", "shape": [1], "datatype": "INT64", "data": [9007199254740993]}, {"name": "b", "shape": [1], "datatype": "BYTES", "data": [""]}], "outputs": [{"name": "sum"}]}',
    );
    assert.match(big.text, /"data":\[9007199254740993\]/);
  });

  it('refuses bad requests with 400 and a message naming the problem', async () => {
    const { api } = setup();
    const x = (extra: object) => ({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [1], ...extra }] });
    const cases: Array<[unknown, RegExp]> = [
      ['{"inputs": [', /JSON Parse error: /],
      [[], /must be a JSON object/],
      [{}, /"inputs" must be a list/],
      [{ inputs: [] }, /non-empty/],
      [x({ datatype: 'FP64' }), /inference input 'x' data-type is 'FP64', but model 'half' expects 'FP32'/],
      [x({ datatype: 'FLOAT' }), /datatype must be one of BOOL|FP32/],
      [x({ shape: [2, 1] }), /shape \[2,1\] needs 2 elements, data has 1/],
      [x({ shape: [1, -1] }), /shape must be a list of non-negative integers/],
      [x({ shape: [100000, 100000] }), /has 10000000000 elements; this server accepts at most 1000/],
      [x({ data: ['a'] }), /"a" is not a FP32 value/],
      [x({ name: 'z' }), /unexpected inference input 'z' for model 'half'/],
      [{ ...x({}), outputs: [{ name: 'q' }] }, /unexpected inference output 'q'/],
      [{ inputs: [{ name: 'a', shape: [1], datatype: 'INT64', data: [1] }] }, /missing: b/],
    ];
    for (const [body, message] of cases) {
      const path =
        (body as { inputs?: Array<{ name: string }> }).inputs?.[0]?.name === 'a'
          ? '/v2/models/mixed/infer'
          : '/v2/models/half/infer';
      const r = await call(api, 'POST', path, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.error, message, JSON.stringify(body));
    }
    const ints = await call(api, 'POST', '/v2/models/mixed/infer', {
      inputs: [
        { name: 'a', shape: [1], datatype: 'INT64', data: [1.5] },
        { name: 'b', shape: [1], datatype: 'BYTES', data: ['x'] },
      ],
    });
    assert.match(ints.json.error, /1.5 is not a INT64 value/);
    assert.equal((await call(api, 'POST', '/v2/models/half/versions/one/infer', x({}))).status, 400);
    assert.equal((await call(api, 'GET', '/v2/models/half/infer')).status, 501);
    assert.equal((await call(api, 'GET', '/v2/nothing')).status, 404);
  });
});
