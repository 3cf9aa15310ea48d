import * as assert from 'node:assert/strict';
import type { ServingTensor, TensorSpec } from '../types';
import { fillPredictInputs, readRequestObject } from './json-tensor';
import { makeJsonFromTensors } from './json-tensor-output';

const spec = (key: string, dtype: TensorSpec['dtype'], shape?: number[]): TensorSpec => ({
  key,
  name: `${key}:0`,
  dtype,
  shape,
});
const limits = { maxElements: 1000 };

function fill(body: string, specs: TensorSpec[]) {
  const { doc, signatureName } = readRequestObject(Buffer.from(body));
  return fillPredictInputs(doc, specs, signatureName, limits);
}

function fillError(body: string, specs: TensorSpec[]): string {
  try {
    fill(body, specs);
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return 'filled';
}

const values = (t: ServingTensor) =>
  Array.isArray(t.data) ? t.data.map((s) => Buffer.from(s).toString()) : [...t.data];

describe('predict JSON → tensors (FillPredictRequestFromJson)', () => {
  it('stacks row-format instances on a new batch dimension', () => {
    const { format, inputs } = fill('{"instances": [[[1, 2]], [[3, 4]]]}', [spec('x', 'float32')]);
    assert.equal(format, 'row');
    assert.deepEqual(inputs.x.shape, [2, 1, 2]);
    assert.deepEqual(values(inputs.x), [1, 2, 3, 4]);
    const scalars = fill('{"instances": ["foo", "bar", "baz"]}', [spec('s', 'string')]);
    assert.deepEqual(scalars.inputs.s.shape, [3]);
    assert.deepEqual(values(scalars.inputs.s), ['foo', 'bar', 'baz']);
  });

  it('reads the documented multi-input row example and its columnar twin alike', () => {
    const specs = [spec('tag', 'string'), spec('signal', 'int32'), spec('sensor', 'int32')];
    const row = fill(
      '{"instances": [{"tag": "foo", "signal": [1, 2, 3, 4, 5], "sensor": [[1, 2], [3, 4]]}, {"tag": "bar", "signal": [3, 4, 1, 2, 5], "sensor": [[4, 5], [6, 8]]}]}',
      specs,
    );
    const col = fill(
      '{"inputs": {"tag": ["foo", "bar"], "signal": [[1, 2, 3, 4, 5], [3, 4, 1, 2, 5]], "sensor": [[[1, 2], [3, 4]], [[4, 5], [6, 8]]]}}',
      specs,
    );
    assert.equal(col.format, 'columnar');
    for (const name of ['tag', 'signal', 'sensor']) {
      assert.deepEqual(row.inputs[name].shape, col.inputs[name].shape, name);
      assert.deepEqual(values(row.inputs[name]), values(col.inputs[name]), name);
    }
    assert.deepEqual(row.inputs.sensor.shape, [2, 2, 2]);
  });

  it('decodes {"b64": ...} for DT_STRING and keeps int64 exact', () => {
    const { inputs } = fill('{"inputs": {"img": [{"b64": "aW1hZ2UgYnl0ZXM="}], "id": [9007199254740993]}}', [
      spec('img', 'string'),
      spec('id', 'int64'),
    ]);
    assert.deepEqual(values(inputs.img), ['image bytes']);
    assert.deepEqual([...(inputs.id.data as BigInt64Array)], [9007199254740993n]);
    const scalar = fill('{"inputs": {"b64": "AAE="}}', [spec('raw', 'string')]);
    assert.deepEqual(scalar.inputs.raw.shape, []);
    assert.deepEqual([...(scalar.inputs.raw.data as Uint8Array[])[0]], [0, 1]);
  });

  it('refuses what TF Serving refuses, with its words', () => {
    const x = [spec('x', 'float32')];
    const two = [spec('a', 'float32'), spec('b', 'float32')];
    const cases: Array<[string, TensorSpec[], string]> = [
      ['[1]', x, 'INVALID_ARGUMENT: JSON Value: [\n    1\n] Is not object'],
      [
        '{"signature_name": 1, "instances": [1]}',
        x,
        'INVALID_ARGUMENT: JSON Value: {\n    "signature_name": 1,\n    "instances": [\n        1\n    ]\n} not formatted correctly. \'signature_name\' key must be a string value.',
      ],
      [
        '{"instances": [1], "inputs": [1]}',
        x,
        'INVALID_ARGUMENT: JSON Value: {\n    "instances": [\n        1\n    ],\n    "inputs": [\n        1\n    ]\n} Not formatted correctly expecting only one of \'inputs\' or \'instances\' keys to exist ',
      ],
      [
        '{"instances": 5}',
        x,
        'INVALID_ARGUMENT: JSON Value: {\n    "instances": 5\n} Excepting \'instances\' to be an list/array',
      ],
      [
        '{"instances": []}',
        x,
        'INVALID_ARGUMENT: JSON Value: {\n    "instances": []\n} No values in \'instances\' array',
      ],
      ['{"foo": 1}', x, "INVALID_ARGUMENT: Missing 'inputs' or 'instances' key"],
      [
        '{"instances": [[1, 2], [3]]}',
        x,
        "INVALID_ARGUMENT: Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 2 but got: 1",
      ],
      [
        '{"instances": [[1, 2], [[3], [4]]]}',
        x,
        "INVALID_ARGUMENT: Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting shape [2] but got: [2,1]",
      ],
      [
        '{"instances": [[1, [2]]]}',
        x,
        "INVALID_ARGUMENT: Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: Encountered list at unexpected level: 1 expected < 1",
      ],
      [
        '{"instances": [[[1], 2]]}',
        x,
        "INVALID_ARGUMENT: Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: 2 found at incorrect level: 2 in the JSON DOM. Expected at level: 2",
      ],
      [
        '{"instances": ["a"]}',
        x,
        'INVALID_ARGUMENT: Failed to process element: 0 of \'instances\' list. Error: INVALID_ARGUMENT: JSON Value: "a" Type: String is not of expected type: float',
      ],
      [
        '{"inputs": [1.5]}',
        [spec('i', 'int32')],
        'INVALID_ARGUMENT: JSON Value: 1.5 Type: Number is not of expected type: int32',
      ],
      [
        '{"inputs": [1.0]}',
        [spec('i', 'int32')],
        'INVALID_ARGUMENT: JSON Value: 1.0 Type: Number is not of expected type: int32',
      ],
      [
        '{"inputs": [16777217]}',
        x,
        'INVALID_ARGUMENT: Cannot convert JSON value: 16777217 to float without loss of precision.',
      ],
      [
        '{"inputs": [1e39]}',
        x,
        'INVALID_ARGUMENT: Cannot convert JSON value: 1e+39 to float without loss of precision.',
      ],
      ['{"inputs": [true]}', x, 'INVALID_ARGUMENT: JSON Value: true Type: True is not of expected type: float'],
      ['{"inputs": [null]}', x, 'INVALID_ARGUMENT: JSON Value: null Type: Null is not of expected type: float'],
      [
        '{"inputs": [{"b64": "AA=="}]}',
        x,
        'INVALID_ARGUMENT: JSON Value: {\n    "b64": "AA=="\n} Type: Object is not of expected type: float',
      ],
      ['{"inputs": [{"b64": "A"}]}', [spec('s', 'string')], 'INVALID_ARGUMENT: Unable to base64 decode'],
      [
        '{"inputs": [{"b64": 1}]}',
        [spec('s', 'string')],
        'INVALID_ARGUMENT: JSON Value: {\n    "b64": 1\n} not formatted correctly for base64 data',
      ],
      ['{"inputs": [1.0]}', [spec('h', 'float16')], 'UNIMPLEMENTED: Conversion of JSON Value: 1.0 to type: half'],
      [
        '{"inputs": [1]}',
        two,
        'INVALID_ARGUMENT: inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map',
      ],
      ['{"inputs": {"a": [1]}}', two, "INVALID_ARGUMENT: Missing named input: b in 'inputs' object."],
      [
        '{"instances": [1]}',
        two,
        'INVALID_ARGUMENT: instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map',
      ],
      [
        '{"instances": [{"a": 1, "b": 2}, [1]]}',
        two,
        'INVALID_ARGUMENT: Expecting object but got list at item 1 of input list',
      ],
      [
        '{"instances": [{"a": 1}]}',
        two,
        'INVALID_ARGUMENT: Failed to process element: 0 of \'instances\' list. JSON object: {\n    "a": 1\n} keys must be equal to: a,b',
      ],
      [
        '{"instances": [{"a": 1, "c": 2}]}',
        two,
        "INVALID_ARGUMENT: Failed to process element: 0 key: c of 'instances' list. Error: INVALID_ARGUMENT: JSON object: does not have named input: c",
      ],
      ['{"instances": [1.0]}', [], 'INVALID_ARGUMENT: Failed to get input map for signature: DEFAULT'],
      ['{"inputs": [[1, 2], [3, 4]]}', [spec('x', 'float32')], 'filled'],
    ];
    for (const [body, specs, message] of cases) assert.equal(fillError(body, specs), message, body);
    assert.match(
      fillError(`{"inputs": [${Array(1001).fill(1).join(',')}]}`, x),
      /Input x would have 1001 elements; this server accepts at most 1000/,
    );
  });
});

describe('tensors → predict JSON (MakeJsonFromTensors)', () => {
  const y: ServingTensor = { dtype: 'float32', shape: [3], data: Float32Array.of(3.5, 4, 5.5) };

  it('writes the documented half_plus_three answer byte for byte', () => {
    assert.equal(makeJsonFromTensors({ y }, 'row').toString(), '{\n    "predictions": [3.5, 4.0, 5.5\n    ]\n}');
    assert.equal(
      makeJsonFromTensors({ y }, 'columnar').toString(),
      '{\n    "outputs": [\n        3.5,\n        4.0,\n        5.5\n    ]\n}',
    );
  });

  it('writes one object per example for several outputs, *_bytes as base64, and checks batch sizes', () => {
    const outputs: Record<string, ServingTensor> = {
      scores: { dtype: 'float32', shape: [2, 2], data: Float32Array.of(0.25, 0.75, 1, 0) },
      id_bytes: { dtype: 'string', shape: [2], data: [Uint8Array.of(0xff), Uint8Array.of(0x41)] },
    };
    assert.equal(
      makeJsonFromTensors(outputs, 'row').toString(),
      '{\n    "predictions": [\n        {\n            "id_bytes": {\n                "b64": "/w=="\n            },\n            "scores": [0.25, 0.75]\n        },\n        {\n            "id_bytes": {\n                "b64": "QQ=="\n            },\n            "scores": [1.0, 0.0]\n        }\n    ]\n}',
    );
    const bad = { ...outputs, extra: { dtype: 'int32' as const, shape: [3], data: Int32Array.of(1, 2, 3) } };
    assert.throws(
      () => makeJsonFromTensors(bad, 'row'),
      /Tensor name: id_bytes has inconsistent batch size: 2 expecting: 3/,
    );
    assert.throws(
      () => makeJsonFromTensors({ s: { dtype: 'int32', shape: [], data: Int32Array.of(1) } }, 'row'),
      /Tensor name: s has no shape information /,
    );
    assert.equal(
      makeJsonFromTensors({ s: { dtype: 'int32', shape: [], data: Int32Array.of(1) } }, 'columnar').toString(),
      '{\n    "outputs": 1\n}',
    );
    assert.throws(() => makeJsonFromTensors({}, 'row'), /Cannot convert empty tensor map to JSON/);
  });

  it('writes a DT_STRING that is not UTF-8 as its raw bytes, as rapidjson does', () => {
    const body = makeJsonFromTensors(
      { s: { dtype: 'string', shape: [1], data: [Uint8Array.of(0x61, 0xff, 0x0a)] } },
      'row',
    );
    assert.deepEqual(
      [...body.subarray(body.indexOf('['), body.indexOf(']') + 1)].slice(0, 8),
      [0x5b, 0x22, 0x61, 0xff, 0x5c, 0x6e, 0x22, 0x0a],
    );
  });
});
