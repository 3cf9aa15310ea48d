/**
 * The SDK core: container scopes and typed tokens, the generic registry and scheme router, the
 * plugin contract with discovery, and the error catalogue.
 */
export {
  addDisposable,
  createRootContainer,
  createRunContainer,
  type Disposable,
  disposeContainer,
  type RootContainerOptions,
} from './container';
export { closestMatch, editDistance } from './did-you-mean';
export { type DiscoverOptions, discoverPlugins, importPlugin, type PluginDescriptor } from './discovery';
export {
  describeValue,
  ERROR_CATALOGUE,
  type ErrorCode,
  type FormatErrorOptions,
  formatError,
  invalidValue,
  isTfscaleError,
  notImplemented,
  TfscaleError,
  type TfscaleErrorOptions,
} from './errors';
export type { FactoryContext } from './factory-context';
export { ConsoleLogger, type Logger, type LogLevel, silentLogger } from './logger';
export {
  definePlugin,
  type LoadPluginsOptions,
  type LoadPluginsResult,
  loadPlugins,
  type PluginContext,
  type PluginFactory,
  type PluginInput,
  type PluginMeta,
  type PluginRegistries,
  type PluginSource,
  type RefusedPlugin,
  type TfscalePlugin,
} from './plugin';
export { validatePlugin } from './plugin-shape';
export { type RegisterOptions, Registry, type RegistryEntry, type ScopedRegistry } from './registry';
export { normalizeScheme, parseScheme, requireScheme, type SchemeRoute, SchemeRouter } from './scheme-router';
export {
  BackendRegistryToken,
  CallbackRegistryToken,
  createToken,
  DeployerRegistryToken,
  ExporterRegistryToken,
  LoggerToken,
  ModelLoaderRegistryToken,
  PluginRegistryToken,
  SdkVersionToken,
  StrategyRegistryToken,
} from './tokens';
export { SDK_VERSION } from './version';
