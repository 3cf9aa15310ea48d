import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { placeVariables, shardIndices } from './variable-placement';

describe('distribute/parameter-server/variable-placement', () => {
  const mlp = [[64, 32], [32], [32, 10], [10]];

  it('round-robin follows creation order, as TF2 ParameterServerStrategy does', () => {
    assert.deepEqual(placeVariables(mlp, 2, 'round-robin'), [0, 1, 0, 1]);
    assert.deepEqual(placeVariables(mlp, 3, 'round-robin'), [0, 1, 2, 0]);
    assert.deepEqual(placeVariables(mlp, 1, 'round-robin'), [0, 0, 0, 0]);
  });

  it('by-size puts each variable on the least-loaded ps (ties: lowest index)', () => {
    assert.deepEqual(placeVariables(mlp, 2, 'by-size'), [0, 1, 1, 1]);
    assert.deepEqual(placeVariables([[10], [10], [10], [10]], 2, 'by-size'), [0, 1, 0, 1]);
  });

  it('groups variable indices per ps in variable order; rejects bad arguments', () => {
    assert.deepEqual(shardIndices([0, 1, 0, 1], 2), [
      [0, 2],
      [1, 3],
    ]);
    assert.deepEqual(shardIndices([0, 0], 2), [[0, 1], []]);
    assert.throws(
      () => placeVariables(mlp, 0, 'round-robin'),
      (e) => isTfscaleError(e, 'TFSCALE_E_INVALID_VALUE'),
    );
    assert.throws(() => placeVariables(mlp, 2, 'random' as never), /round-robin/);
  });
});
