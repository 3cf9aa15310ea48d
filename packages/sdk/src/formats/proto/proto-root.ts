import type { Root } from 'protobufjs';
import { loadProtoRoot } from './protos-dir';

// Event/Summary (TensorBoard), SavedModel/GraphDef and TensorBundle; their imports pull in
// TensorProto and the rest. One root so messages can refer to each other.
const FILES = [
  'tensorflow/core/util/event.proto',
  'tensorflow/core/protobuf/saved_model.proto',
  'tensorflow/core/protobuf/tensor_bundle.proto',
];

let root: Root | undefined;

/**
 * The protobufjs root holding every TensorFlow message tfscale reads or writes (field names in
 * camelCase), parsed from the shipped .proto files on first use so that importing the SDK stays
 * cheap.
 * @example
 *   const Event = tensorflowRoot().lookupType('tensorflow.Event');
 */
export function tensorflowRoot(): Root {
  root ??= loadProtoRoot(FILES, { keepCase: false });
  return root;
}
