/**
 * The plugin object: registers the `tflite` exporter (TFLite flatbuffers, float32 or
 * dynamic-range int8) into the SDK's exporter registry.
 */
import type { PluginFactory, TfscalePlugin } from '@tfscale/sdk';
import { TfliteExporter } from './tflite-exporter';

/** Kept equal to package.json's version (a test checks). */
export const PLUGIN_VERSION = '0.1.0';

/**
 * The plugin factory the SDK's discovery loads (`"tfscale": { "plugin": "dist/index.js" }`).
 * Factory options become the exporter's defaults (`{ quantize: 'dynamic-int8' }`).
 *
 * @example
 * ```ts
 * await loadPlugins([tflitePlugin], container);
 * await exportModel(container, model, { formats: ['tflite'], base: 'models/digits' });
 * ```
 */
export const tflitePlugin: PluginFactory = (options = {}): TfscalePlugin => ({
  meta: {
    name: '@tfscale/plugin-exporter-tflite',
    version: PLUGIN_VERSION,
    sdk: '^0.1.0',
    description: 'TensorFlow Lite export: builtin-op flatbuffers, float32 or dynamic-range int8.',
  },
  register(_container, ctx) {
    ctx.registries.exporter.register(
      'tflite',
      (exporterOptions) => new TfliteExporter({ ...options, ...exporterOptions }),
      {
        description:
          'TensorFlow Lite flatbuffer (model.tflite), float32 or dynamic-range int8 (quantize: dynamic-int8)',
      },
    );
  },
});
