/**
 * TensorFlow's TensorBundle checkpoint format (a TF2 checkpoint, a SavedModel's `variables/`):
 * writer, reader and the leveldb table format underneath.
 * @packageDocumentation
 */
export {
  BUNDLE_DTYPES,
  type BundleDataByDtype,
  type BundleDtype,
  type BundleTensor,
  bundleDataPath,
  bundleIndexPath,
  dtypeFromCode,
  tfDtypeName,
} from './bundle-format';
export { type BundleIndex, type BundleIndexEntry, readTensorBundleIndex } from './bundle-index';
export { type ReadTensorBundleOptions, readTensorBundle } from './bundle-reader';
export { type BundleTensorInput, type WrittenTensorBundle, writeTensorBundle } from './bundle-writer';
export { buildTable, readTable, type TableBuildOptions, type TableEntry } from './sstable';
