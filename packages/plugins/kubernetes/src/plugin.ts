/**
 * The plugin object. Training manifests have no SDK registry yet, so `register` adds nothing:
 * the generators are plain exports of this package. Deployers (Deployment + Service, KServe
 * InferenceService for serving) will register into the deployer registry when the deployers
 * issue lands.
 */
import type { PluginFactory, TfscalePlugin } from '@tfscale/sdk';

/** Kept equal to package.json's version (a test checks). */
export const PLUGIN_VERSION = '0.1.0';

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
    description: 'Kubernetes manifests: Kubeflow TFJob and Indexed Job training (deployers to come).',
  },
  register() {
    // Nothing to register yet: see the file comment.
  },
});
