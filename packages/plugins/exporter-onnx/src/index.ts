/**
 * @tfscale/plugin-exporter-onnx — ONNX export of tfscale (tfjs Layers) models through the SDK's
 * graph builder, and an ONNX Runtime serving runtime for `tfscale serve`.
 * @packageDocumentation
 */
import { onnxPlugin } from './plugin';

export { LOWERERS } from './lower/index';
export { type LowerGraphOptions, lowerGraph, type SignatureTensor } from './lower-graph';
export { type Lowerer, LoweringContext } from './lowering-context';
export { modelToOnnx, ONNX_IR_VERSION, ONNX_OPSET, type OnnxExport } from './model-to-onnx';
export { ONNX_MODEL_FILE, OnnxExporter } from './onnx-exporter';
export { decodeOnnxModel, encodeOnnxModel, ONNX_DTYPE, type OnnxDType, type OnnxModel } from './onnx-proto';
export { type OnnxRuntimeOptions, OnnxServingRuntime } from './onnx-runtime';
export { type OnnxPluginOptions, onnxPlugin, PLUGIN_VERSION } from './plugin';

export default onnxPlugin;
