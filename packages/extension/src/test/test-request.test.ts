import * as assert from 'node:assert/strict';
import { buildTestRequest } from '../client/test-request';

describe('buildTestRequest (TF Serving metadata → predict body)', () => {
  const meta = (inputs: Record<string, { dtype: string; dims: number[] }>) => ({
    metadata: {
      signature_def: {
        signature_def: {
          serving_default: {
            inputs: Object.fromEntries(
              Object.entries(inputs).map(([k, v]) => [
                k,
                { dtype: v.dtype, tensor_shape: { dim: v.dims.map((d) => ({ size: String(d) })) } },
              ]),
            ),
          },
        },
      },
    },
  });

  it('one input: a batch of one instance shaped like the signature (unknown dims → 1)', () => {
    const body = buildTestRequest(meta({ x: { dtype: 'DT_FLOAT', dims: [-1, 2, -1] } }));
    assert.deepEqual(body, { signature_name: 'serving_default', instances: [[[0.5], [0.5]]] });
  });

  it('several inputs: named instances, values by dtype', () => {
    const body = buildTestRequest(
      meta({ ids: { dtype: 'DT_INT64', dims: [-1, 3] }, flag: { dtype: 'DT_BOOL', dims: [-1] } }),
    );
    assert.deepEqual(body.instances, [{ ids: [1, 1, 1], flag: false }]);
  });

  it('says why when the metadata has no inputs', () => {
    assert.throws(() => buildTestRequest({}), /no signature inputs/);
  });
});
