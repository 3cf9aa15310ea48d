/**
 * SavedModel export: the TF1-style SavedModel writer, its exporter, and TF Serving version folders.
 * @packageDocumentation
 */
export {
  type DecodedSavedModel,
  type DecodedTensorInfo,
  decodeSavedModel,
  encodeSavedModel,
  PREDICT_METHOD_NAME,
  type SavedModelParts,
  TENSORFLOW_VERSION,
} from './saved-model-proto';
export { SavedModelExporter } from './savedmodel-exporter';
export { addSaverGraph, type SaverDefMessage } from './saver-graph';
export { nextVersionDir } from './version-dir';
export {
  type SignatureSummary,
  type WriteSavedModelOptions,
  type WrittenSavedModel,
  writeSavedModel,
} from './write-saved-model';
