import type { Registry } from '../core/registry';
import { type ParameterServerOptions, ParameterServerStrategy } from './parameter-server/parameter-server-strategy';
import { CollectiveStrategy, type CollectiveStrategyOptions } from './strategies/collective-strategy';
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
  registry.register('mirrored', (options) => new CollectiveStrategy('mirrored', options as CollectiveStrategyOptions), {
    description: 'synchronous replicas on one machine, one process each (tfscale launch --replicas N)',
  });
  registry.register(
    'multi-worker-mirrored',
    (options) => new CollectiveStrategy('multi-worker-mirrored', options as CollectiveStrategyOptions),
    {
      description:
        'synchronous workers across hosts; cluster from TF_CONFIG, Kubernetes Indexed Job/JobSet or TFSCALE_CLUSTER',
    },
  );
  registry.register('parameter-server', (options) => new ParameterServerStrategy(options as ParameterServerOptions), {
    description: 'asynchronous: chief coordinates, ps tasks hold the variables, workers compute gradients (TF_CONFIG)',
  });
}
