/**
 * The plugin contract (design convention 3) and `loadPlugins`, which checks plugins the way
 * Fastify does (shape, SDK range, dependencies) before any registers, then registers them in
 * dependency order. Nothing registers on import: a plugin only acts inside `register()`.
 */
import { satisfies } from 'semver';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Backend } from '../backend/backend';
import type { CallbackFactory } from '../callbacks/callback';
import type { DeployerFactory } from '../deploy/deployer';
import type { StrategyFactory } from '../distribute/strategy';
import type { ExporterFactory } from '../export/exporter';
import { isTfscaleError, TfscaleError } from './errors';
import type { Logger } from './logger';
import { missingDependency, orderByDependencies } from './plugin-order';
import { validatePlugin } from './plugin-shape';
import type { Registry, ScopedRegistry } from './registry';
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

/**
 * A plugin's identity. `sdk` is the semver range of `@tfscale/sdk` versions it was built for;
 * `dependsOn` names other plugins (by `meta.name`) that must register first.
 *
 * @example
 * ```ts
 * const meta: PluginMeta = { name: 'tfscale-plugin-hello', version: '1.0.0', sdk: '^0.1.0' };
 * ```
 */
export interface PluginMeta {
  readonly name: string;
  readonly version: string;
  readonly sdk: string;
  readonly dependsOn?: readonly string[];
  readonly description?: string;
}

/**
 * The five plugin-point registries, scoped so every entry records the registering plugin.
 *
 * @example
 * ```ts
 * ctx.registries.callback.register('hello', () => ({ onTrainBegin: async () => {} }));
 * ```
 */
export interface PluginRegistries {
  readonly strategy: ScopedRegistry<StrategyFactory>;
  readonly callback: ScopedRegistry<CallbackFactory>;
  readonly exporter: ScopedRegistry<ExporterFactory>;
  readonly deployer: ScopedRegistry<DeployerFactory>;
  readonly backend: ScopedRegistry<Backend>;
}

/**
 * What `register()` receives besides the container. Register through `registries` (or
 * `registry(token)` for other registries) so a duplicate name points at your plugin.
 *
 * @example
 * ```ts
 * register(container, ctx) { ctx.registries.exporter.register('onnx', (o, c) => new OnnxExporter(c.logger)); }
 * ```
 */
export interface PluginContext {
  readonly meta: PluginMeta;
  readonly logger: Logger;
  readonly registries: PluginRegistries;
  registry<T>(token: InjectionToken<Registry<T>>): ScopedRegistry<T>;
}

/**
 * A plugin: metadata plus a `register` that adds entries to the container's registries.
 *
 * @example
 * ```ts
 * const plugin: TfscalePlugin = {
 *   meta: { name: 'tfscale-plugin-hello', version: '1.0.0', sdk: '^0.1.0' },
 *   register(container, ctx) { ctx.registries.callback.register('hello', () => ({})); },
 * };
 * ```
 */
export interface TfscalePlugin {
  readonly meta: PluginMeta;
  register(container: DependencyContainer, ctx: PluginContext): void | Promise<void>;
}

/**
 * What a plugin package exports (as `default` or `plugin`): a synchronous factory taking the
 * user's plugin options.
 *
 * @example
 * ```ts
 * const factory: PluginFactory = (options = {}) => ({ meta, register(container, ctx) {} });
 * export default factory;
 * ```
 */
export type PluginFactory = (options?: Readonly<Record<string, unknown>>) => TfscalePlugin;

/**
 * A plugin (or factory) with where it came from, for error messages, and the options to call
 * its factory with.
 *
 * @example
 * ```ts
 * const source: PluginSource = { plugin: importPlugin(descriptor), source: descriptor.packageName };
 * ```
 */
export interface PluginSource {
  readonly plugin: unknown;
  readonly source?: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * Anything `loadPlugins` accepts.
 *
 * @example
 * ```ts
 * const inputs: PluginInput[] = [helloFactory, helloFactory({ loud: true }), { plugin: mod.default, source: '@acme/x' }];
 * ```
 */
export type PluginInput = TfscalePlugin | PluginFactory | PluginSource;

/**
 * A plugin that was not loaded, with why.
 *
 * @example
 * ```ts
 * for (const { name, error } of result.refused) logger.warn(`${name}: ${error.message}`);
 * ```
 */
export interface RefusedPlugin {
  /** `meta.name` when the plugin got that far, else its source. */
  readonly name: string;
  /** Where it came from: the `PluginSource.source` (package name) when given, else a label. */
  readonly source: string;
  readonly error: TfscaleError;
}

/**
 * Options for {@link loadPlugins}.
 *
 * @example
 * ```ts
 * await loadPlugins(discovered, root, undefined, { onError: 'collect' });
 * ```
 */
export interface LoadPluginsOptions {
  /**
   * `'throw'` (default): the first problem throws; shape, range and dependency problems are found
   * before any plugin registers. `'collect'`: load what can be loaded and report the rest.
   */
  readonly onError?: 'throw' | 'collect';
}

/**
 * What {@link loadPlugins} did.
 *
 * @example
 * ```ts
 * const { loaded, refused } = await loadPlugins(plugins, root, undefined, { onError: 'collect' });
 * ```
 */
export interface LoadPluginsResult {
  /** Registered plugins, in registration (dependency) order. */
  readonly loaded: readonly PluginMeta[];
  readonly refused: readonly RefusedPlugin[];
  /** Where each loaded plugin came from, by `meta.name` (the package name for discovered ones). */
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * Identity helper that types a plugin factory for authors.
 *
 * @example
 * ```ts
 * export default definePlugin((options) => ({
 *   meta: { name: 'tfscale-plugin-hello', version: '1.0.0', sdk: '^0.1.0' },
 *   register(container, ctx) { ctx.registries.callback.register('hello', () => ({})); },
 * }));
 * ```
 */
export function definePlugin(factory: PluginFactory): PluginFactory {
  return factory;
}

/**
 * Validates plugins, then registers them into `container` (a root container) in dependency
 * order. Codes: `TFSCALE_E_PLUGIN_INVALID`, `_DUPLICATE`, `_SDK_MISMATCH`, `_MISSING_DEPENDENCY`,
 * `_DEPENDENCY_CYCLE`, `_REGISTER_FAILED`.
 *
 * @example
 * ```ts
 * const root = createRootContainer();
 * await loadPlugins([helloPlugin, { plugin: importPlugin(d), source: d.packageName }], root);
 * root.resolve(CallbackRegistryToken).has('hello'); // true
 * ```
 */
export async function loadPlugins(
  plugins: Iterable<PluginInput>,
  container: DependencyContainer,
  sdkVersion: string = container.resolve(SdkVersionToken),
  options: LoadPluginsOptions = {},
): Promise<LoadPluginsResult> {
  const refused: RefusedPlugin[] = [];
  const sources = new Map<string, string>();
  const fail = (name: string, error: TfscaleError, source = sources.get(name) ?? name): void => {
    if (options.onError !== 'collect') throw error;
    refused.push({ name, source, error });
  };
  const loadedBefore = container.resolve(PluginRegistryToken);
  const accepted = new Map<string, TfscalePlugin>();

  for (const [index, input] of [...plugins].entries()) {
    let plugin: TfscalePlugin;
    try {
      plugin = validatePlugin(input, index);
    } catch (err) {
      fail(labelOf(input, index), err as TfscaleError, sourceOf(input, index));
      continue;
    }
    const { name } = plugin.meta;
    const source = sourceOf(input, index);
    if (accepted.has(name) || loadedBefore.has(name)) {
      const where = accepted.has(name) ? `${sources.get(name)} and ${source}` : `an earlier load and ${source}`;
      fail(
        name,
        new TfscaleError('TFSCALE_E_PLUGIN_DUPLICATE', `Plugin "${name}" is loaded twice (from ${where}).`, {
          hint: `Two installed packages provide it: keep one (\`npm ls ${name}\` shows where they come from).`,
          plugin: name,
        }),
        source,
      );
      continue;
    }
    if (!satisfies(sdkVersion, plugin.meta.sdk, { includePrerelease: true })) {
      const from = source === name ? '' : ` (from ${source})`;
      fail(
        name,
        new TfscaleError(
          'TFSCALE_E_PLUGIN_SDK_MISMATCH',
          `Plugin "${name}" ${plugin.meta.version}${from} requires @tfscale/sdk ${plugin.meta.sdk}, but this is @tfscale/sdk ${sdkVersion}.`,
          {
            hint: `Upgrade one of them: install a "${name}" release built for @tfscale/sdk ${sdkVersion}, or an @tfscale/sdk that satisfies ${plugin.meta.sdk}.`,
            plugin: name,
          },
        ),
        source,
      );
      continue;
    }
    accepted.set(name, plugin);
    sources.set(name, source);
  }

  const order = orderByDependencies(accepted, (name) => loadedBefore.has(name), refused, fail);
  const loaded: PluginMeta[] = [];
  const failed = new Set<string>();
  for (const plugin of order) {
    const blocker = (plugin.meta.dependsOn ?? []).find((dep) => failed.has(dep));
    if (blocker) {
      failed.add(plugin.meta.name);
      fail(plugin.meta.name, missingDependency(plugin.meta.name, blocker, 'failed to register'));
      continue;
    }
    try {
      await plugin.register(container, pluginContext(container, plugin.meta));
    } catch (err) {
      failed.add(plugin.meta.name);
      fail(plugin.meta.name, registerFailed(plugin.meta, err));
      continue;
    }
    loadedBefore.register(plugin.meta.name, plugin.meta, { plugin: plugin.meta.name });
    loaded.push(plugin.meta);
  }
  return { loaded, refused, sources };
}

function registerFailed(meta: PluginMeta, err: unknown): TfscaleError {
  const reason = err instanceof Error ? err.message : String(err);
  const hint =
    isTfscaleError(err) && err.hint
      ? err.hint
      : `This is a bug in "${meta.name}" ${meta.version}: report it to its maintainers, or uninstall it.`;
  return new TfscaleError('TFSCALE_E_PLUGIN_REGISTER_FAILED', `Plugin "${meta.name}" failed in register(): ${reason}`, {
    hint,
    plugin: meta.name,
    hook: 'register',
    cause: err,
  });
}

function pluginContext(container: DependencyContainer, meta: PluginMeta): PluginContext {
  const scoped = <T>(token: InjectionToken<Registry<T>>): ScopedRegistry<T> =>
    container.resolve(token).forPlugin(meta.name);
  return {
    meta,
    logger: container.isRegistered(LoggerToken, true) ? container.resolve(LoggerToken) : console,
    registries: {
      strategy: scoped(StrategyRegistryToken),
      callback: scoped(CallbackRegistryToken),
      exporter: scoped(ExporterRegistryToken),
      deployer: scoped(DeployerRegistryToken),
      backend: scoped(BackendRegistryToken),
    },
    registry: scoped,
  };
}

function sourceOf(input: PluginInput, index: number): string {
  const source = (input as Partial<PluginSource>).source;
  return typeof source === 'string' ? source : labelOf(input, index);
}

function labelOf(input: PluginInput, index: number): string {
  const source = (input as Partial<PluginSource>).source;
  if (typeof source === 'string') return source;
  const name = (input as Partial<TfscalePlugin>).meta?.name;
  return typeof name === 'string' ? name : `plugins[${index}]`;
}
