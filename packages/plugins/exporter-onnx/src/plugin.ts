/**
 * The plugin object: registers the `onnx` exporter and the `onnx` serving runtime.
 */
import {
  type PluginFactory,
  ServingRuntimeRegistryToken,
  servingRuntimeRegistry,
  type TfscalePlugin,
} from '@tfscale/sdk';
import { OnnxExporter } from './onnx-exporter';
import { OnnxServingRuntime } from './onnx-runtime';

/** Kept equal to package.json's version (a test checks). */
export const PLUGIN_VERSION = '0.1.0';

/**
 * Options of {@link onnxPlugin}.
 *
 * @example
 * ```ts
 * await loadPlugins([onnxPlugin({ intraOpNumThreads: 2 })], container);
 * ```
 */
export interface OnnxPluginOptions {
  /** Threads per predict call of the serving runtime (default 1, or `TFSCALE_ONNX_INTRA_OP_THREADS`). */
  readonly intraOpNumThreads?: number;
}

/**
 * The plugin factory the SDK's discovery loads (`"tfscale": { "plugin": "dist/index.js" }`).
 *
 * @example
 * ```ts
 * await loadPlugins([onnxPlugin], createSdkContainer());
 * await exportModel(container, model, { formats: ['onnx'], base: 'models/digits' });
 * ```
 */
export const onnxPlugin: PluginFactory = (options = {}): TfscalePlugin => {
  const { intraOpNumThreads } = options as OnnxPluginOptions;
  return {
    meta: {
      name: '@tfscale/plugin-exporter-onnx',
      version: PLUGIN_VERSION,
      sdk: '^0.1.0',
      description: 'ONNX export (opset 17) and an ONNX Runtime serving runtime.',
    },
    register(container, ctx) {
      ctx.registries.exporter.register('onnx', () => new OnnxExporter(), {
        description: 'ONNX (opset 17) model.onnx: NHWC inputs like tfjs, dynamic batch, weights as initializers',
      });
      servingRuntimeRegistry(container);
      ctx
        .registry(ServingRuntimeRegistryToken)
        .register('onnx', new OnnxServingRuntime(intraOpNumThreads === undefined ? {} : { intraOpNumThreads }), {
          description: 'model.onnx run by ONNX Runtime (onnxruntime-node, CPU)',
        });
    },
  };
};
