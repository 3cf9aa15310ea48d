/**
 * The pipeline-component registry: component factories by type, so a plugin's custom component
 * is found by name like any exporter or strategy (and `tfscale doctor`-style listings see it).
 */
import type { DependencyContainer } from 'tsyringe';
import { Registry } from '../core/registry';
import { PipelineComponentRegistryToken } from '../core/tokens';
import type { ComponentFactory } from './component';
import { Evaluator } from './components/evaluator';
import { ExampleGen } from './components/example-gen';
import { ExampleValidator } from './components/example-validator';
import { Pusher } from './components/pusher';
import { SchemaGen } from './components/schema-gen';
import { StatisticsGen } from './components/statistics-gen';
import { Trainer } from './components/trainer';
import { Transform } from './components/transform';

/** The standard components, by type. */
export const BUILTIN_COMPONENTS: Record<string, ComponentFactory> = {
  ExampleGen,
  StatisticsGen,
  SchemaGen,
  ExampleValidator,
  Transform,
  Trainer,
  Evaluator,
  Pusher,
};

/**
 * The container's pipeline-component registry, created with the standard components on first use.
 * @example
 *   const Custom = pipelineComponentRegistry(container).get('CsvCleaner');
 *   const node = Custom({ examples: gen.outputs.examples }, { dropEmpty: true });
 */
export function pipelineComponentRegistry(container: DependencyContainer): Registry<ComponentFactory> {
  if (!container.isRegistered(PipelineComponentRegistryToken, true)) {
    const registry = new Registry<ComponentFactory>('pipeline component');
    for (const [name, factory] of Object.entries(BUILTIN_COMPONENTS)) {
      registry.register(name, factory, { description: `TFX ${name}` });
    }
    container.registerInstance(PipelineComponentRegistryToken, registry);
  }
  return container.resolve(PipelineComponentRegistryToken);
}
