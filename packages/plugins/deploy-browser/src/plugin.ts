/**
 * The plugin object: registers the `browser` deployer.
 */
import type { PluginFactory, TfscalePlugin } from '@tfscale/sdk';
import { browserDeployerFactory } from './browser-deployer';

/** Kept equal to package.json's version (a test checks). */
export const PLUGIN_VERSION = '0.1.0';

/**
 * The plugin factory the SDK's discovery loads (`"tfscale": { "plugin": "dist/index.js" }`).
 *
 * @example
 * ```ts
 * await loadPlugins([deployBrowserPlugin], createRootContainer());
 * ```
 */
export const deployBrowserPlugin: PluginFactory = (): TfscalePlugin => ({
  meta: {
    name: '@tfscale/plugin-deploy-browser',
    version: PLUGIN_VERSION,
    sdk: '^0.1.0',
    description: 'Deploy a TF.js export as a static page that predicts in the browser.',
  },
  register(_container, ctx) {
    ctx.registries.deployer.register('browser', browserDeployerFactory);
  },
});
