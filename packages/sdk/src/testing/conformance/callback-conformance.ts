/**
 * Conformance suite for the callback plugin point.
 */
import assert from 'node:assert/strict';
import { CALLBACK_HOOKS, type Callback, type CallbackFactory, type CallbackHookName } from '../../callbacks/callback';
import { CallbackList } from '../../callbacks/callback-list';
import { conformanceContext } from './helpers';

/**
 * Options for {@link describeCallbackConformance}.
 *
 * @example
 * ```ts
 * const options: CallbackConformanceOptions = { options: { monitor: 'loss', patience: 2 } };
 * ```
 */
export interface CallbackConformanceOptions {
  /** Options passed to the factory. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** One short fit → evaluate → predict, in Keras hook order, with plausible logs. */
const LIFECYCLE: ReadonlyArray<[CallbackHookName, unknown[]]> = [
  ['onTrainBegin', [{}]],
  ['onEpochBegin', [0, {}]],
  ['onTrainBatchBegin', [0, {}]],
  ['onTrainBatchEnd', [0, { loss: 0.9, acc: 0.5 }]],
  ['onTestBegin', [{}]],
  ['onTestBatchBegin', [0, {}]],
  ['onTestBatchEnd', [0, { loss: 1.0, acc: 0.4 }]],
  ['onTestEnd', [{ loss: 1.0, acc: 0.4 }]],
  ['onEpochEnd', [0, { loss: 0.9, acc: 0.5, val_loss: 1.0, val_acc: 0.4 }]],
  ['onTrainEnd', [{ loss: 0.9, acc: 0.5 }]],
  ['onPredictBegin', [{}]],
  ['onPredictBatchBegin', [0, {}]],
  ['onPredictBatchEnd', [0, {}]],
  ['onPredictEnd', [{}]],
];

/**
 * Defines mocha tests for a callback: a valid hook map (every hook optional, each a function
 * that returns nothing or a promise), a full lifecycle run that completes, and, for stateful
 * callbacks, a `stateKey` whose state survives JSON and `loadState` into a fresh instance.
 *
 * @example
 * ```ts
 * describeCallbackConformance('early-stopping', () => earlyStoppingFactory, { options: { patience: 1 } });
 * ```
 */
export function describeCallbackConformance(
  name: string,
  makeFactory: () => CallbackFactory | Promise<CallbackFactory>,
  options: CallbackConformanceOptions = {},
): void {
  const create = async (): Promise<Callback> => (await makeFactory())(options.options ?? {}, conformanceContext());
  const runLifecycle = async (callback: Callback): Promise<void> => {
    for (const [hook, args] of LIFECYCLE) {
      const fn = callback[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn !== 'function') continue;
      const returned = fn.apply(callback, args);
      assert.ok(
        returned === undefined || typeof (returned as PromiseLike<unknown>)?.then === 'function',
        `${hook} must return nothing or a promise`,
      );
      await returned;
    }
  };

  describe(`Callback conformance: ${name}`, () => {
    it('is an object whose hooks are all optional functions', async () => {
      const callback = await create();
      assert.equal(typeof callback, 'object');
      assert.notEqual(callback, null);
      for (const hook of CALLBACK_HOOKS) {
        assert.ok(callback[hook] === undefined || typeof callback[hook] === 'function', `${hook} is not a function`);
      }
      if (callback.name !== undefined) assert.equal(typeof callback.name, 'string');
      new CallbackList([callback]); // the list's own checks (stateKey shape) must pass too
    });

    it('completes a fit/evaluate/predict lifecycle, each hook awaited', async () => {
      await runLifecycle(await create());
    });

    it('completes the lifecycle through a CallbackList', async () => {
      const list = new CallbackList([await create()]);
      await runLifecycle(list);
    });

    it('stateful: stateKey state round-trips through JSON, saveState and loadState', async function () {
      const callback = await create();
      if (callback.stateKey === undefined) return this.skip();
      assert.equal(typeof callback.stateKey, 'string');
      assert.equal(typeof callback.saveState, 'function');
      assert.equal(typeof callback.loadState, 'function');
      await runLifecycle(callback);
      const saved = JSON.parse(JSON.stringify((await callback.saveState!()) ?? null));
      const fresh = await create();
      assert.equal(fresh.stateKey, callback.stateKey);
      await fresh.loadState!(saved);
      assert.deepEqual(JSON.parse(JSON.stringify((await fresh.saveState!()) ?? null)), saved);
    });
  });
}
