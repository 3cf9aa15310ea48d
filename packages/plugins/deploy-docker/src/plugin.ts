/**
 * The plugin object: registers the `docker` deployer target.
 */
import type { PluginFactory, TfscalePlugin } from '@tfscale/sdk';
import { dockerDeployerFactory } from './docker-deployer';

/** Kept equal to package.json's version (a test checks). */
export const PLUGIN_VERSION = '0.1.0';

/**
 * The plugin factory the SDK's discovery loads (`"tfscale": { "plugin": "dist/index.js" }`).
 *
 * @example
 * ```ts
 * await loadPlugins([deployDockerPlugin], container); // then: tfscale deploy --target docker
 * ```
 */
export const deployDockerPlugin: PluginFactory = (): TfscalePlugin => ({
  meta: {
    name: '@tfscale/plugin-deploy-docker',
    version: PLUGIN_VERSION,
    sdk: '^0.1.0',
    description: 'Deploy a SavedModel in the TensorFlow Serving container (docker run tensorflow/serving).',
  },
  register(_container, ctx) {
    ctx.registries.deployer.register('docker', dockerDeployerFactory);
  },
});
