/**
 * The plugin object: registers the `keras` exporter, so `tfscale export --format keras` writes
 * `<base>/keras/<version>/model.keras`. Importing (`loadKerasModel`) is a plain export of this
 * package: the SDK has no model-loader registry yet.
 */
import { modelLoaderRegistry, type PluginFactory, type TfscalePlugin } from '@tfscale/sdk';
import { KerasExporter } from './keras-exporter';
import { loadKerasModel } from './load-keras-model';

/**
 * Kept equal to package.json's version (a test checks).
 *
 * @example
 * ```ts
 * meta.version === PLUGIN_VERSION;
 * ```
 */
export const PLUGIN_VERSION = '0.1.0';

/**
 * The plugin factory the SDK's discovery loads (`"tfscale": { "plugin": "dist/index.js" }`).
 *
 * @example
 * ```ts
 * await loadPlugins([kerasPlugin], createRootContainer());
 * ```
 */
export const kerasPlugin: PluginFactory = (): TfscalePlugin => ({
  meta: {
    name: '@tfscale/plugin-keras',
    version: PLUGIN_VERSION,
    sdk: '^0.1.0',
    description: 'Keras 3 .keras export, and .keras / legacy .h5 import (loadKerasModel).',
  },
  register(container, ctx) {
    ctx.registries.exporter.register('keras', () => new KerasExporter(), {
      description: 'Keras 3 .keras archive (config.json + model.weights.h5) that keras.saving.load_model loads',
    });
    // Run files (`model: { path: 'x.keras' }`) and `tfscale export x.h5` load through this.
    modelLoaderRegistry(container).register(
      'keras',
      { extensions: ['.keras', '.h5', '.hdf5'], load: (file) => loadKerasModel(file) },
      { description: 'Keras 3 .keras archives and legacy Keras .h5 models' },
    );
  },
});
