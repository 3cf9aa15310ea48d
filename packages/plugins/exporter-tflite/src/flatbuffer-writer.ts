/**
 * Encodes a {@link TfliteModel} as a `.tflite` flatbuffer (schema version 3, identifier "TFL3")
 * with the `flatbuffers` Builder and hand-written table builders for the schema subset in
 * ./schema. Buffer 0 is the empty buffer every tensor without data points at; constant data
 * is 16-byte aligned (`force_align: 16` in the schema), so a runtime can map it in place.
 */
import { Builder } from 'flatbuffers';
import { operatorVersion } from './op-versions';
import { writeOptions } from './options-writer';
import {
  BUILTIN_OPERATOR,
  BUILTIN_OPTIONS,
  type BuiltinOp,
  FIELDS,
  FILE_IDENTIFIER,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  SCHEMA_VERSION,
  TENSOR_TYPE,
} from './schema';
import type { TfliteModel, TfliteSignatureTensor, TfliteTensor } from './tflite-ir';

type Offset = number;

function int32Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function float32Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function int64Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]!));
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly Offset[]): Offset {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

function buffer(b: Builder, data: Uint8Array | undefined): Offset {
  let vector = 0;
  if (data) {
    // Pad so the bytes (written back to front) start on a 16-byte boundary.
    b.prep(16, data.length);
    vector = b.createByteVector(data);
  }
  b.startObject(FIELDS.Buffer.count);
  if (data) b.addFieldOffset(FIELDS.Buffer.data, vector, 0);
  return b.endObject();
}

function tensor(b: Builder, t: TfliteTensor, bufferIndex: number): Offset {
  const F = FIELDS.Tensor;
  const shape = int32Vector(b, t.shape);
  const signature = t.signature ? int32Vector(b, t.signature) : 0;
  const name = b.createString(t.name);
  let quantization = 0;
  if (t.quantization) {
    const Q = FIELDS.QuantizationParameters;
    const scale = float32Vector(b, t.quantization.scale);
    const zeroPoint = int64Vector(b, t.quantization.zeroPoint);
    b.startObject(Q.count);
    b.addFieldOffset(Q.scale, scale, 0);
    b.addFieldOffset(Q.zeroPoint, zeroPoint, 0);
    b.addFieldInt32(Q.quantizedDimension, t.quantization.quantizedDimension, 0);
    quantization = b.endObject();
  }
  b.startObject(F.count);
  b.addFieldOffset(F.shape, shape, 0);
  b.addFieldInt8(F.type, TENSOR_TYPE[t.type], 0);
  b.addFieldInt32(F.buffer, bufferIndex, 0);
  b.addFieldOffset(F.name, name, 0);
  if (quantization) b.addFieldOffset(F.quantization, quantization, 0);
  if (signature) b.addFieldOffset(F.shapeSignature, signature, 0);
  return b.endObject();
}

function operatorCode(b: Builder, op: BuiltinOp, version: number): Offset {
  const F = FIELDS.OperatorCode;
  const code = BUILTIN_OPERATOR[op];
  b.startObject(F.count);
  b.addFieldInt8(F.deprecatedBuiltinCode, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
  b.addFieldInt32(F.version, version, 1);
  b.addFieldInt32(F.builtinCode, code, 0);
  return b.endObject();
}

function tensorMaps(b: Builder, list: readonly TfliteSignatureTensor[]): Offset {
  const F = FIELDS.TensorMap;
  const maps = list.map(({ name, tensor: index }) => {
    const s = b.createString(name);
    b.startObject(F.count);
    b.addFieldOffset(F.name, s, 0);
    b.addFieldInt32(F.tensorIndex, index, 0);
    return b.endObject();
  });
  return offsetVector(b, maps);
}

/**
 * The `.tflite` bytes of `model`. Operator codes are deduplicated by (operator, version).
 *
 * @example
 * ```ts
 * fs.writeFileSync('model.tflite', encodeTflite(model));
 * ```
 */
export function encodeTflite(model: TfliteModel): Uint8Array {
  const dataBytes = model.tensors.reduce((n, t) => n + (t.data?.length ?? 0) + 16, 0);
  const b = new Builder(Math.max(1024, dataBytes + 64 * model.tensors.length + 1024));

  // Buffers: 0 is the empty one; each constant tensor gets its own.
  const bufferIndex: number[] = [];
  const buffers: Offset[] = [buffer(b, undefined)];
  for (const t of model.tensors) {
    if (t.data) {
      bufferIndex.push(buffers.length);
      buffers.push(buffer(b, t.data));
    } else bufferIndex.push(0);
  }
  const tensors = model.tensors.map((t, i) => tensor(b, t, bufferIndex[i]!));

  const codes: { op: BuiltinOp; version: number }[] = [];
  const codeIndex = new Map<string, number>();
  const operators = model.operators.map((op) => {
    const version = operatorVersion(model, op);
    const key = `${op.op}/${version}`;
    let opcode = codeIndex.get(key);
    if (opcode === undefined) {
      opcode = codes.length;
      codes.push({ op: op.op, version });
      codeIndex.set(key, opcode);
    }
    const inputs = int32Vector(b, op.inputs);
    const outputs = int32Vector(b, op.outputs);
    const options = op.options ? writeOptions(b, op.options) : 0;
    const F = FIELDS.Operator;
    b.startObject(F.count);
    b.addFieldInt32(F.opcodeIndex, opcode, 0);
    b.addFieldOffset(F.inputs, inputs, 0);
    b.addFieldOffset(F.outputs, outputs, 0);
    if (op.options) {
      b.addFieldInt8(F.builtinOptionsType, BUILTIN_OPTIONS[op.options.type], 0);
      b.addFieldOffset(F.builtinOptions, options, 0);
    }
    return b.endObject();
  });
  const operatorCodes = codes.map((c) => operatorCode(b, c.op, c.version));

  const S = FIELDS.SubGraph;
  const sgTensors = offsetVector(b, tensors);
  const sgInputs = int32Vector(
    b,
    model.inputs.map((i) => i.tensor),
  );
  const sgOutputs = int32Vector(
    b,
    model.outputs.map((o) => o.tensor),
  );
  const sgOperators = offsetVector(b, operators);
  const sgName = b.createString('main');
  b.startObject(S.count);
  b.addFieldOffset(S.tensors, sgTensors, 0);
  b.addFieldOffset(S.inputs, sgInputs, 0);
  b.addFieldOffset(S.outputs, sgOutputs, 0);
  b.addFieldOffset(S.operators, sgOperators, 0);
  b.addFieldOffset(S.name, sgName, 0);
  const subgraph = b.endObject();

  const D = FIELDS.SignatureDef;
  const sigInputs = tensorMaps(b, model.inputs);
  const sigOutputs = tensorMaps(b, model.outputs);
  const sigKey = b.createString(model.signatureKey);
  b.startObject(D.count);
  b.addFieldOffset(D.inputs, sigInputs, 0);
  b.addFieldOffset(D.outputs, sigOutputs, 0);
  b.addFieldOffset(D.signatureKey, sigKey, 0);
  b.addFieldInt32(D.subgraphIndex, 0, 0);
  const signature = b.endObject();

  const M = FIELDS.Model;
  const codesVector = offsetVector(b, operatorCodes);
  const subgraphs = offsetVector(b, [subgraph]);
  const description = b.createString(model.description);
  const buffersVector = offsetVector(b, buffers);
  const signatures = offsetVector(b, [signature]);
  b.startObject(M.count);
  b.addFieldInt32(M.version, SCHEMA_VERSION, 0);
  b.addFieldOffset(M.operatorCodes, codesVector, 0);
  b.addFieldOffset(M.subgraphs, subgraphs, 0);
  b.addFieldOffset(M.description, description, 0);
  b.addFieldOffset(M.buffers, buffersVector, 0);
  b.addFieldOffset(M.signatureDefs, signatures, 0);
  b.finish(b.endObject(), FILE_IDENTIFIER);
  return b.asUint8Array();
}
