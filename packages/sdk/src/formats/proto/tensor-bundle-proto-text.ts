/**
 * The messages of TensorFlow's TensorBundle checkpoint index (`*.index`: the empty key maps to a
 * BundleHeaderProto, every tensor name to a BundleEntryProto). Field numbers are TensorFlow's own
 * (tensorflow/core/protobuf/tensor_bundle.proto, tensorflow/core/framework/{versions,
 * tensor_slice}.proto). TensorShapeProto and DataType come from tensor-proto-text.ts.
 *
 * @example
 * ```ts
 * tensorflowRoot().lookupType('tensorflow.BundleEntryProto');
 * ```
 */
export const TENSOR_BUNDLE_PROTO_TEXT = `
syntax = "proto3";
package tensorflow;

// tensorflow/core/framework/versions.proto
message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
  repeated int32 bad_consumers = 3;
}

// tensorflow/core/framework/tensor_slice.proto
message TensorSliceProto {
  message Extent {
    int64 start = 1;
    oneof has_length {
      int64 length = 2;
    }
  }
  repeated Extent extent = 1;
}

// tensorflow/core/protobuf/tensor_bundle.proto
message BundleHeaderProto {
  enum Endianness {
    LITTLE = 0;
    BIG = 1;
  }
  int32 num_shards = 1;
  Endianness endianness = 2;
  VersionDef version = 3;
}

message BundleEntryProto {
  DataType dtype = 1;
  TensorShapeProto shape = 2;
  int32 shard_id = 3;
  int64 offset = 4;
  int64 size = 5;
  // crc32c::Mask()ed CRC-32C of the tensor's bytes in the data file (tensor_bundle.cc).
  fixed32 crc32c = 6;
  repeated TensorSliceProto slices = 7;
}
`;
