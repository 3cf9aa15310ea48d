/**
 * Small servables that compute real values in JS, and a model manager over them with TF
 * Serving's lookup messages, for the REST / KServe / HTTP tests. `halfPlusTwo` mirrors TF
 * Serving's testdata model: y = 0.5 x + 2 on any shape, plus regress and classify signatures that
 * read feature `x` from serialized tf.Examples.
 */
import * as assert from 'node:assert/strict';
import type {
  ModelManager,
  ModelVersionStatus,
  Servable,
  ServingTensor,
  SignatureSpec,
  VersionSelector,
} from '../types';
import { ServingError } from '../types';

/** Reads feature `name`'s float_list from a serialized tf.Example (wire format). */
export function exampleFloats(bytes: Uint8Array, name: string): number[] {
  const fields = (b: Uint8Array): Array<[number, Uint8Array]> => {
    const out: Array<[number, Uint8Array]> = [];
    let i = 0;
    const varint = (): number => {
      let v = 0;
      let shift = 0;
      for (;;) {
        const c = b[i++];
        v += (c & 0x7f) * 2 ** shift;
        if (c < 0x80) return v;
        shift += 7;
      }
    };
    while (i < b.length) {
      const tag = varint();
      const len = varint();
      out.push([tag >> 3, b.subarray(i, i + len)]);
      i += len;
    }
    return out;
  };
  let floats: number[] = [];
  for (const [, features] of fields(bytes))
    for (const [, entry] of fields(features)) {
      const [[, key], value] = fields(entry);
      if (Buffer.from(key).toString() !== name || !value) continue;
      for (const [kind, list] of fields(value[1]))
        if (kind === 2)
          for (const [, packed] of fields(list)) floats = [...new Float32Array(Uint8Array.from(packed).buffer)];
    }
  return floats;
}

const f32 = (key: string, name: string, shape?: number[]) => ({ key, name, dtype: 'float32' as const, shape });

/** TF Serving's half_plus_two: `serving_default` y = 0.5x + 2, and regress/classify signatures. */
export function halfPlusTwo(): Servable {
  const signatures: Record<string, SignatureSpec> = {
    serving_default: {
      methodName: 'tensorflow/serving/predict',
      inputs: [f32('x', 'x:0', [-1, 1])],
      outputs: [f32('y', 'y:0', [-1, 1])],
    },
    'tensorflow/serving/regress': {
      methodName: 'tensorflow/serving/regress',
      inputs: [{ key: 'inputs', name: 'tf_example:0', dtype: 'string' }],
      outputs: [f32('outputs', 'y:0', [-1, 1])],
    },
    'tensorflow/serving/classify': {
      methodName: 'tensorflow/serving/classify',
      inputs: [{ key: 'inputs', name: 'tf_example:0', dtype: 'string' }],
      outputs: [f32('scores', 'y:0', [-1, 1])],
    },
  };
  return {
    runtime: 'fixture',
    signatures,
    async predict(signature, inputs) {
      if (signature === 'serving_default') {
        const x = inputs.x;
        const data = Float32Array.from(x.data as Float32Array, (v) => 0.5 * v + 2);
        return { y: { dtype: 'float32', shape: x.shape, data } };
      }
      const examples = inputs.inputs.data as Uint8Array[];
      const data = Float32Array.from(examples, (e) => 0.5 * (exampleFloats(e, 'x')[0] ?? 0) + 2);
      return {
        [signature.endsWith('regress') ? 'outputs' : 'scores']: { dtype: 'float32', shape: [examples.length, 1], data },
      };
    },
    dispose() {},
  };
}

/**
 * Several inputs and outputs of other dtypes: `sum` = a + length of b (int64), `b_bytes` = b
 * reversed, `flag` = a > 0. Declared in the order b, a so name order and declaration differ.
 */
export function mixedModel(): Servable {
  return {
    runtime: 'fixture',
    signatures: {
      serving_default: {
        methodName: 'tensorflow/serving/predict',
        inputs: [
          { key: 'b', name: 'b:0', dtype: 'string', shape: [-1] },
          { key: 'a', name: 'a:0', dtype: 'int64', shape: [-1] },
        ],
        outputs: [
          { key: 'sum', name: 'sum:0', dtype: 'int64', shape: [-1] },
          { key: 'b_bytes', name: 'rev:0', dtype: 'string', shape: [-1] },
          { key: 'flag', name: 'flag:0', dtype: 'bool', shape: [-1] },
        ],
      },
    },
    async predict(_signature, inputs, filter) {
      const a = inputs.a.data as BigInt64Array;
      const b = inputs.b.data as Uint8Array[];
      const out: Record<string, ServingTensor> = {
        sum: {
          dtype: 'int64',
          shape: inputs.a.shape,
          data: BigInt64Array.from(a, (v, i) => v + BigInt(b[i]?.length ?? 0)),
        },
        b_bytes: { dtype: 'string', shape: inputs.b.shape, data: b.map((s) => Uint8Array.from(s).reverse()) },
        flag: { dtype: 'bool', shape: inputs.a.shape, data: Uint8Array.from(a, (v) => (v > 0n ? 1 : 0)) },
      };
      return filter ? Object.fromEntries(filter.map((k) => [k, out[k]])) : out;
    },
    dispose() {},
  };
}

/** A model manager over in-memory servables, with TF Serving's lookup errors. */
export class FixtureManager implements ModelManager {
  readonly models = new Map<string, Map<number, Servable>>();
  readonly labels = new Map<string, Map<string, number>>();
  acquired = 0;

  add(model: string, version: number, servable: Servable, labels: string[] = []): this {
    if (!this.models.has(model)) this.models.set(model, new Map());
    this.models.get(model)?.set(version, servable);
    for (const label of labels) {
      if (!this.labels.has(model)) this.labels.set(model, new Map());
      this.labels.get(model)?.set(label, version);
    }
    return this;
  }

  modelNames(): string[] {
    return [...this.models.keys()];
  }

  private version(model: string, selector: VersionSelector): number | undefined {
    if (selector.label === undefined) return selector.version;
    const v = this.labels.get(model)?.get(selector.label);
    if (v === undefined)
      throw new ServingError('INVALID_ARGUMENT', `Unrecognized servable version label: ${selector.label}`);
    return v;
  }

  acquire(model: string, selector: VersionSelector) {
    const version = this.version(model, selector);
    const versions = this.models.get(model);
    const chosen = version ?? (versions && versions.size > 0 ? Math.max(...versions.keys()) : undefined);
    const servable = chosen === undefined ? undefined : versions?.get(chosen);
    if (!servable || chosen === undefined) {
      const request = version === undefined ? `Latest(${model})` : `Specific(${model}, ${version})`;
      throw new ServingError('NOT_FOUND', `Servable not found for request: ${request}`);
    }
    this.acquired++;
    return { version: chosen, servable, release: () => void this.acquired-- };
  }

  status(model: string, selector: VersionSelector = {}): ModelVersionStatus[] {
    const version = this.version(model, selector);
    const versions = this.models.get(model);
    const ok = (v: number): ModelVersionStatus => ({
      version: v,
      state: 'AVAILABLE',
      error: { code: 'OK', message: '' },
    });
    if (version !== undefined) {
      if (!versions?.has(version))
        throw new ServingError('NOT_FOUND', `Could not find version ${version} of model ${model}`);
      return [ok(version)];
    }
    if (!versions?.size) throw new ServingError('NOT_FOUND', `Could not find any versions of model ${model}`);
    return [...versions.keys()].map(ok);
  }
}

describe('serving test fixtures', () => {
  it('half_plus_two computes 0.5x + 2 and the manager resolves latest, versions and labels like TF Serving', async () => {
    const m = new FixtureManager().add('half', 1, halfPlusTwo()).add('half', 2, halfPlusTwo(), ['stable']);
    const lease = m.acquire('half', { label: 'stable' });
    assert.equal(lease.version, 2);
    const out = await lease.servable.predict('serving_default', {
      x: { dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) },
    });
    assert.deepEqual([...(out.y.data as Float32Array)], [2.5, 3]);
    lease.release();
    assert.equal(m.acquired, 0);
    assert.throws(() => m.acquire('half', { version: 3 }), /Servable not found for request: Specific\(half, 3\)/);
  });
});
