/**
 * The protobuf messages an events file holds, as `.proto` text embedded in code so that the
 * compiled package needs no data files.
 *
 * Field numbers are TensorFlow's own, checked against tensorflow/core/util/event.proto,
 * tensorflow/core/framework/{summary,tensor,tensor_shape}.proto and
 * tensorboard/compat/proto/{summary,histogram,tensor,tensor_shape}.proto, and against the
 * descriptors of the TensorFlow 2.21 Python wheel (`event_pb2`, `summary_pb2`, `tensor_pb2`).
 * Only the messages and fields we write or read are declared; protobuf skips unknown fields, so a
 * subset decodes files written by TensorFlow too.
 */

/**
 * `package tensorflow` subset: Event, Summary (+Value), SummaryMetadata (+PluginData),
 * HistogramProto, DataClass. TensorProto, TensorShapeProto and DataType come from
 * {@link TENSOR_PROTO_TEXT}; parse both into one root (see `proto-root.ts`).
 *
 * @example
 * ```ts
 * tensorflowRoot().lookupType('tensorflow.Event');
 * ```
 */
export const TENSORBOARD_PROTO_TEXT = `
syntax = "proto3";
package tensorflow;

// tensorflow/core/util/event.proto
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
    Summary summary = 5;
    bytes meta_graph_def = 9;
  }
}

// tensorflow/core/framework/summary.proto (histogram: xla/tsl/protobuf/histogram.proto)
message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  DataClass data_class = 4;
}

enum DataClass {
  DATA_CLASS_UNKNOWN = 0;
  DATA_CLASS_SCALAR = 1;
  DATA_CLASS_TENSOR = 2;
  DATA_CLASS_BLOB_SEQUENCE = 3;
}

message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    oneof value {
      float simple_value = 2;
      HistogramProto histo = 5;
      TensorProto tensor = 8;
    }
  }
  repeated Value value = 1;
}

`;
