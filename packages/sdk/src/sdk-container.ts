import type { DependencyContainer } from 'tsyringe';
import { registerBuiltinBackends } from './backend/select-backend';
import { registerBuiltinCallbacks } from './callbacks/builtin-callbacks';
import { createRootContainer, type RootContainerOptions } from './core/container';
import { BackendRegistryToken, CallbackRegistryToken } from './core/tokens';

/**
 * A root container with the SDK's first-party entries registered (backends and callbacks now;
 * strategies, exporters and deployers as they land). Plugins are loaded separately, explicitly.
 * @example
 *   const container = createSdkContainer();
 *   const { tf } = await selectBackend(container.resolve(BackendRegistryToken));
 */
export function createSdkContainer(options: RootContainerOptions = {}): DependencyContainer {
  const container = createRootContainer(options);
  registerBuiltinBackends(container.resolve(BackendRegistryToken));
  registerBuiltinCallbacks(container.resolve(CallbackRegistryToken));
  return container;
}
