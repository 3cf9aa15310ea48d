/**
 * TF Serving's warmup file, `assets.extra/tf_serving_warmup_requests`: a TFRecord of
 * `tensorflow.serving.PredictionLog` (TFS `apis/prediction_log.proto`; read as in
 * `servables/tensorflow/saved_model_warmup_util.cc`). Decoded with a private protobufjs root
 * holding only the fields warmup needs (tf.Examples stay serialized bytes), so it shares no
 * message names with the gRPC front end's.
 */
import { parse, Root, type Type } from 'protobufjs';
import { readTfRecordFile } from '../formats/tfrecord';
import { type TensorProtoObject, tensorFromProto } from './grpc/tensor-proto';
import { ServingError, type ServingTensor } from './types';

const WARMUP_PROTO = `
syntax = "proto3";
package tfscale.warmup;
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message TensorProto {
  int32 dtype = 1; TensorShapeProto tensor_shape = 2; int32 version_number = 3; bytes tensor_content = 4;
  repeated float float_val = 5; repeated double double_val = 6; repeated int32 int_val = 7; repeated bytes string_val = 8;
  repeated int64 int64_val = 10; repeated bool bool_val = 11; repeated int32 half_val = 13;
  repeated uint32 uint32_val = 16; repeated uint64 uint64_val = 17;
}
message ModelSpec { string name = 1; string signature_name = 3; }
message PredictRequest { ModelSpec model_spec = 1; map<string, TensorProto> inputs = 2; repeated string output_filter = 3; }
message PredictLog { PredictRequest request = 1; }
message ExampleList { repeated bytes examples = 1; }
message ExampleListWithContext { repeated bytes examples = 1; bytes context = 2; }
message Input { ExampleList example_list = 1; ExampleListWithContext example_list_with_context = 2; }
message InferenceRequest { ModelSpec model_spec = 1; Input input = 2; }
message InferenceLog { InferenceRequest request = 1; }
message PredictionLog {
  bytes log_metadata = 1; InferenceLog classify_log = 2; InferenceLog regress_log = 3; bytes multi_inference_log = 4;
  bytes session_run_log = 5; PredictLog predict_log = 6; bytes predict_streamed_log = 7;
}
`;

/** TF Serving's `WarmupConsts::kMaxNumRecords`. */
const MAX_RECORDS = 1000;

/**
 * One warmup request: a predict (named tensors) or a classify/regress (serialized tf.Examples, fed
 * to the signature's one string input, as TF Serving's classifier does).
 * @example
 *   const r: WarmupRequest = { kind: 'predict', signature: 'serving_default', inputs: { x }, outputFilter: [] };
 */
export type WarmupRequest =
  | { kind: 'predict'; signature: string; inputs: Record<string, ServingTensor>; outputFilter: string[] }
  | { kind: 'classify' | 'regress'; signature: string; examples: Uint8Array[] };

let logType: Type | undefined;

/**
 * The `PredictionLog` message type of the private root (tests use it to write warmup files).
 * @example
 *   const bytes = predictionLogType().encode({ predictLog: { request: { inputs } } }).finish();
 */
export function predictionLogType(): Type {
  if (!logType) {
    const root = new Root();
    parse(WARMUP_PROTO, root, { keepCase: false });
    logType = root.lookupType('tfscale.warmup.PredictionLog');
  }
  return logType;
}

/**
 * Reads every request of a warmup file. Throws ServingError with TF Serving's messages:
 * INVALID_ARGUMENT for an unparsable record or more than 1000 records, UNIMPLEMENTED for log
 * types warmup does not run (multi-inference, session-run, streamed predict).
 * @example
 *   for (const r of await readWarmupFile(`${dir}/assets.extra/tf_serving_warmup_requests`)) await run(r);
 */
export async function readWarmupFile(file: string): Promise<WarmupRequest[]> {
  const type = predictionLogType();
  const requests: WarmupRequest[] = [];
  try {
    for await (const record of readTfRecordFile(file)) {
      if (requests.length >= MAX_RECORDS) {
        throw new ServingError(
          'INVALID_ARGUMENT',
          `Number of warmup records exceeds the maximum (${MAX_RECORDS}) at ${file}`,
        );
      }
      let log: DecodedLog;
      try {
        log = type.toObject(type.decode(record), { longs: String, bytes: Buffer, defaults: false }) as DecodedLog;
      } catch {
        throw new ServingError(
          'INVALID_ARGUMENT',
          `Failed to parse warmup record: ${record.toString('latin1')} from ${file}`,
        );
      }
      requests.push(toRequest(log));
    }
  } catch (err) {
    if (err instanceof ServingError) throw err;
    throw new ServingError(
      'DATA_LOSS',
      `${(err as Error).message}. Please verify your warmup data is in TFRecord format.`,
    );
  }
  return requests;
}

const LOG_FIELDS = [
  'logMetadata',
  'classifyLog',
  'regressLog',
  'multiInferenceLog',
  'sessionRunLog',
  'predictLog',
  'predictStreamedLog',
];

interface DecodedInference {
  request?: {
    modelSpec?: { signatureName?: string };
    input?: {
      exampleList?: { examples?: Uint8Array[] };
      exampleListWithContext?: { examples?: Uint8Array[]; context?: Uint8Array };
    };
  };
}

interface DecodedLog {
  [field: string]: unknown;
  classifyLog?: DecodedInference;
  regressLog?: DecodedInference;
  predictLog?: {
    request?: {
      modelSpec?: { signatureName?: string };
      inputs?: Record<string, TensorProtoObject>;
      outputFilter?: string[];
    };
  };
}

function toRequest(log: DecodedLog): WarmupRequest {
  const present = LOG_FIELDS.map((f, i) => (f !== 'logMetadata' && log[f] !== undefined ? i + 1 : 0)).filter(Boolean);
  const kindCase = present.at(-1) ?? 0;
  if (kindCase === 6) {
    const request = log.predictLog?.request ?? {};
    const inputs: Record<string, ServingTensor> = {};
    for (const [key, proto] of Object.entries(request.inputs ?? {})) inputs[key] = tensorFromProto(proto, key);
    return {
      kind: 'predict',
      signature: request.modelSpec?.signatureName || 'serving_default',
      inputs,
      outputFilter: request.outputFilter ?? [],
    };
  }
  if (kindCase === 2 || kindCase === 3) {
    const request = (kindCase === 2 ? log.classifyLog : log.regressLog)?.request ?? {};
    const input = request.input ?? {};
    const withContext = input.exampleListWithContext;
    const context: Uint8Array = withContext?.context ?? new Uint8Array(0);
    // TF Serving concatenates the serialized context and example: parsing merges them, example fields winning.
    const examples = ((withContext ?? input.exampleList)?.examples ?? []).map((e) => Buffer.concat([context, e]));
    return {
      kind: kindCase === 2 ? 'classify' : 'regress',
      signature: request.modelSpec?.signatureName || 'serving_default',
      examples,
    };
  }
  throw new ServingError('UNIMPLEMENTED', `Unsupported log_type for warmup: ${kindCase}`);
}
