import type { Registry } from '../core/registry';
import { type OneDeviceOptions, OneDeviceStrategy } from './strategies/one-device';
import type { StrategyFactory } from './strategy';

/**
 * Registers the SDK's strategies under TensorFlow's names (kebab-case).
 * @example
 *   registerBuiltinStrategies(container.resolve(StrategyRegistryToken));
 */
export function registerBuiltinStrategies(registry: Pick<Registry<StrategyFactory>, 'register'>): void {
  registry.register('one-device', (options) => new OneDeviceStrategy(options as OneDeviceOptions), {
    description: 'one replica on one device (cpu or gpu:N): the default',
  });
}
