/**
 * The ONNX messages the exporter writes (a subset of onnx/onnx.proto, proto2, with ONNX's own
 * field numbers), encoded by protobufjs, and the typed plain objects that build them.
 */
import { parse, Root, type Type } from 'protobufjs';

// Field numbers as in onnx/onnx.proto (checked against the descriptors of the onnx 1.23 wheel).
const ONNX_PROTO_TEXT = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
  }
  optional string name = 1;
  optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  optional string denotation = 6;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/**
 * `TensorProto.DataType` numbers by dtype name.
 *
 * @example
 * ```ts
 * ONNX_DTYPE.float32; // 1
 * ```
 */
export const ONNX_DTYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
} as const;

/**
 * A dtype name ONNX tensors here can have.
 *
 * @example
 * ```ts
 * const dtype: OnnxDType = 'int64';
 * ```
 */
export type OnnxDType = keyof typeof ONNX_DTYPE;

/**
 * `AttributeProto` as a plain object (camelCase fields).
 *
 * @example
 * ```ts
 * const a: OnnxAttribute = { name: 'axis', type: ATTR.INT, i: -1 };
 * ```
 */
export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/**
 * `AttributeProto.AttributeType` numbers.
 *
 * @example
 * ```ts
 * ATTR.INTS; // 7
 * ```
 */
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/**
 * `TensorProto`: numbers little-endian in `rawData`, strings in `stringData`.
 *
 * @example
 * ```ts
 * const t: OnnxTensor = { name: 'w', dims: [2], dataType: ONNX_DTYPE.float32, rawData: new Uint8Array(8) };
 * ```
 */
export interface OnnxTensor {
  name?: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  stringData?: Uint8Array[];
}

/**
 * `NodeProto`.
 *
 * @example
 * ```ts
 * const n: OnnxNode = { name: 'relu', opType: 'Relu', input: ['x'], output: ['y'], attribute: [] };
 * ```
 */
export interface OnnxNode {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
  domain?: string;
}

/**
 * A dimension: a size, or a symbolic name (`dimParam`) for a dynamic one.
 *
 * @example
 * ```ts
 * const batch: OnnxDim = { dimParam: 'batch' };
 * ```
 */
export type OnnxDim = { dimValue: number } | { dimParam: string };

/**
 * `ValueInfoProto` of a tensor.
 *
 * @example
 * ```ts
 * const x: OnnxValueInfo = { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }] } } } };
 * ```
 */
export interface OnnxValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape?: { dim: OnnxDim[] } } };
  docString?: string;
}

/**
 * `GraphProto`.
 *
 * @example
 * ```ts
 * const g: OnnxGraph = { name: 'm', node: [], initializer: [], input: [], output: [] };
 * ```
 */
export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  docString?: string;
}

/**
 * `ModelProto`.
 *
 * @example
 * ```ts
 * const m: OnnxModel = { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph, producerName: 'tfscale' };
 * ```
 */
export interface OnnxModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph: OnnxGraph;
  metadataProps?: { key: string; value: string }[];
}

let root: Root | undefined;

function modelType(): Type {
  if (!root) {
    root = new Root();
    parse(ONNX_PROTO_TEXT, root, { keepCase: false });
  }
  return root.lookupType('onnx.ModelProto');
}

/**
 * Serializes a model to ONNX's binary protobuf.
 *
 * @example
 * ```ts
 * fs.writeFileSync('model.onnx', encodeOnnxModel(model));
 * ```
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const Model = modelType();
  return Model.encode(Model.fromObject(model)).finish();
}

/**
 * Parses ONNX bytes back into plain objects (int64s as numbers), for tests and tools.
 *
 * @example
 * ```ts
 * decodeOnnxModel(fs.readFileSync('model.onnx')).graph.input[0].name;
 * ```
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const Model = modelType();
  return Model.toObject(Model.decode(bytes), { longs: Number, arrays: true, defaults: false }) as OnnxModel;
}
