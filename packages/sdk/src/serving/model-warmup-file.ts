/**
 * TF Serving's warmup file, `assets.extra/tf_serving_warmup_requests`: a TFRecord of
 * `tensorflow.serving.PredictionLog` (the shipped `tensorflow_serving/apis/prediction_log.proto`;
 * read as in `servables/tensorflow/saved_model_warmup_util.cc`). Tensors and tf.Examples go
 * through the gRPC front end's readers, so a warmup request reads as the same gRPC call would.
 */
import type { Type } from 'protobufjs';
import { loadProtoRoot } from '../formats/proto/protos-dir';
import { readTfRecordFile } from '../formats/tfrecord';
import { type InferenceRequestMessage, serializeExamples } from './grpc/classify-regress';
import type { ModelSpecMessage } from './grpc/model-spec';
import { decodeTensorProto, type TensorProtoMessage } from './grpc/tensor-proto';
import { ServingError, type ServingTensor } from './types';

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
 * The `tensorflow.serving.PredictionLog` message type, field names as in the .proto (tests use it
 * to write warmup files).
 * @example
 *   const bytes = predictionLogType().encode({ predict_log: { request: { inputs } } }).finish();
 */
export function predictionLogType(): Type {
  // Its own root, parsed only for models that ship a warmup file.
  logType ??= loadProtoRoot(['tensorflow_serving/apis/prediction_log.proto'], { keepCase: true }).lookupType(
    'tensorflow.serving.PredictionLog',
  );
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

// PredictionLog.log_type field numbers (TF Serving prints them), highest first: encoders write
// fields in number order, so the highest present is the one a oneof keeps.
const LOG_CASES: Record<string, number> = {
  predict_streamed_log: 7,
  predict_log: 6,
  session_run_log: 5,
  multi_inference_log: 4,
  regress_log: 3,
  classify_log: 2,
};

interface DecodedLog {
  [field: string]: unknown;
  classify_log?: { request?: InferenceRequestMessage };
  regress_log?: { request?: InferenceRequestMessage };
  predict_log?: {
    request?: {
      model_spec?: ModelSpecMessage;
      inputs?: Record<string, TensorProtoMessage>;
      output_filter?: string[];
    };
  };
}

function toRequest(log: DecodedLog): WarmupRequest {
  const kindCase = Object.keys(LOG_CASES).find((f) => log[f] !== undefined);
  if (kindCase === 'predict_log') {
    const request = log.predict_log?.request ?? {};
    const inputs: Record<string, ServingTensor> = {};
    for (const [key, proto] of Object.entries(request.inputs ?? {})) inputs[key] = owned(decodeTensorProto(proto, key));
    return {
      kind: 'predict',
      signature: request.model_spec?.signature_name || 'serving_default',
      inputs,
      outputFilter: request.output_filter ?? [],
    };
  }
  if (kindCase === 'classify_log' || kindCase === 'regress_log') {
    const request = log[kindCase]?.request ?? {};
    return {
      kind: kindCase === 'classify_log' ? 'classify' : 'regress',
      signature: request.model_spec?.signature_name || 'serving_default',
      examples: serializeExamples(request.input),
    };
  }
  throw new ServingError('UNIMPLEMENTED', `Unsupported log_type for warmup: ${kindCase ? LOG_CASES[kindCase] : 0}`);
}

/** String tensors as owned copies, not views into the record they were read from. */
function owned(t: ServingTensor): ServingTensor {
  return t.dtype === 'string' ? { ...t, data: (t.data as Uint8Array[]).map((b) => new Uint8Array(b)) } : t;
}
