/**
 * Container scopes (design convention 8): one root per host process, one child per run (or per
 * VS Code workspace folder). A scope disposes what it created and its child scopes, never its
 * parent nor instances handed to it.
 */
// tsyringe refuses to load without the Reflect polyfill; importing this module directly must work.
import 'reflect-metadata';
import { type DependencyContainer, container as globalContainer } from 'tsyringe';
import type { Backend } from '../backend/backend';
import type { CallbackFactory } from '../callbacks/callback';
import { SimpleTrainingControl, TrainingControlToken } from '../callbacks/training-control';
import type { DeployerFactory } from '../deploy/deployer';
import type { StrategyFactory } from '../distribute/strategy';
import type { ExporterFactory } from '../export/exporter';
import { ConsoleLogger, type Logger } from './logger';
import type { PluginMeta } from './plugin';
import { Registry } from './registry';
import {
  BackendRegistryToken,
  CallbackRegistryToken,
  DeployerRegistryToken,
  ExporterRegistryToken,
  LoggerToken,
  PluginRegistryToken,
  SdkVersionToken,
  StrategyRegistryToken,
} from './tokens';
import { SDK_VERSION } from './version';

/**
 * Anything with a `dispose()`, sync or async.
 *
 * @example
 * ```ts
 * const server: Disposable = { dispose: () => new Promise((done) => http.close(() => done())) };
 * ```
 */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/**
 * Options for {@link createRootContainer}.
 *
 * @example
 * ```ts
 * createRootContainer({ logger: silentLogger, sdkVersion: '0.1.0' });
 * ```
 */
export interface RootContainerOptions {
  /** Defaults to a `ConsoleLogger` at level `info`. */
  readonly logger?: Logger;
  /** Defaults to this package's version. */
  readonly sdkVersion?: string;
  /** Defaults to tsyringe's global container, which is only ever read, never written. */
  readonly parent?: DependencyContainer;
}

interface ScopeState {
  readonly parent?: DependencyContainer;
  readonly children: Set<DependencyContainer>;
  readonly owned: Disposable[];
  disposed: boolean;
}

const scopes = new WeakMap<DependencyContainer, ScopeState>();

function track(container: DependencyContainer, parent?: DependencyContainer): DependencyContainer {
  scopes.set(container, { ...(parent ? { parent } : {}), children: new Set(), owned: [], disposed: false });
  if (parent) stateOf(parent).children.add(container);
  return container;
}

/** Containers not made here (a host's own child) get state on first use. */
function stateOf(container: DependencyContainer): ScopeState {
  if (!scopes.has(container)) track(container);
  return scopes.get(container)!;
}

/**
 * A fresh root scope: a child of tsyringe's global container holding empty registries for the
 * five plugin points plus plugins, the logger and the SDK version. Nothing is registered in the
 * global container.
 *
 * @example
 * ```ts
 * const root = createRootContainer();
 * await loadPlugins(factories, root);
 * const strategies = root.resolve(StrategyRegistryToken);
 * ```
 */
export function createRootContainer(options: RootContainerOptions = {}): DependencyContainer {
  const root = track((options.parent ?? globalContainer).createChildContainer());
  root.registerInstance(StrategyRegistryToken, new Registry<StrategyFactory>('strategy'));
  root.registerInstance(CallbackRegistryToken, new Registry<CallbackFactory>('callback'));
  root.registerInstance(ExporterRegistryToken, new Registry<ExporterFactory>('exporter'));
  root.registerInstance(DeployerRegistryToken, new Registry<DeployerFactory>('deployer'));
  root.registerInstance(BackendRegistryToken, new Registry<Backend>('backend'));
  root.registerInstance(PluginRegistryToken, new Registry<PluginMeta>('plugin'));
  root.registerInstance(LoggerToken, options.logger ?? new ConsoleLogger());
  root.registerInstance(SdkVersionToken, options.sdkVersion ?? SDK_VERSION);
  return root;
}

/**
 * A child scope for one run: it sees the parent's registries, gets its own `TrainingControl`,
 * and whatever is registered in it stays out of the parent. Dispose it with
 * {@link disposeContainer} (disposing the parent also disposes it).
 *
 * @example
 * ```ts
 * const run = createRunContainer(root);
 * try { await trainer.fit(run); } finally { await disposeContainer(run); }
 * ```
 */
export function createRunContainer(parent: DependencyContainer): DependencyContainer {
  if (stateOf(parent).disposed) throw new Error('Cannot create a run scope in a disposed container.');
  const run = track(parent.createChildContainer(), parent);
  run.registerInstance(TrainingControlToken, new SimpleTrainingControl());
  return run;
}

/**
 * Hands ownership of `disposable` to `container`: {@link disposeContainer} will dispose it, last
 * added first.
 *
 * @example
 * ```ts
 * const server = await startServer();
 * addDisposable(run, { dispose: () => server.close() });
 * ```
 */
export function addDisposable(container: DependencyContainer, disposable: Disposable): void {
  const state = stateOf(container);
  if (state.disposed) throw new Error('Cannot add a disposable to a disposed container.');
  state.owned.push(disposable);
}

/**
 * Disposes a scope: its child scopes first (newest first), then what was handed to it with
 * {@link addDisposable} (last added first), then the instances tsyringe constructed in it. Every
 * step runs even if one throws; the first error is rethrown at the end. Safe to call twice.
 *
 * @example
 * ```ts
 * await disposeContainer(run);
 * ```
 */
export async function disposeContainer(container: DependencyContainer): Promise<void> {
  const state = stateOf(container);
  if (state.disposed) return;
  state.disposed = true;
  const errors: unknown[] = [];
  const attempt = async (step: () => unknown): Promise<void> => {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  };
  for (const child of [...state.children].reverse()) await attempt(() => disposeContainer(child));
  for (const owned of [...state.owned].reverse()) await attempt(() => owned.dispose());
  await attempt(() => container.dispose());
  if (state.parent) stateOf(state.parent).children.delete(container);
  if (errors.length > 0) throw errors[0];
}
