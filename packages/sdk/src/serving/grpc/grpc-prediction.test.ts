import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { loadProtoRoot } from '../../formats/proto/protos-dir';
import { ServingMetrics } from '../metrics';
import { clients, FakeManager, floats, grpcError } from './grpc-fixtures.test';
import { type GrpcServing, startGrpcServer } from './grpc-server';
import { servingType } from './proto-root';

describe('grpc server: TF Serving PredictionService (Predict, Classify, Regress, GetModelMetadata)', () => {
  const manager = new FakeManager();
  const metrics = new ServingMetrics();
  let server: GrpcServing;
  let c: ReturnType<typeof clients>;

  before(async () => {
    server = await startGrpcServer({ manager, host: '127.0.0.1', port: 0, observers: [metrics.observe] });
    c = clients(server.port);
  });
  after(async () => {
    c.close();
    await server.shutdown(1000);
  });

  it('Predict answers with typed fields (AsProtoField), the effective ModelSpec and every output', async () => {
    const r = await c.call(c.prediction, 'Predict', { model_spec: { name: 'half' }, inputs: { x: floats([[1, 2]]) } });
    assert.deepEqual(Object.keys(r.outputs).sort(), ['n', 'y']);
    assert.equal(r.outputs.y.dtype, 'DT_FLOAT');
    assert.deepEqual(r.outputs.y.float_val, [2, 3]);
    assert.equal(r.outputs.y.tensor_content.length, 0);
    assert.deepEqual(r.outputs.n.int64_val, [String(2n ** 40n)]);
    assert.deepEqual(r.model_spec, {
      name: 'half',
      version: { value: '3' },
      signature_name: 'serving_default',
      version_choice: 'version',
    });
  });

  it('Predict reads tensor_content, a label, a version and an output filter', async () => {
    const content = Buffer.from(Float32Array.of(1, 2, 3, 4).buffer);
    const x = { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 2 }, { size: 2 }] }, tensor_content: content };
    for (const spec of [{ version_label: 'stable' }, { version: { value: 3 } }]) {
      const r = await c.call(c.prediction, 'Predict', {
        model_spec: { name: 'half', ...spec },
        inputs: { x },
        output_filter: ['y'],
      });
      assert.deepEqual(Object.keys(r.outputs), ['y']);
      assert.deepEqual(r.outputs.y.float_val, [2, 3, 4, 5]);
    }
  });

  it('maps errors to gRPC codes with TF Serving’s messages', async () => {
    const cases: Array<[object, number, string]> = [
      [{ inputs: {} }, grpc.status.INVALID_ARGUMENT, 'Missing ModelSpec'],
      [{ model_spec: { name: 'nope' } }, grpc.status.NOT_FOUND, 'Servable not found for request: Latest(nope)'],
      [
        { model_spec: { name: 'half', version: { value: 9 } } },
        grpc.status.NOT_FOUND,
        'Servable not found for request: Specific(half, 9)',
      ],
      [
        { model_spec: { name: 'half', version_label: 'canary' } },
        grpc.status.INVALID_ARGUMENT,
        'Unrecognized servable version label: canary',
      ],
      [
        { model_spec: { name: 'half', signature_name: 'nah' }, inputs: { x: floats([[1, 2]]) } },
        grpc.status.FAILED_PRECONDITION,
        'Serving signature key "nah" not found.',
      ],
      [
        { model_spec: { name: 'half' }, inputs: { z: floats([[1, 2]]) } },
        grpc.status.INVALID_ARGUMENT,
        'input tensor alias not found in signature: z. Inputs expected to be in the set {x}.',
      ],
      [
        { model_spec: { name: 'half' }, inputs: {} },
        grpc.status.INVALID_ARGUMENT,
        'input size does not match signature: 0!=1 len({}) != len({x}). Sent extra: {}. Missing but required: {x}.',
      ],
      [
        {
          model_spec: { name: 'half' },
          inputs: { x: { dtype: 'DT_DOUBLE', tensor_shape: { dim: [{ size: 1 }, { size: 2 }] } } },
        },
        grpc.status.INVALID_ARGUMENT,
        'Expects arg[0] to be float but double is provided',
      ],
      [
        {
          model_spec: { name: 'half' },
          inputs: { x: { dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: 2 }] }, tensor_content: Buffer.alloc(3) } },
        },
        grpc.status.INVALID_ARGUMENT,
        'tensor parsing error: x',
      ],
      [
        { model_spec: { name: 'half' }, inputs: { x: floats([[1, 2]]) }, output_filter: ['q'] },
        grpc.status.INVALID_ARGUMENT,
        'output tensor alias not found in signature: q Outputs expected to be in the set {n,y}.',
      ],
    ];
    for (const [req, code, details] of cases) {
      const e = await grpcError(c.call(c.prediction, 'Predict', req));
      assert.deepEqual([e.code, e.details], [code, details]);
    }
    const page = metrics.render();
    assert.match(page, /^:tensorflow:serving:request_count\{model_name="nope",status="NOT_FOUND"\} 1$/m);
    assert.match(
      page,
      /^:tensorflow:serving:request_latency_count\{model_name="half",API="Predict",entrypoint="GRPC"\} \d+$/m,
    );
  });

  it('GetModelMetadata packs a SignatureDefMap in an Any', async () => {
    const r = await c.call(c.prediction, 'GetModelMetadata', {
      model_spec: { name: 'half' },
      metadata_field: ['signature_def'],
    });
    assert.deepEqual(r.model_spec.version, { value: '3' });
    const any = r.metadata.signature_def;
    assert.equal(any.type_url, 'type.googleapis.com/tensorflow.serving.SignatureDefMap');
    const root = loadProtoRoot(['tensorflow_serving/apis/get_model_metadata.proto'], { keepCase: true });
    const map = root
      .lookupType('tensorflow.serving.SignatureDefMap')
      .toObject(root.lookupType('tensorflow.serving.SignatureDefMap').decode(any.value), {
        longs: Number,
        enums: String,
      });
    const def = map.signature_def.serving_default;
    assert.equal(def.method_name, 'tensorflow/serving/predict');
    assert.deepEqual(def.inputs.x, {
      name: 'x:0',
      dtype: 'DT_FLOAT',
      tensor_shape: { dim: [{ size: -1 }, { size: 2 }] },
    });
    const bad = await grpcError(
      c.call(c.prediction, 'GetModelMetadata', { model_spec: { name: 'half' }, metadata_field: ['x'] }),
    );
    assert.deepEqual([bad.code, bad.details], [grpc.status.INVALID_ARGUMENT, 'Metadata field %s is not supportedx']);
    const none = await grpcError(c.call(c.prediction, 'GetModelMetadata', { model_spec: { name: 'half' } }));
    assert.equal(none.details, 'GetModelMetadataRequest must specify at least one metadata_field');
  });

  it('Classify and Regress feed serialized tf.Examples (context first) and shape the results', async () => {
    const example = (v: number) => ({ features: { feature: { x: { float_list: { value: [v] } } } } });
    const input = { example_list_with_context: { examples: [example(1), example(2)], context: example(0) } };
    const cls = await c.call(c.prediction, 'Classify', { model_spec: { name: 'half', signature_name: 'cls' }, input });
    assert.equal(cls.result.classifications.length, 2);
    assert.deepEqual(
      cls.result.classifications[0].classes.map((k: { label: string }) => k.label),
      ['a', 'b'],
    );
    const reg = await c.call(c.prediction, 'Regress', { model_spec: { name: 'half', signature_name: 'reg' }, input });
    // Each serialized example is the context's bytes followed by its own (the fake returns the length).
    const Example = servingType('tensorflow.Example');
    const bytes = (e: object) => Example.encode(Example.fromObject(e)).finish().length;
    assert.deepEqual(
      reg.result.regressions.map((r: { value: number }) => r.value),
      [bytes(example(0)) + bytes(example(1)), bytes(example(0)) + bytes(example(2))],
    );
    const wrong = await grpcError(c.call(c.prediction, 'Regress', { model_spec: { name: 'half' }, input }));
    assert.equal(
      wrong.details,
      'Expected regression signature method_name to be tensorflow/serving/regress. Was: tensorflow/serving/predict',
    );
    const empty = await grpcError(
      c.call(c.prediction, 'Classify', { model_spec: { name: 'half', signature_name: 'cls' }, input: {} }),
    );
    assert.equal(empty.details, 'Input is empty.');
    const multi = await grpcError(c.call(c.prediction, 'MultiInference', {}));
    assert.equal(multi.code, grpc.status.UNIMPLEMENTED);
  });
});
