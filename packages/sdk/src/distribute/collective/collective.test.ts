import assert from 'node:assert/strict';
import { isTfscaleError } from '../../core/errors';
import { Collective } from './collective';

// One rank needs no peers; groups of real processes are in test/collective.test.ts.
describe('distribute/collective/collective', () => {
  const solo = () => Collective.connect({ rank: 0, worldSize: 1, addresses: ['127.0.0.1:1'] });
  const invalid = (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE');

  it('a one-rank group is the identity for every collective', async () => {
    const group = await solo();
    const x = Float32Array.of(1, 2, 3);
    assert.deepEqual(await group.allReduce({ w: x }, 'mean'), { w: Float32Array.of(1, 2, 3) });
    const into = [new Float32Array(3)];
    assert.equal(await group.allReduce([x], 'sum', { into }), into);
    assert.deepEqual(into[0], x);
    assert.deepEqual(await group.broadcast([Int32Array.of(7)], 0), [Int32Array.of(7)]);
    await group.barrier();
    assert.deepEqual(await group.allGather(x), [x]);
    await group.close();
    await assert.rejects(group.barrier(), (err) => isTfscaleError(err, 'TFSCALE_E_COLLECTIVE_CLOSED'));
  });

  it('refuses bad arguments before they reach the wire', async () => {
    await assert.rejects(Collective.connect({ rank: 2, worldSize: 2, addresses: ['a:1', 'b:1'] }), invalid);
    await assert.rejects(Collective.connect({ rank: 0, worldSize: 2, addresses: ['a:1'] }), invalid);
    await assert.rejects(Collective.connect({ rank: 0, worldSize: 2, addresses: ['a:1', 'a:1'] }), invalid);
    await assert.rejects(Collective.connect({ rank: 0, worldSize: 1, addresses: ['a:1'], bytesPerPack: -1 }), invalid);
    await assert.rejects(Collective.connect({ rank: 0, worldSize: 1, addresses: ['a:1'], runId: '' }), invalid);
    const group = await solo();
    await assert.rejects(group.allReduce([new Float64Array(2) as unknown as Float32Array]), invalid);
    await assert.rejects(group.allReduce([new Float32Array(2)], 'max' as 'sum'), invalid);
    await assert.rejects(group.allReduce([new Float32Array(2)], 'sum', { into: [new Float32Array(3)] }), invalid);
    await assert.rejects(group.broadcast([new Float32Array(1)], 1), invalid);
    await group.barrier(); // still usable: a refused call took no sequence number
    await group.close();
  });
});
