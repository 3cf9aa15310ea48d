import type { Registry } from '../core/registry';
import type { ExporterFactory } from './exporter';
import { SavedModelExporter } from './savedmodel/savedmodel-exporter';
import { TfjsExporter } from './tfjs-exporter';

/**
 * Registers the SDK's own exporters by format name.
 * @example
 *   registerBuiltinExporters(container.resolve(ExporterRegistryToken));
 */
export function registerBuiltinExporters(registry: Pick<Registry<ExporterFactory>, 'register'>): void {
  registry.register('savedmodel', () => new SavedModelExporter(), {
    description: 'TensorFlow SavedModel (saved_model.pb + variables/) that TensorFlow and TF Serving load',
  });
  registry.register('tfjs', () => new TfjsExporter(), {
    description: 'TF.js Layers format: model.json + weight shards (tf.loadLayersModel)',
  });
}
