/**
 * TensorFlow's tensor messages, shared by every format that carries tensors (events, GraphDef,
 * SavedModel, TensorBundle). Field numbers are TensorFlow's own
 * (tensorflow/core/framework/{tensor,tensor_shape,types}.proto).
 *
 * @example
 * ```ts
 * tensorflowRoot().lookupType('tensorflow.TensorProto');
 * ```
 */
export const TENSOR_PROTO_TEXT = `
syntax = "proto3";
package tensorflow;

// tensorflow/core/framework/tensor.proto
message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13 [packed = true];
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
}

// tensorflow/core/framework/tensor_shape.proto
message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

// tensorflow/core/framework/types.proto (the values we use)
enum DataType {
  DT_INVALID = 0;
  DT_FLOAT = 1;
  DT_DOUBLE = 2;
  DT_INT32 = 3;
  DT_STRING = 7;
  DT_INT64 = 9;
  DT_BOOL = 10;
}
`;
