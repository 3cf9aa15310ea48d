/**
 * The model server: the shared contract (types), the model manager and its config, and the
 * runtimes that load model versions; the REST front end (TF Serving /v1 + KServe V2) and the
 * gRPC one; `startModelServer` wires them all.
 * @packageDocumentation
 */

export { ServingRuntimeRegistryToken } from '../core/tokens';
export { Batcher, type BatcherStats } from './batcher';
export { batchRows, concatRows, rowShapeKey, rowSize, sliceRows } from './batcher/batch-tensors';
export {
  BATCHING_PARAMETERS_SCHEMA,
  type BatchingOptions,
  defaultBatchingOptions,
  parseBatchingParameters,
  readBatchingParameters,
  roundToAllowedBatchSize,
  validateBatchingOptions,
} from './batcher/batching-parameters';
export {
  handleClassify,
  handleRegress,
  type InferenceRequestMessage,
  serializeExamples,
} from './grpc/classify-regress';
export {
  type GrpcChannelArguments,
  type GrpcServerOptions,
  type GrpcServing,
  MAX_MESSAGE_BYTES,
  startGrpcServer,
} from './grpc/grpc-server';
export { errorCode, toGrpcStatus } from './grpc/grpc-status';
export { handleGetModelStatus, handleReloadConfig, type ReloadableModelManager } from './grpc/model-service';
export {
  DEFAULT_SIGNATURE,
  type ModelSpecMessage,
  requireModelSpec,
  responseModelSpec,
  versionSelector,
} from './grpc/model-spec';
export {
  type HandlerContext,
  handleGetModelMetadata,
  handlePredict,
  type MetadataRequestMessage,
  type PredictRequestMessage,
} from './grpc/predict';
export { SERVING_PROTO_FILES, servingProtosDir, servingRoot, servingType } from './grpc/proto-root';
export { packSignatureDefMap, SIGNATURE_DEF_MAP_URL, signatureDefMessage } from './grpc/signature-def';
export { decodeTensorContent, ELEMENT_BYTES, encodeTensorContent } from './grpc/tensor-content';
export {
  DATA_TYPE,
  decodeTensorProto,
  encodeTensorProto,
  type LongLike,
  type TensorProtoMessage,
  tfTypeName,
  toBigInt,
  toNumber,
} from './grpc/tensor-proto';
export { BodyError, readBody } from './http-body';
export { ModelHttpServer, type ModelHttpServerOptions, type RouteHandler, startHttpServer } from './http-server';
export { PROMETHEUS_PATH, ServingMetrics } from './metrics';
export {
  exponentialBuckets,
  formatDouble,
  type HistogramMetric,
  MetricsRegistry,
  prometheusName,
  type ScalarMetric,
} from './metrics-registry';
export {
  MODEL_SERVER_CONFIG_SCHEMA,
  type ModelConfig,
  type ModelServerConfig,
  parseModelServerConfig,
  readModelConfigFile,
  type ServableVersionPolicy,
  singleModelConfig,
} from './model-config';
export {
  parseTextProto,
  type TextFieldSchema,
  type TextMessageSchema,
  TextProtoSyntaxError,
} from './model-config-text';
export { checkModelName, type ValidModelConfig, validateModelServerConfig } from './model-config-validate';
export { ModelEntry, type ModelEntryHost } from './model-entry';
export { computeLabelMap, type LabelMap, versionForLabel } from './model-labels';
export { FileSystemModelManager, type ModelManagerOptions } from './model-manager';
export { type ModelServerOptions, type RunningModelServer, startModelServer } from './model-server';
export { VersionSlot } from './model-version-slot';
export {
  aspiredVersions,
  nextVersionAction,
  scanVersions,
  type VersionScan,
  type VersionSnapshot,
} from './model-versions';
export { syntheticInputs, WARMUP_FILE, type WarmupResult, warmUpServable } from './model-warmup';
export { predictionLogType, readWarmupFile, type WarmupRequest } from './model-warmup-file';
export {
  type PredictCall,
  type PredictHooks,
  type PredictOutputs,
  type PredictTiming,
  type PredictWrapper,
  type RequestEvent,
  type RequestObserver,
  runPredict,
  type ServingApi,
} from './predict-hooks';
export {
  MONITORING_CONFIG_SCHEMA,
  type MonitoringConfig,
  parseMonitoringConfig,
  prometheusHandler,
  readMonitoringConfig,
} from './prometheus-config';
export {
  classifyExamples,
  type ExampleCallTarget,
  regressExamples,
  signatureDebugString,
} from './rest/classify-regress';
export { DTYPES, type DTypeNames, dtypeFromV2, floatToHalf, halfToFloat } from './rest/dtypes';
export { type ExampleFeature, encodeExample, examplesFromJson } from './rest/example-json';
export { asServingError, errorJson, httpStatusFor } from './rest/http-status';
export { formatFloat32, formatFloat64, formatG, formatShortestDouble } from './rest/json-number';
export { parseJson } from './rest/json-reader';
export { fillPredictInputs, type JsonPredictFormat, readRequestObject, type TensorLimits } from './rest/json-tensor';
export { makeJsonFromTensors } from './rest/json-tensor-output';
export {
  JsonNumber,
  JsonObject,
  type JsonValue,
  NUM_DOUBLE,
  NUM_INT,
  NUM_INT64_NEG,
  NUM_INT64_POS,
  NUM_UINT,
  NUM_UINT64,
  NumArray,
} from './rest/json-value';
export { JsonWriter, jsonValueToString } from './rest/json-writer';
export { KServeV2Api, type KServeV2Options } from './rest/kserve-v2';
export { modelMetadataJson, modelStatusJson, protoJsonText } from './rest/model-status-json';
export { type RestReply, restError, TfServingRestApi, type TfServingRestOptions } from './rest/tf-serving-rest';
export type { RunPlacement } from './runtimes/addon-session';
export { type NativeFeed, NativeSession, nativeBinding } from './runtimes/native-session';
export {
  fromNative,
  type NativeAttr,
  type NativeBinding,
  type NativeTensorInfo,
  toNative,
} from './runtimes/native-tensors';
export { checkPredictRequest } from './runtimes/predict-checks';
export { registerBuiltinRuntimes, selectRuntime, servingRuntimeRegistry } from './runtimes/runtime-registry';
export { SavedModelRuntime, type SavedModelRuntimeOptions } from './runtimes/savedmodel-runtime';
export { readSignatures, type SavedModelSignatures } from './runtimes/savedmodel-signatures';
export {
  dtName,
  dtypeFromCode,
  dtypeFromDtName,
  elementCount,
  SERVING_DTYPES,
  zeroTensor,
} from './runtimes/tf-dtypes';
export { TfjsRuntime } from './runtimes/tfjs-runtime';
export { fromTfTensor, toTfTensor } from './runtimes/tfjs-tensors';
export { parseTextConfig, wrapper } from './text-config';
export {
  type ModelManager,
  type ModelManagerEvents,
  type ModelVersionEvent,
  type ModelVersionState,
  type ModelVersionStatus,
  type Servable,
  type ServingDType,
  ServingError,
  type ServingErrorCode,
  type ServingRuntime,
  type ServingTensor,
  type SignatureSpec,
  type TensorSpec,
  type VersionSelector,
  type WarmupEvent,
} from './types';
