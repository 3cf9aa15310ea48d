import assert from 'node:assert/strict';
import { chunkOffsets } from './ring-all-reduce';

// The ring itself runs across real processes in test/collective.test.ts.
describe('distribute/collective/ring-all-reduce', () => {
  it('splits lengths into chunks as even as possible, the first ones one longer', () => {
    assert.deepEqual(chunkOffsets(10, 4), [0, 3, 6, 8, 10]);
    assert.deepEqual(chunkOffsets(8, 4), [0, 2, 4, 6, 8]);
    assert.deepEqual(chunkOffsets(2, 4), [0, 1, 2, 2, 2]);
    assert.deepEqual(chunkOffsets(0, 3), [0, 0, 0, 0]);
    assert.deepEqual(chunkOffsets(1000003, 1), [0, 1000003]);
  });
});
