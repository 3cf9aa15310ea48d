/**
 * Export: the exporter contract, the built-in exporters, versioned export, and loading SavedModels.
 * @packageDocumentation
 */
export { registerBuiltinExporters } from './builtin-exporters';
export { type ExportModelOptions, type ExportModelResult, exportModel, nextVersion, versionDir } from './export-model';
export { type Exporter, type ExporterFactory, ExporterToken, type ExportOptions, type ExportResult } from './exporter';
export {
  type AttrMap,
  type AttrValueMessage,
  applyActivation,
  attrValue,
  buildModelGraph,
  type ConstValue,
  decodeConstTensor,
  FrozenGraph,
  type FrozenGraphOptions,
  type FrozenNode,
  GRAPH_DEF_PRODUCER,
  GraphBuilder,
  type GraphDefMessage,
  type GraphDType,
  type GraphShape,
  type GraphSignatureTensor,
  type GraphVariable,
  LAYER_EMITTERS,
  type LayerCall,
  type LayerEmitter,
  type ModelGraph,
  type ModelGraphOptions,
  NodeAttrs,
  type NodeDefMessage,
  OP_SPECS,
  type OpOptions,
  type OpSpec,
  parseTensorName,
  type ServingInputFn,
  SUPPORTED_ACTIVATIONS,
  type TensorName,
  type TensorRef,
  TF_DTYPE,
  tensorProto,
  tfName,
  unsupportedLayer,
} from './graph/index';
export { type LoadedSavedModel, loadSavedModel, type SignatureTensor } from './load-saved-model';
export {
  type DecodedSavedModel,
  decodeSavedModel,
  encodeSavedModel,
  nextVersionDir,
  SavedModelExporter,
  type SignatureSummary,
  type WriteSavedModelOptions,
  type WrittenSavedModel,
  writeSavedModel,
} from './savedmodel/index';
export { asLayersModel, listFiles, TfjsExporter } from './tfjs-exporter';
