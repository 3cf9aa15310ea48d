/**
 * Conformance suite for the strategy plugin point: every strategy plugin runs it in its tests.
 */
import assert from 'node:assert/strict';
import type { Strategy, StrategyFactory } from '../../distribute/strategy';
import { conformanceContext, expectCodedError } from './helpers';

/**
 * Options for {@link describeStrategyConformance}.
 *
 * @example
 * ```ts
 * const options: StrategyConformanceOptions = { options: { devices: ['cpu:0'] }, globalBatchSizes: [1, 64] };
 * ```
 */
export interface StrategyConformanceOptions {
  /** Options passed to the factory. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Global batch sizes `plan()` is checked with. */
  readonly globalBatchSizes?: readonly number[];
}

/**
 * Defines mocha tests for the contract-level invariants of a strategy: name, replica identity,
 * `plan()` splits, input checks, single-replica `reduce`/`broadcast` identity, `barrier`, and an
 * idempotent `teardown`. Multi-replica behaviour needs peers and is tested by each strategy.
 *
 * @example
 * ```ts
 * describeStrategyConformance('one-device', () => (options) => new OneDeviceStrategy(options));
 * ```
 */
export function describeStrategyConformance(
  name: string,
  makeFactory: () => StrategyFactory | Promise<StrategyFactory>,
  options: StrategyConformanceOptions = {},
): void {
  const create = async (): Promise<Strategy> => {
    const ctx = conformanceContext();
    return (await makeFactory())(options.options ?? {}, ctx);
  };
  const withStrategy = async (body: (strategy: Strategy) => Promise<void> | void): Promise<void> => {
    const strategy = await create();
    await strategy.setup({ logger: conformanceContext().logger });
    try {
      await body(strategy);
    } finally {
      await strategy.teardown();
    }
  };

  describe(`Strategy conformance: ${name}`, () => {
    it('has a non-empty name', async () => {
      const strategy = await create();
      assert.equal(typeof strategy.name, 'string');
      assert.notEqual(strategy.name, '');
    });

    it('reports its replica identity after setup', () =>
      withStrategy((s) => {
        assert.equal(typeof s.isPrimary, 'boolean');
        assert.ok(Number.isSafeInteger(s.numReplicas) && s.numReplicas >= 1, `numReplicas=${s.numReplicas}`);
        assert.ok(Number.isSafeInteger(s.replicaIndex), `replicaIndex=${s.replicaIndex}`);
        assert.ok(s.replicaIndex >= 0 && s.replicaIndex < s.numReplicas, `replicaIndex=${s.replicaIndex}`);
      }));

    it('plan() splits a global batch into per-replica sizes that sum to it', () =>
      withStrategy((s) => {
        for (const global of options.globalBatchSizes ?? [1, 7, 32, 1000]) {
          const plan = s.plan(global);
          assert.equal(plan.globalBatchSize, global);
          assert.equal(plan.numReplicas, s.numReplicas);
          assert.equal(plan.replicaIndex, s.replicaIndex);
          assert.equal(plan.replicaBatchSizes.length, s.numReplicas);
          assert.equal(
            plan.replicaBatchSizes.reduce((a, b) => a + b, 0),
            global,
          );
          assert.ok(plan.replicaBatchSizes.every((n) => Number.isSafeInteger(n) && n >= 0));
          assert.ok(Math.max(...plan.replicaBatchSizes) - Math.min(...plan.replicaBatchSizes) <= 1, 'uneven split');
          assert.equal(plan.perReplicaBatchSize, plan.replicaBatchSizes[s.replicaIndex]);
          assert.ok(plan.numDataShards >= 1 && plan.dataShardIndex >= 0 && plan.dataShardIndex < plan.numDataShards);
        }
      }));

    it('plan() refuses a batch size that is not a positive integer', () =>
      withStrategy(async (s) => {
        for (const bad of [0, -4, 2.5, Number.NaN])
          await expectCodedError(() => s.plan(bad), 'TFSCALE_E_INVALID_VALUE');
      }));

    it("reduce('sum'|'mean') on a single replica is the identity and leaves inputs alone", async function () {
      await withStrategy(async (s) => {
        if (s.numReplicas !== 1) return this.skip();
        const inputs = [new Float32Array([1, -2, 3.5]), new Float32Array([0.25])];
        const copies = inputs.map((a) => a.slice());
        for (const op of ['sum', 'mean'] as const) {
          const out = await s.reduce(inputs, op);
          assert.equal(out.length, inputs.length);
          for (const [i, array] of out.entries()) assert.deepEqual(array, copies[i]);
        }
        for (const [i, array] of inputs.entries()) assert.deepEqual(array, copies[i]);
      });
    });

    it('broadcast() from replica 0 on a single replica returns the values', async function () {
      await withStrategy(async (s) => {
        if (s.numReplicas !== 1) return this.skip();
        const out = await s.broadcast([new Int32Array([4, 5])], 0);
        assert.deepEqual(out, [new Int32Array([4, 5])]);
      });
    });

    it('barrier() resolves, named or not', () =>
      withStrategy(async (s) => {
        await s.barrier();
        await s.barrier('conformance');
      }));

    it('teardown() is idempotent and allowed without setup', async () => {
      const fresh = await create();
      await fresh.teardown();
      const used = await create();
      await used.setup({ logger: conformanceContext().logger });
      await used.teardown();
      await used.teardown();
    });
  });
}
