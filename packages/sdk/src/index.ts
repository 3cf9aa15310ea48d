/**
 * @tfscale/sdk — train and deploy TensorFlow models at scale, from TypeScript.
 * @packageDocumentation
 */
import 'reflect-metadata';

// backend
export * from './backend';
export { BackendToken } from './backend/backend';
// callbacks
export * from './callbacks';
// config
export * from './config';
// core
export {
  addDisposable,
  BackendRegistryToken,
  CallbackRegistryToken,
  ConsoleLogger,
  closestMatch,
  createRootContainer,
  createRunContainer,
  createToken,
  DeployerRegistryToken,
  type DiscoverOptions,
  type Disposable,
  definePlugin,
  describeValue,
  discoverPlugins,
  disposeContainer,
  ERROR_CATALOGUE,
  type ErrorCode,
  ExporterRegistryToken,
  editDistance,
  type FactoryContext,
  type FormatErrorOptions,
  formatError,
  importPlugin,
  invalidValue,
  isTfscaleError,
  type LoadPluginsOptions,
  type LoadPluginsResult,
  type Logger,
  LoggerToken,
  type LogLevel,
  loadPlugins,
  normalizeScheme,
  notImplemented,
  type PluginContext,
  type PluginDescriptor,
  type PluginFactory,
  type PluginInput,
  type PluginMeta,
  type PluginRegistries,
  PluginRegistryToken,
  type PluginSource,
  parseScheme,
  type RefusedPlugin,
  type RegisterOptions,
  Registry,
  type RegistryEntry,
  type RootContainerOptions,
  requireScheme,
  type SchemeRoute,
  SchemeRouter,
  type ScopedRegistry,
  SDK_VERSION,
  SdkVersionToken,
  StrategyRegistryToken,
  silentLogger,
  TfscaleError,
  type TfscaleErrorOptions,
  type TfscalePlugin,
  validatePlugin,
} from './core';
// deploy
export * from './deploy';
// devices
export * from './devices';
// diagnostics
export * from './diagnostics';
// distribute
export * from './distribute';
// export
export * from './export';
// formats
export * from './formats';
// io
export * from './io';
export { createSdkContainer, createSdkContainerWithPlugins } from './sdk-container';
// serving
export * from './serving';
// training
export * from './training';
