/**
 * Input pipelines for training: deterministic, resumable, shardable batches from arrays, tensors,
 * CSV, JSON Lines and TFRecord (tf.Example) files, and tfjs Datasets.
 * @packageDocumentation
 */
export { fromArrays, fromTensors } from './array-data';
export { type CsvOptions, csvReader, fromCsv } from './csv-data';
export { fromJsonl, type JsonlOptions, jsonlReader } from './jsonl-data';
export { permutation, SeededRandom } from './seeded-random';
export { shuffleBuffered } from './shuffle-buffer';
export {
  type TabularOptions,
  type TabularReader,
  type TabularRow,
  tabularData,
} from './tabular-data';
export type { ArrayInput, ArrayLeaf, NestedNumbers, ShapedArray, TypedArray } from './tensor-input';
export { fromTfDataset, type TfDatasetOptions } from './tfjs-dataset-data';
export {
  fromTfrecord,
  type TfRecordCompression,
  type TfrecordOptions,
  tfrecordReader,
} from './tfrecord-data';
export { expandTfRecordFiles } from './tfrecord-files';
export {
  type DataSource,
  resolveDataPath,
  type ToTrainingDataOptions,
  toTrainingData,
} from './to-training-data';
export type { Batch, EpochOptions, TensorBatch, TrainingData } from './training-data';
