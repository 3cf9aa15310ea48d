import 'reflect-metadata';
import assert from 'node:assert/strict';
import { container as globalContainer, inject, injectable } from 'tsyringe';
import { TrainingControlToken } from '../callbacks/training-control';
import { addDisposable, createRootContainer, createRunContainer, disposeContainer } from './container';
import { type Logger, silentLogger } from './logger';
import { CallbackRegistryToken, createToken, LoggerToken, SdkVersionToken, StrategyRegistryToken } from './tokens';
import { SDK_VERSION } from './version';

const GreetingToken = createToken<string>('test.Greeting');

// Explicit @inject on every parameter: no decorator metadata is emitted (design convention 2).
@injectable()
class Greeter {
  constructor(
    @inject(LoggerToken) readonly logger: Logger,
    @inject(GreetingToken) readonly greeting: string,
  ) {}
}

describe('core/container', () => {
  it('creates a root with the five registries, a logger and the SDK version, leaving the global container alone', () => {
    const root = createRootContainer();
    assert.equal(root.resolve(StrategyRegistryToken).kind, 'strategy');
    assert.equal(root.resolve(CallbackRegistryToken).kind, 'callback');
    assert.equal(root.resolve(SdkVersionToken), SDK_VERSION);
    assert.ok(root.resolve(LoggerToken));
    assert.equal(globalContainer.isRegistered(StrategyRegistryToken), false);
    assert.notEqual(createRootContainer().resolve(StrategyRegistryToken), root.resolve(StrategyRegistryToken));
  });

  it('run containers see the parent, and what they register stays in them', () => {
    const root = createRootContainer({ logger: silentLogger });
    const runA = createRunContainer(root);
    const runB = createRunContainer(root);
    runA.registerInstance(GreetingToken, 'hello A');
    assert.equal(runA.resolve(StrategyRegistryToken), root.resolve(StrategyRegistryToken));
    assert.equal(runA.resolve(GreetingToken), 'hello A');
    assert.equal(root.isRegistered(GreetingToken, true), false);
    assert.equal(runB.isRegistered(GreetingToken, true), false);
    assert.notEqual(runA.resolve(TrainingControlToken), runB.resolve(TrainingControlToken));
  });

  it('constructs classes through explicit @inject tokens', () => {
    const run = createRunContainer(createRootContainer({ logger: silentLogger }));
    run.registerInstance(GreetingToken, 'hi');
    const greeter = run.resolve(Greeter);
    assert.equal(greeter.logger, silentLogger);
    assert.equal(greeter.greeting, 'hi');
  });

  it('disposes children first, then owned disposables last-first, and only once', async () => {
    const root = createRootContainer({ logger: silentLogger });
    const run = createRunContainer(root);
    const events: string[] = [];
    addDisposable(root, { dispose: () => void events.push('root:1') });
    addDisposable(root, { dispose: async () => void events.push('root:2') });
    addDisposable(run, { dispose: () => void events.push('run') });
    await disposeContainer(root);
    await disposeContainer(root);
    await disposeContainer(run);
    assert.deepEqual(events, ['run', 'root:2', 'root:1']);
    assert.throws(() => createRunContainer(root), /disposed/);
  });

  it('keeps disposing after a failure and rethrows the first error', async () => {
    const run = createRunContainer(createRootContainer({ logger: silentLogger }));
    const events: string[] = [];
    addDisposable(run, { dispose: () => void events.push('a') });
    addDisposable(run, {
      dispose: () => {
        throw new Error('b failed');
      },
    });
    await assert.rejects(disposeContainer(run), /b failed/);
    assert.deepEqual(events, ['a']);
  });

  it('disposing a run leaves its parent usable', async () => {
    const root = createRootContainer({ logger: silentLogger });
    await disposeContainer(createRunContainer(root));
    const next = createRunContainer(root);
    assert.ok(next.resolve(StrategyRegistryToken));
  });
});
