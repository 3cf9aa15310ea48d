/**
 * Typed injection tokens for the SDK's shared services (design convention 2). Each plugin point's
 * own token (`StrategyToken`, `BackendToken`, …) sits in its contract file; the registries that
 * hold the plugin points' factories are here.
 */
import type { InjectionToken } from 'tsyringe';
import type { Backend } from '../backend/backend';
import type { CallbackFactory } from '../callbacks/callback';
import type { DeployerFactory } from '../deploy/deployer';
import type { StrategyFactory } from '../distribute/strategy';
import type { ExporterFactory } from '../export/exporter';
import type { ComponentFactory } from '../pipeline/component';
import type { ServingRuntime } from '../serving/types';
import type { ModelLoader } from '../training/model-loader';
import type { Logger } from './logger';
import type { PluginMeta } from './plugin';
import type { Registry } from './registry';

/**
 * Creates a typed symbol token. `Symbol.for` keys it globally, so a plugin that resolved its own
 * nested copy of the SDK still talks to the same registrations. `container.resolve(token)` is
 * typed by `T`.
 *
 * @example
 * ```ts
 * export const ClockToken = createToken<() => number>('Clock');
 * container.registerInstance(ClockToken, () => Date.now());
 * const now = container.resolve(ClockToken)(); // number
 * ```
 */
export function createToken<T>(id: string): InjectionToken<T> {
  return Symbol.for(`tfscale.${id}`);
}

/**
 * Registry of strategy factories (`mirrored`, `multi-worker`, …).
 *
 * @example
 * ```ts
 * const make = container.resolve(StrategyRegistryToken).get('one-device');
 * ```
 */
export const StrategyRegistryToken = createToken<Registry<StrategyFactory>>('StrategyRegistry');

/**
 * Registry of callback factories (`early-stopping`, `tensorboard`, …).
 *
 * @example
 * ```ts
 * container.resolve(CallbackRegistryToken).register('hello', () => ({ onTrainBegin: async () => {} }));
 * ```
 */
export const CallbackRegistryToken = createToken<Registry<CallbackFactory>>('CallbackRegistry');

/**
 * Registry of exporter factories, keyed by format (`tfjs`, `savedmodel`, `onnx`, …).
 *
 * @example
 * ```ts
 * container.resolve(ExporterRegistryToken).names(); // ['tfjs', 'savedmodel']
 * ```
 */
export const ExporterRegistryToken = createToken<Registry<ExporterFactory>>('ExporterRegistry');

/**
 * Registry of deployer factories, keyed by target (`local`, `kubernetes`, …).
 *
 * @example
 * ```ts
 * const deployer = await container.resolve(DeployerRegistryToken).get('local')({}, ctx);
 * ```
 */
export const DeployerRegistryToken = createToken<Registry<DeployerFactory>>('DeployerRegistry');

/**
 * Registry of backends (`native`, `native-gpu`, `wasm`, `cpu`, …). Backends are cheap descriptor
 * objects (loading happens in `activate()`), so the registry holds them directly.
 *
 * @example
 * ```ts
 * const byPriority = container.resolve(BackendRegistryToken).list().sort((a, b) => b.value.priority - a.value.priority);
 * ```
 */
export const BackendRegistryToken = createToken<Registry<Backend>>('BackendRegistry');

/**
 * Registry of model loaders for other frameworks' files (`.keras`, `.h5`), by name; see
 * `modelLoaderRegistry` in training/model-loader.ts.
 *
 * @example
 * ```ts
 * container.resolve(ModelLoaderRegistryToken).register('keras', { extensions: ['.keras', '.h5'], load });
 * ```
 */
export const ModelLoaderRegistryToken = createToken<Registry<ModelLoader>>('ModelLoaderRegistry');

/**
 * Registry of model server runtimes (`savedmodel`, `tfjs`, `onnx`, …), which claim model version
 * folders by content. Runtimes are cheap descriptors (loading happens in `load()`), so the
 * registry holds them directly.
 *
 * @example
 * ```ts
 * container.resolve(ServingRuntimeRegistryToken).register('onnx', new OnnxRuntime());
 * ```
 */
export const ServingRuntimeRegistryToken = createToken<Registry<ServingRuntime>>('ServingRuntimeRegistry');

/**
 * Registry of pipeline components by type (`ExampleGen`, …, and custom ones plugins add), each a
 * factory making nodes; `pipelineComponentRegistry(container)` fills the built-ins on first use.
 *
 * @example
 * ```ts
 * ctx.registry(PipelineComponentRegistryToken).register('CsvCleaner', CsvCleaner);
 * ```
 */
export const PipelineComponentRegistryToken = createToken<Registry<ComponentFactory>>('PipelineComponentRegistry');

/**
 * Registry of loaded plugins' metadata, filled by `loadPlugins` (lets `dependsOn` see plugins
 * loaded by an earlier call, and lets hosts list them).
 *
 * @example
 * ```ts
 * container.resolve(PluginRegistryToken).names(); // ['tfscale-plugin-hello']
 * ```
 */
export const PluginRegistryToken = createToken<Registry<PluginMeta>>('PluginRegistry');

/**
 * The host's {@link Logger}.
 *
 * @example
 * ```ts
 * container.resolve(LoggerToken).info('starting');
 * ```
 */
export const LoggerToken = createToken<Logger>('Logger');

/**
 * The running SDK's version (a semver string), checked against plugins' `meta.sdk`.
 *
 * @example
 * ```ts
 * container.resolve(SdkVersionToken); // '0.1.0'
 * ```
 */
export const SdkVersionToken = createToken<string>('SdkVersion');
