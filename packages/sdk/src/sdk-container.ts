import type { DependencyContainer } from 'tsyringe';
import { registerBuiltinBackends } from './backend/select-backend';
import { registerBuiltinCallbacks } from './callbacks/builtin-callbacks';
import { createRootContainer, type RootContainerOptions } from './core/container';
import {
  BackendRegistryToken,
  CallbackRegistryToken,
  DeployerRegistryToken,
  ExporterRegistryToken,
  LoggerToken,
  StrategyRegistryToken,
} from './core/tokens';
import { registerBuiltinDeployers } from './deploy/local-deployer';
import { inspectPlugins } from './diagnostics/plugin-report';
import { registerBuiltinStrategies } from './distribute/builtin-strategies';
import { registerBuiltinExporters } from './export/builtin-exporters';
import { registerBuiltinRuntimes, servingRuntimeRegistry } from './serving/runtimes/runtime-registry';

/**
 * A root container with the SDK's first-party entries registered (backends, callbacks, exporters,
 * strategies, deployers). Plugins are loaded separately, explicitly.
 * @example
 *   const container = createSdkContainer();
 *   const { tf } = await selectBackend(container.resolve(BackendRegistryToken));
 */
export function createSdkContainer(options: RootContainerOptions = {}): DependencyContainer {
  const container = createRootContainer(options);
  registerBuiltinBackends(container.resolve(BackendRegistryToken));
  registerBuiltinCallbacks(container.resolve(CallbackRegistryToken));
  registerBuiltinExporters(container.resolve(ExporterRegistryToken));
  registerBuiltinStrategies(container.resolve(StrategyRegistryToken));
  registerBuiltinDeployers(container.resolve(DeployerRegistryToken));
  registerBuiltinRuntimes(servingRuntimeRegistry(container), container.resolve(LoggerToken));
  return container;
}

/**
 * {@link createSdkContainer} plus every plugin package installed where `cwd` can see it. A
 * plugin that cannot load is reported as a warning naming it and why; the others still load.
 * @example
 *   const container = await createSdkContainerWithPlugins({ cwd: process.cwd() });
 */
export async function createSdkContainerWithPlugins(
  options: RootContainerOptions & { cwd?: string } = {},
): Promise<DependencyContainer> {
  const container = createSdkContainer(options);
  const logger = container.resolve(LoggerToken);
  const report = await inspectPlugins(container, options.cwd ?? process.cwd());
  for (const p of report.found) {
    if (!p.loaded) logger.warn(`tfscale: plugin ${p.packageName}@${p.version} not loaded (${p.code}): ${p.error}`);
  }
  return container;
}
