/**
 * Pipelines (TFX's model in TypeScript): the component contract, the standard components, the
 * metadata store with caching and lineage, the local runner and the KFP / Argo / Airflow
 * compilers. Imported as `@tfscale/sdk/pipeline`.
 * @packageDocumentation
 */

export {
  decodeTfExample,
  type ExampleRecord,
  encodeTfExample,
  type FeatureValue,
  featureValues,
} from '../formats/tf-example';
export {
  type Anomaly,
  type AnomalyKind,
  type ComparatorThresholds,
  compareStatistics,
  validateStatistics,
} from './anomalies';
export {
  COMPILE_TARGETS,
  type CompileOptions,
  type CompileTarget,
  compiledSteps,
  compilePipeline,
  taskName,
} from './compile/compile';
export {
  ARTIFACT_TYPES,
  type Artifact,
  type ArtifactType,
  type ComponentFactory,
  type ComponentSpec,
  createNode,
  defineComponent,
  type ExecutorContext,
  type NodeOptions,
  type OutputRef,
  type PipelineNode,
  type PropertyValue,
} from './component';
export { BUILTIN_COMPONENTS, pipelineComponentRegistry } from './component-registry';
export {
  Evaluator,
  type EvaluatorParams,
  evaluateModel,
  type Metrics,
  type MetricThreshold,
} from './components/evaluator';
export { ExampleGen, type ExampleGenParams } from './components/example-gen';
export { ExampleValidator, type ExampleValidatorParams, readAnomalies } from './components/example-validator';
export { Pusher, type PusherParams } from './components/pusher';
export { readSchema, type Schema, type SchemaFeature, SchemaGen, type SchemaGenParams } from './components/schema-gen';
export {
  computeSplitStatistics,
  readStatistics,
  StatisticsGen,
  type StatisticsGenParams,
} from './components/statistics-gen';
export { type ModelMeta, modelData, modelInput, streamSplit, Trainer, type TrainerParams } from './components/trainer';
export { readTransform, Transform, type TransformParams } from './components/transform';
export { readSplit, SplitWriter, splitFile, splitNames } from './examples-io';
export { fingerprint64, hashBucket } from './farmhash';
export { canonicalJson, fingerprintPath, sha256 } from './fingerprint';
export { loadPipelineFile } from './load-pipeline';
export {
  type ExecutionState,
  MetadataStore,
  type StoredArtifact,
  type StoredEvent,
  type StoredExecution,
} from './metadata-store';
export { definePipeline, type Pipeline, type PipelineOptions, upstreamIds } from './pipeline';
export {
  formatSummary,
  type NodeResult,
  type PipelineRunResult,
  type RunPipelineOptions,
  runPipeline,
} from './runner';
export { type FeatureStatistics, type SplitStatistics, StatisticsAccumulator } from './statistics';
export { statisticsHtml } from './stats-report';
export {
  applyTransform,
  type FittedFeature,
  type TransformFn,
  type TransformSpec,
  transformLabel,
} from './transform-fn';
export { rawInputDType, transformServingInput } from './transform-graph';
