/**
 * The graph builder: tfjs layers -> TensorFlow GraphDef, shared by the graph-based exporters.
 * @packageDocumentation
 */
export { applyActivation, SUPPORTED_ACTIVATIONS } from './activations';
export {
  type AttrMap,
  type AttrValueMessage,
  attrValue,
  type GraphDType,
  type GraphShape,
  type ListValueMessage,
  type TensorValues,
  TF_DTYPE,
  tensorProto,
} from './attrs';
export {
  type ConstValue,
  decodeConstTensor,
  FrozenGraph,
  type FrozenGraphOptions,
  type FrozenNode,
  NodeAttrs,
  parseTensorName,
  type TensorName,
} from './frozen-graph';
export {
  GRAPH_DEF_PRODUCER,
  GraphBuilder,
  type GraphDefMessage,
  type GraphVariable,
  type NodeDefMessage,
  type OpOptions,
  type TensorRef,
} from './graph-builder';
export { LAYER_EMITTERS, type LayerCall, type LayerEmitter, unsupportedLayer } from './layers/index';
export {
  buildModelGraph,
  type GraphSignatureTensor,
  type ModelGraph,
  type ModelGraphOptions,
  type ServingInputFn,
  tfName,
} from './model-graph';
export { OP_SPECS, type OpSpec } from './op-specs';
export { knownSize, reshapeKeeping } from './shape-ops';
