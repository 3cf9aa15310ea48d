import assert from 'node:assert/strict';
import {
  type BatchPlan,
  type NumericArray,
  type ReduceOp,
  type Strategy,
  splitGlobalBatch,
} from '../../distribute/strategy';
import { expectCodedError } from './helpers';
import { describeStrategyConformance } from './strategy-conformance';

/** A real single-replica strategy: one process, one replica, collectives are local copies. */
class SingleReplicaStrategy implements Strategy {
  readonly name = 'single-replica';
  readonly isPrimary = true;
  readonly numReplicas = 1;
  readonly replicaIndex = 0;

  async setup(): Promise<void> {}
  async teardown(): Promise<void> {}

  async reduce<A extends NumericArray>(values: readonly A[], op: ReduceOp): Promise<A[]> {
    // Sum over one replica is the value; mean divides by numReplicas (1).
    return values.map((v) => (op === 'mean' ? (v.map((x) => x / this.numReplicas) as A) : (v.slice() as A)));
  }

  async broadcast<A extends NumericArray>(values: readonly A[]): Promise<A[]> {
    return values.map((v) => v.slice() as A);
  }

  async barrier(): Promise<void> {}

  plan(globalBatchSize: number): BatchPlan {
    const replicaBatchSizes = splitGlobalBatch(globalBatchSize, this.numReplicas);
    return {
      globalBatchSize,
      numReplicas: this.numReplicas,
      replicaIndex: this.replicaIndex,
      perReplicaBatchSize: replicaBatchSizes[this.replicaIndex]!,
      replicaBatchSizes,
      dataShardIndex: 0,
      numDataShards: 1,
    };
  }
}

describeStrategyConformance('single-replica (in-test)', () => () => new SingleReplicaStrategy());

describe('distribute/strategy splitGlobalBatch', () => {
  it('splits evenly, first replicas taking the remainder', () => {
    assert.deepEqual(splitGlobalBatch(10, 3), [4, 3, 3]);
    assert.deepEqual(splitGlobalBatch(2, 4), [1, 1, 0, 0]);
    assert.deepEqual(splitGlobalBatch(64, 1), [64]);
  });

  it('refuses bad sizes with the Keras-style message', async () => {
    const err = await expectCodedError(() => splitGlobalBatch(0, 2), 'TFSCALE_E_INVALID_VALUE');
    assert.equal(
      err.message,
      'Invalid value for `globalBatchSize`. Received: globalBatchSize=0. Expected: a positive integer.',
    );
    await expectCodedError(() => splitGlobalBatch(8, 0), 'TFSCALE_E_INVALID_VALUE');
  });
});
