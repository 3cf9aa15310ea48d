/**
 * The plugin object: registers the `kubernetes` deployer (serving manifests for tfscale's
 * server, TensorFlow Serving or KServe). Training manifests have no SDK registry, so their
 * generators are plain exports of this package.
 */
import type { PluginFactory, TfscalePlugin } from '@tfscale/sdk';
import { kubernetesDeployerFactory } from './kubernetes-deployer';
import { PLUGIN_VERSION } from './plugin-version';

export { PLUGIN_VERSION };

/**
 * The plugin factory the SDK's discovery loads (`"tfscale": { "plugin": "dist/index.js" }`).
 *
 * @example
 * ```ts
 * await loadPlugins([kubernetesPlugin], createRootContainer());
 * ```
 */
export const kubernetesPlugin: PluginFactory = (): TfscalePlugin => ({
  meta: {
    name: '@tfscale/plugin-kubernetes',
    version: PLUGIN_VERSION,
    sdk: '^0.1.0',
    description:
      'Kubernetes: serving (Deployment + Service, TF Serving, KServe) and TFJob / Indexed Job training manifests.',
  },
  register(_container, ctx) {
    ctx.registries.deployer.register('kubernetes', kubernetesDeployerFactory);
  },
});
