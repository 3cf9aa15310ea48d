/**
 * tfjs LayersModel -> ONNX ModelProto, through the SDK's graph builder (the layer zoo the
 * SavedModel exporter writes, as a frozen graph) and {@link lowerGraph}.
 */
import { buildModelGraph, FrozenGraph, SDK_VERSION } from '@tfscale/sdk';
import { lowerGraph, type SignatureTensor } from './lower-graph';
import { encodeOnnxModel, type OnnxModel } from './onnx-proto';

/**
 * The ONNX opset the exporter targets: 17 (ONNX 1.12, 2022), which every ONNX Runtime since
 * 1.12 runs, and the last with ReduceMean/ReduceMax axes as attributes.
 *
 * @example
 * ```ts
 * model.opsetImport; // [{ domain: '', version: ONNX_OPSET }]
 * ```
 */
export const ONNX_OPSET = 17;

/**
 * The IR version that goes with {@link ONNX_OPSET} (onnx.helper.VERSION_TABLE: opset 17, IR 8).
 *
 * @example
 * ```ts
 * model.irVersion; // ONNX_IR_VERSION
 * ```
 */
export const ONNX_IR_VERSION = 8;

/**
 * What {@link modelToOnnx} made.
 *
 * @example
 * ```ts
 * const { bytes, inputs } = modelToOnnx(model); // inputs[0].key === 'dense_input'
 * ```
 */
export interface OnnxExport {
  readonly model: OnnxModel;
  readonly bytes: Uint8Array;
  readonly inputs: readonly SignatureTensor[];
  readonly outputs: readonly SignatureTensor[];
}

/**
 * A tfjs LayersModel as an ONNX model: inputs and outputs named like the SavedModel signature
 * (layer names), NHWC like tfjs, the batch dimension dynamic. Throws
 * `TFSCALE_E_EXPORT_UNSUPPORTED_LAYER` for a layer, option or op ONNX export does not support.
 *
 * @example
 * ```ts
 * fs.writeFileSync('model.onnx', modelToOnnx(model).bytes);
 * ```
 */
export function modelToOnnx(model: Parameters<typeof buildModelGraph>[0]): OnnxExport {
  const built = buildModelGraph(model, { format: 'onnx', weights: 'constants' });
  const signature = (t: (typeof built.inputs)[number]): SignatureTensor => ({
    key: t.key,
    tensor: t.tensor.name,
    dtype: t.tensor.dtype,
    shape: t.shape,
  });
  const inputs = built.inputs.map(signature);
  const outputs = built.outputs.map(signature);
  const graph = lowerGraph(FrozenGraph.from(built.graph.toGraphDef()), { inputs, outputs }, { name: model.name });
  const onnxModel: OnnxModel = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'tfscale',
    producerVersion: SDK_VERSION,
    docString: `tfscale export of the tfjs model ${model.name}`,
    graph,
  };
  return { model: onnxModel, bytes: encodeOnnxModel(onnxModel), inputs, outputs };
}
