import * as assert from 'node:assert/strict';
import type { PredictRequestMessage } from './predict';
import { readPredictRequest } from './predict-request';
import { servingType } from './proto-root';
import { type TensorProtoMessage, toNumber } from './tensor-proto';

const PredictRequest = servingType('tensorflow.serving.PredictRequest');
const encode = (m: object) => Buffer.from(PredictRequest.encode(m).finish());

/** What Predict reads of a request, the same way whoever decoded it. */
function view(r: PredictRequestMessage) {
  const spec = r.model_spec;
  const tensor = (t: TensorProtoMessage) => ({
    dtype: t.dtype ?? 0,
    dims: (t.tensor_shape?.dim ?? []).map((d) => toNumber(d.size ?? 0)),
    unknownRank: !!t.tensor_shape?.unknown_rank,
    content: Buffer.from(t.tensor_content ?? []).toString('hex'),
    floats: Array.from(t.float_val ?? []),
  });
  return {
    spec: spec
      ? {
          name: spec.name ?? '',
          signature: spec.signature_name ?? '',
          choice: spec.version_choice,
          version: spec.version_choice === 'version' ? toNumber(spec.version?.value ?? 0) : undefined,
          label: spec.version_choice === 'version_label' ? spec.version_label : undefined,
        }
      : null,
    inputs: Object.entries(r.inputs ?? {}).map(([k, t]) => [k, tensor(t)]),
    filter: [...(r.output_filter ?? [])],
  };
}

const content = (n: number) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => i / 3).buffer);
const requests: object[] = [
  {
    model_spec: { name: 'mlp' },
    inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: 1 }, { size: 784 }] }, tensor_content: content(784) } },
  },
  {
    model_spec: { name: 'm', signature_name: 'sig', version: { value: 2 ** 40 + 3 } },
    inputs: {
      a: { dtype: 3, tensor_shape: { dim: [{ size: 0 }, { size: 3 }] } },
      b: { dtype: 1, tensor_shape: {}, tensor_content: content(1) },
      c: { dtype: 9 },
    },
    output_filter: ['y', 'z'],
  },
  { model_spec: { name: 'm', version_label: 'stable' }, inputs: {} },
  { model_spec: { name: 'm', version: { value: 0 } } },
  { model_spec: {} },
  {},
];

describe('grpc predict-request: PredictRequest read without protobufjs', () => {
  it('reads what protobufjs reads', () => {
    for (const m of requests) {
      const bytes = encode(m);
      const fast = readPredictRequest(bytes);
      assert.ok(fast, JSON.stringify(m));
      assert.deepEqual(view(fast), view(PredictRequest.decode(bytes) as PredictRequestMessage));
    }
  });

  it('leaves typed fields, dim names, non-ASCII text and unknown fields to protobufjs', () => {
    const others: object[] = [
      {
        model_spec: { name: 'm' },
        inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: 2 }] }, float_val: [1, 2] } },
      },
      { model_spec: { name: 'm' }, inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: 1, name: 'b' }] } } } },
      { model_spec: { name: 'm' }, inputs: { x: { dtype: 1, tensor_shape: { unknown_rank: true } } } },
      { model_spec: { name: 'm' }, inputs: { x: { dtype: 1, tensor_shape: { dim: [{ size: -1 }] } } } },
      { model_spec: { name: 'modèle' } },
      { model_spec: { name: 'm' }, inputs: { x: { dtype: 1, version_number: 2 } } },
    ];
    for (const m of others) assert.equal(readPredictRequest(encode(m)), undefined, JSON.stringify(m));
    assert.equal(readPredictRequest(Buffer.concat([encode(requests[0]!), Buffer.from([0x28, 1])])), undefined);
  });

  it('agrees with protobufjs on damaged messages, or steps aside', () => {
    // Flip, cut and splice bytes of valid requests: each result is protobufjs' or undefined.
    let read = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const base = encode(requests[seed % 3]!);
      const bytes = Buffer.from(seed % 2 ? base : base.subarray(0, Math.min(base.length, 60 + (seed % 40))));
      let x = seed;
      for (let k = 0; k < 1 + (seed % 3); k++) {
        x = (x * 1103515245 + 12345) >>> 0;
        bytes[x % bytes.length] = (x >>> 8) & 0xff;
      }
      const fast = readPredictRequest(bytes);
      let reference: PredictRequestMessage | undefined;
      try {
        reference = PredictRequest.decode(bytes) as PredictRequestMessage;
      } catch {
        reference = undefined;
      }
      if (!fast) continue;
      read++;
      assert.ok(reference, `seed ${seed}: read bytes protobufjs refuses (${bytes.toString('hex')})`);
      assert.deepEqual(view(fast), view(reference), `seed ${seed}`);
    }
    assert.ok(read > 100, `only ${read} damaged messages were read at all`);
  });
});
