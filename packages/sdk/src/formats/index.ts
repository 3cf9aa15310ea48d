/**
 * Wire formats we write and read: CRC-32C, TFRecord framing, TensorFlow's Event/Summary protos,
 * tf.Example records, histograms, TensorBoard event files and TensorBundle checkpoints.
 * @packageDocumentation
 */
export { crc32c, maskCrc32c, maskedCrc32c, unmaskCrc32c } from './crc32c';
export { listEventFiles, readEventFile, readEventFileSync } from './events-reader';
export { EventFileWriter, type EventFileWriterOptions, wallTimeNow } from './events-writer';
export { computeHistogram, defaultBucketLimits, type HistogramOptions } from './histogram';
export { tensorflowRoot } from './proto/proto-root';
export { loadProtoRoot, protosDir } from './proto/protos-dir';
export {
  DataType,
  decodeEvent,
  type EventMessage,
  encodeEvent,
  type HistogramMessage,
  type SummaryMetadataMessage,
  type SummaryValueMessage,
  type TensorMessage,
  type TensorShapeMessage,
} from './proto/tensorboard-messages';
export {
  BUNDLE_DTYPES,
  type BundleDataByDtype,
  type BundleDtype,
  type BundleIndex,
  type BundleIndexEntry,
  type BundleTensor,
  type BundleTensorInput,
  bundleDataPath,
  bundleIndexPath,
  type ReadTensorBundleOptions,
  readTensorBundle,
  readTensorBundleIndex,
  type WrittenTensorBundle,
  writeTensorBundle,
} from './tensor-bundle';
export { decodeTfExample, type ExampleRecord, encodeTfExample, type FeatureValue, featureValues } from './tf-example';
export {
  encodeTfRecord,
  readTfRecordFile,
  readTfRecordFileSync,
  readTfRecordStream,
  readTfRecords,
  type TfRecordReadOptions,
  TfRecordWriter,
  type TfRecordWriterOptions,
} from './tfrecord';
