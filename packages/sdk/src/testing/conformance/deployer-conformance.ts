/**
 * Conformance suite for the deployer plugin point.
 */
import assert from 'node:assert/strict';
import type { Deployer, DeployerFactory, DeploymentState, DeploySpec } from '../../deploy/deployer';
import { conformanceContext } from './helpers';

/**
 * Options for {@link describeDeployerConformance}.
 *
 * @example
 * ```ts
 * const options: DeployerConformanceOptions = { makeSpec: () => ({ modelPath: exportedDir, modelName: 'tiny' }) };
 * ```
 */
export interface DeployerConformanceOptions {
  /** Options passed to the factory. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** A deployable spec (e.g. pointing at a tiny exported model). */
  readonly makeSpec: () => DeploySpec | Promise<DeploySpec>;
  /**
   * Why the lifecycle test cannot run here (e.g. no container engine reachable), or undefined
   * when it can. Only for targets that need infrastructure the machine may lack; the reason is
   * printed, and the static checks still run.
   */
  readonly lifecycleSkipReason?: () => string | undefined | Promise<string | undefined>;
}

const STATES: readonly DeploymentState[] = ['starting', 'ready', 'failed', 'stopped'];

/**
 * Defines mocha tests for a deployer: a declared target and the deploy → status → stop
 * lifecycle (well-formed endpoints, a live state before `stop`, `'stopped'` after, idempotent
 * `stop`).
 *
 * @example
 * ```ts
 * describeDeployerConformance('local', () => localDeployerFactory, { makeSpec });
 * ```
 */
export function describeDeployerConformance(
  name: string,
  makeFactory: () => DeployerFactory | Promise<DeployerFactory>,
  options: DeployerConformanceOptions,
): void {
  const create = async (): Promise<Deployer> => (await makeFactory())(options.options ?? {}, conformanceContext());

  describe(`Deployer conformance: ${name}`, () => {
    it('declares a target', async () => {
      const deployer = await create();
      assert.equal(typeof deployer.target, 'string');
      assert.notEqual(deployer.target, '');
    });

    it('deploy → status → stop, with well-formed endpoints', async function () {
      const reason = await options.lifecycleSkipReason?.();
      if (reason !== undefined) {
        console.log(`      (lifecycle skipped: ${reason})`);
        this.skip();
      }
      const deployment = await (await create()).deploy(await options.makeSpec());
      try {
        if (deployment.url !== undefined) assert.doesNotThrow(() => new URL(deployment.url!), `url=${deployment.url}`);
        if (deployment.grpcAddress !== undefined)
          assert.match(deployment.grpcAddress, /^[^\s:]+:\d+$|^\[[^\]]+\]:\d+$/);
        const status = await deployment.status();
        assert.ok(STATES.includes(status.state), `unknown state ${status.state}`);
        assert.ok(status.state === 'starting' || status.state === 'ready', `live deployment reports ${status.state}`);
        if (status.message !== undefined) assert.equal(typeof status.message, 'string');
      } finally {
        await deployment.stop();
      }
      assert.equal((await deployment.status()).state, 'stopped');
      await deployment.stop();
      assert.equal((await deployment.status()).state, 'stopped');
    });
  });
}
