/**
 * The messages of a TF1-style SavedModel (`saved_model.pb`): SavedModel, MetaGraphDef, SaverDef,
 * SignatureDef and the GraphDef it carries. Field numbers are TensorFlow's own, checked against
 * the descriptors compiled into TensorFlow 2.21 (`*_pb2.DESCRIPTOR`) and
 * tensorflow/core/{protobuf/saved_model,protobuf/meta_graph,protobuf/saver,framework/graph,
 * framework/node_def,framework/attr_value}.proto.
 *
 * Left out (so also skipped when decoding TensorFlow-written files): MetaInfoDef.any_info and
 * stripped_op_list, MetaGraphDef.object_graph_def (TF2 object graphs), GraphDef.library and
 * debug_info, TensorInfo.composite_tensor, CollectionDef.any_list, NodeDef.experimental_type.
 * VersionDef comes from tensor-bundle-proto-text.ts; TensorProto, TensorShapeProto and DataType
 * from tensor-proto-text.ts.
 *
 * @example
 * ```ts
 * tensorflowRoot().lookupType('tensorflow.SavedModel');
 * ```
 */
export const SAVEDMODEL_PROTO_TEXT = `
syntax = "proto3";
package tensorflow;

// tensorflow/core/protobuf/saved_model.proto
message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}

// tensorflow/core/protobuf/meta_graph.proto
message MetaGraphDef {
  message MetaInfoDef {
    string meta_graph_version = 1;
    repeated string tags = 4;
    string tensorflow_version = 5;
    string tensorflow_git_version = 6;
    bool stripped_default_attrs = 7;
    map<string, string> function_aliases = 8;
  }
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  SaverDef saver_def = 3;
  map<string, CollectionDef> collection_def = 4;
  map<string, SignatureDef> signature_def = 5;
  repeated AssetFileDef asset_file_def = 6;
}

message CollectionDef {
  message NodeList {
    repeated string value = 1;
  }
  message BytesList {
    repeated bytes value = 1;
  }
  message Int64List {
    repeated int64 value = 1 [packed = true];
  }
  message FloatList {
    repeated float value = 1 [packed = true];
  }
  oneof kind {
    NodeList node_list = 1;
    BytesList bytes_list = 2;
    Int64List int64_list = 3;
    FloatList float_list = 4;
  }
}

message TensorInfo {
  message CooSparse {
    string values_tensor_name = 1;
    string indices_tensor_name = 2;
    string dense_shape_tensor_name = 3;
  }
  oneof encoding {
    string name = 1;
    CooSparse coo_sparse = 4;
  }
  DataType dtype = 2;
  TensorShapeProto tensor_shape = 3;
}

message SignatureDef {
  map<string, TensorInfo> inputs = 1;
  map<string, TensorInfo> outputs = 2;
  string method_name = 3;
  map<string, TensorProto> defaults = 4;
}

message AssetFileDef {
  TensorInfo tensor_info = 1;
  string filename = 2;
}

// tensorflow/core/protobuf/saver.proto
message SaverDef {
  enum CheckpointFormatVersion {
    LEGACY = 0;
    V1 = 1;
    V2 = 2;
  }
  string filename_tensor_name = 1;
  string save_tensor_name = 2;
  string restore_op_name = 3;
  int32 max_to_keep = 4;
  bool sharded = 5;
  float keep_checkpoint_every_n_hours = 6;
  CheckpointFormatVersion version = 7;
}

// tensorflow/core/framework/graph.proto
message GraphDef {
  repeated NodeDef node = 1;
  VersionDef versions = 4;
  int32 version = 3 [deprecated = true];
}

// tensorflow/core/framework/node_def.proto
message NodeDef {
  message ExperimentalDebugInfo {
    repeated string original_node_names = 1;
    repeated string original_func_names = 2;
  }
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
  ExperimentalDebugInfo experimental_debug_info = 6;
}

// tensorflow/core/framework/attr_value.proto
message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated DataType type = 6 [packed = true];
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
    repeated NameAttrList func = 9;
  }
  oneof value {
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    DataType type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    ListValue list = 1;
    NameAttrList func = 10;
    string placeholder = 9;
  }
}

message NameAttrList {
  string name = 1;
  map<string, AttrValue> attr = 2;
}
`;
