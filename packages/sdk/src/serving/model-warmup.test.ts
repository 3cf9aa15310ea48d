import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeTfRecord } from '../formats/tfrecord';
import { servingType } from './grpc/proto-root';
import { tempDir } from './model-testing.test';
import { syntheticInputs, WARMUP_FILE, warmUpServable } from './model-warmup';
import { predictionLogType, readWarmupFile } from './model-warmup-file';
import { pythonModels } from './runtimes/python-models.test';
import { type Servable, ServingError, type ServingTensor } from './types';

const encode = (log: object) => {
  const type = predictionLogType();
  return encodeTfRecord(type.encode(type.fromObject(log)).finish());
};

/** A tf.Example with one float feature, and its wire bytes (written by protobufjs, not our reader). */
const example = (v: number) => ({ features: { feature: { x: { float_list: { value: [v] } } } } });
const exampleBytes = (v: number) => {
  const type = servingType('tensorflow.Example');
  return Buffer.from(type.encode(type.fromObject(example(v))).finish());
};

function writeWarmup(dir: string, records: Buffer[]): string {
  const file = path.join(dir, WARMUP_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat(records));
  return file;
}

/** A servable that records calls; `fail` makes predictions on that signature throw. */
function recorder(
  fail?: string,
): Servable & { calls: Array<[string, Record<string, ServingTensor>, string[] | undefined]> } {
  const calls: Array<[string, Record<string, ServingTensor>, string[] | undefined]> = [];
  return {
    calls,
    runtime: 'test',
    signatures: {
      serving_default: {
        methodName: 'tensorflow/serving/predict',
        inputs: [
          { key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 2] },
          { key: 'k', name: 'k:0', dtype: 'int64', shape: [] },
        ],
        outputs: [],
      },
      classify: {
        methodName: 'tensorflow/serving/classify',
        inputs: [{ key: 'inputs', name: 'in:0', dtype: 'string', shape: [-1] }],
        outputs: [],
      },
      unranked: {
        methodName: 'tensorflow/serving/predict',
        inputs: [{ key: 'u', name: 'u:0', dtype: 'float32' }],
        outputs: [],
      },
    },
    async predict(signature, inputs, filter) {
      calls.push([signature, inputs, filter]);
      if (signature === fail) throw new ServingError('INVALID_ARGUMENT', 'no zeros, please');
      return {};
    },
    dispose() {},
  };
}

describe('serving/model-warmup', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('warmup'));
  });
  afterEach(() => cleanup());

  it('reads predict, classify and regress logs (typed values, tensor_content, context merged)', async () => {
    const file = writeWarmup(dir, [
      encode({
        predict_log: {
          request: {
            model_spec: { name: 'm', signature_name: '' },
            inputs: {
              x: { dtype: 1, tensor_shape: { dim: [{ size: 2 }, { size: 2 }] }, float_val: [1, 2, 3] },
              k: { dtype: 9, tensor_shape: {}, int64_val: ['9007199254740993'] },
              c: {
                dtype: 2,
                tensor_shape: { dim: [{ size: 1 }] },
                tensor_content: Buffer.from(Float64Array.of(0.1).buffer),
              },
              s: { dtype: 7, tensor_shape: { dim: [{ size: 2 }] }, string_val: [Buffer.from('a'), Buffer.from('b')] },
            },
            output_filter: ['y'],
          },
        },
      }),
      encode({
        classify_log: {
          request: {
            model_spec: { signature_name: 'classify' },
            input: { example_list_with_context: { examples: [example(1), example(2)], context: example(9) } },
          },
        },
      }),
      encode({ regress_log: { request: { input: { example_list: { examples: [example(3)] } } } } }),
    ]);
    const [predict, classify, regress] = await readWarmupFile(file);
    assert.deepEqual(predict, {
      kind: 'predict',
      signature: 'serving_default',
      outputFilter: ['y'],
      inputs: {
        x: { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 3) },
        k: { dtype: 'int64', shape: [], data: BigInt64Array.of(9007199254740993n) },
        c: { dtype: 'float64', shape: [1], data: Float64Array.of(0.1) },
        s: { dtype: 'string', shape: [2], data: [Uint8Array.of(97), Uint8Array.of(98)] },
      },
    });
    assert.deepEqual(classify, {
      kind: 'classify',
      signature: 'classify',
      examples: [1, 2].map((v) => Buffer.concat([exampleBytes(9), exampleBytes(v)])),
    });
    assert.deepEqual(regress, { kind: 'regress', signature: 'serving_default', examples: [exampleBytes(3)] });
  });

  it("refuses what TF Serving refuses, in TF Serving's words", async () => {
    const cases: Array<[Buffer[], string, string | RegExp]> = [
      [[encode({ session_run_log: {} })], 'UNIMPLEMENTED', 'Unsupported log_type for warmup: 5'],
      // log_metadata (field 1) only.
      [[encodeTfRecord(Buffer.from([0x0a, 1, 1]))], 'UNIMPLEMENTED', 'Unsupported log_type for warmup: 0'],
      [
        [encodeTfRecord(Buffer.from('malformed_record'))],
        'INVALID_ARGUMENT',
        /^Failed to parse warmup record: malformed_record from /,
      ],
      [
        Array.from({ length: 1001 }, () => encode({ predict_log: {} })),
        'INVALID_ARGUMENT',
        `Number of warmup records exceeds the maximum (1000) at ${path.join(dir, WARMUP_FILE)}`,
      ],
      [
        [encodeTfRecord(Buffer.from('abc')).subarray(0, 10)],
        'DATA_LOSS',
        /\. Please verify your warmup data is in TFRecord format\.$/,
      ],
      [
        [
          encode({
            predict_log: {
              // tensor_content not 3 floats long: Tensor::FromProto fails.
              request: {
                inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: 3 }] }, tensor_content: Buffer.alloc(8) } },
              },
            },
          }),
        ],
        'INVALID_ARGUMENT',
        'tensor parsing error: x',
      ],
    ];
    for (const [records, code, message] of cases) {
      const file = writeWarmup(dir, records);
      await assert.rejects(readWarmupFile(file), (err: unknown) => {
        assert.ok(err instanceof ServingError, String(err));
        assert.equal(err.code, code);
        if (typeof message === 'string') assert.equal(err.message, message);
        else assert.match(err.message, message);
        return true;
      });
    }
  });

  it('runs the warmup file when there is one; a failing request fails the warmup', async () => {
    writeWarmup(dir, [
      encode({
        predict_log: {
          request: { inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: 1 }, { size: 2 }] }, float_val: [0] } } },
        },
      }),
      encode({
        classify_log: {
          request: { model_spec: { signature_name: 'classify' }, input: { example_list: { examples: [example(1)] } } },
        },
      }),
    ]);
    const servable = recorder();
    assert.deepEqual(await warmUpServable(servable, dir), { source: 'file', requests: 2, warnings: [] });
    assert.deepEqual(servable.calls[1], [
      'classify',
      { inputs: { dtype: 'string', shape: [1], data: [exampleBytes(1)] } },
      undefined,
    ]);
    await assert.rejects(warmUpServable(recorder('classify'), dir), {
      code: 'INVALID_ARGUMENT',
      message: 'no zeros, please',
    });
  });

  it('otherwise sends one zero request per signature (batch 1), failures only reported', async () => {
    const servable = recorder('classify');
    const result = await warmUpServable(servable, dir);
    assert.deepEqual(result, { source: 'synthetic', requests: 2, warnings: ['classify: no zeros, please'] });
    assert.deepEqual(
      servable.calls.map(([s]) => s),
      ['serving_default', 'classify'],
    );
    assert.deepEqual(servable.calls[0]![1], {
      x: { dtype: 'float32', shape: [1, 2], data: new Float32Array(2) },
      k: { dtype: 'int64', shape: [], data: new BigInt64Array(1) },
    });
    assert.deepEqual(servable.calls[1]![1], { inputs: { dtype: 'string', shape: [1], data: [new Uint8Array(0)] } });
    assert.equal(syntheticInputs(servable.signatures.unranked!), undefined);
  });

  it('reads a warmup file Python TensorFlow wrote (TFRecordWriter, make_tensor_proto)', async function () {
    const py = pythonModels();
    if ('skip' in py) {
      console.log(`      (skipped: ${py.skip})`);
      this.skip();
    }
    const requests = await readWarmupFile(path.join(py.module, WARMUP_FILE));
    assert.deepEqual(requests, [
      {
        kind: 'predict',
        signature: 'serving_default',
        outputFilter: [],
        inputs: { x: { dtype: 'float32', shape: [2, 1], data: Float32Array.of(1, 2) } },
      },
      {
        kind: 'predict',
        signature: 'serving_default',
        outputFilter: [],
        inputs: { x: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(5) } },
      },
    ]);
  });
});
