/**
 * Model loaders: how a model file of another framework's format (`.keras`, `.h5`, …) becomes a
 * tfjs LayersModel for training and export. Plugins register them; run files and
 * `tfscale export` pick one by the file's extension.
 */
import type { DependencyContainer } from 'tsyringe';
import { TfscaleError } from '../core/errors';
import { Registry } from '../core/registry';
import { ModelLoaderRegistryToken } from '../core/tokens';

/**
 * Loads model files with the given extensions.
 * @example
 *   const keras: ModelLoader = { extensions: ['.keras', '.h5'], load: (file) => loadKerasModel(file) };
 */
export interface ModelLoader {
  /** Lower-case file extensions with the dot, e.g. `['.keras', '.h5']`. */
  readonly extensions: readonly string[];
  /** Resolves to a tfjs `LayersModel` (typed `unknown` so this contract does not load tfjs). */
  load(file: string): Promise<unknown>;
}

/** First-party plugins that bring a loader, for the "not installed" hint. */
const LOADER_PLUGINS: Readonly<Record<string, string>> = {
  '.keras': '@tfscale/plugin-keras',
  '.h5': '@tfscale/plugin-keras',
  '.hdf5': '@tfscale/plugin-keras',
};

/**
 * The container's model loader registry, created on first use.
 * @example
 *   modelLoaderRegistry(container).register('keras', { extensions: ['.keras'], load });
 */
export function modelLoaderRegistry(container: DependencyContainer): Registry<ModelLoader> {
  if (!container.isRegistered(ModelLoaderRegistryToken, true))
    container.registerInstance(ModelLoaderRegistryToken, new Registry<ModelLoader>('model loader'));
  return container.resolve(ModelLoaderRegistryToken);
}

/**
 * The loader for `file` by its extension; undefined for folders and `model.json` (TF.js, built in).
 * Throws naming the plugin to install when a known format has no loader.
 * @example
 *   const loader = loaderFor(modelLoaderRegistry(container).list().map((e) => e.value), 'model.keras');
 */
export function loaderFor(loaders: readonly ModelLoader[], file: string): ModelLoader | undefined {
  const m = /(\.[A-Za-z0-9]+)$/.exec(file);
  const ext = m?.[1]?.toLowerCase();
  if (!ext || ext === '.json') return undefined;
  const loader = loaders.find((l) => l.extensions.includes(ext));
  if (loader) return loader;
  const plugin = LOADER_PLUGINS[ext];
  if (!plugin) return undefined;
  throw new TfscaleError('TFSCALE_E_REGISTRY_UNKNOWN', `No model loader for ${ext} files is installed.`, {
    hint: `npm install ${plugin} (tfscale finds installed plugins by itself)`,
  });
}
