/**
 * PredictionService.Predict and GetModelMetadata with TF Serving's validation order and messages
 * (`servables/tensorflow/predict_util.cc`, `get_model_metadata_impl.cc`).
 */
import { type PredictHooks, type PredictTiming, runPredict } from '../predict-hooks';
import { checkPredictRequest } from '../runtimes/predict-checks';
import { type ModelManager, ServingError, type ServingTensor, type SignatureSpec } from '../types';
import {
  DEFAULT_SIGNATURE,
  type ModelSpecMessage,
  requireModelSpec,
  responseModelSpec,
  versionSelector,
} from './model-spec';
import { packSignatureDefMap } from './signature-def';
import { decodeTensorProto, encodeTensorProto, type TensorProtoMessage } from './tensor-proto';

/**
 * What the handlers need from the server.
 * @example
 *   const ctx: HandlerContext = { manager, hooks: { wrapPredict: batcher.wrap }, tensorContent: false };
 */
export interface HandlerContext {
  manager: ModelManager;
  hooks: PredictHooks;
  /** Write outputs as tensor_content (TF Serving's --enable_serialization_as_tensor_content). */
  tensorContent: boolean;
}

/**
 * PredictRequest as protobufjs decodes it.
 * @example
 *   const req: PredictRequestMessage = { model_spec: { name: 'm' }, inputs: { x: { dtype: 1, float_val: [1] } } };
 */
export interface PredictRequestMessage {
  model_spec?: ModelSpecMessage | null;
  inputs?: Record<string, TensorProtoMessage>;
  output_filter?: string[];
}

/**
 * Runs one Predict; resolves to a PredictResponse message object.
 * @example
 *   const response = await handlePredict(ctx, request);
 */
export async function handlePredict(
  ctx: HandlerContext,
  request: PredictRequestMessage,
  timing: PredictTiming = {},
): Promise<{ outputs: Record<string, TensorProtoMessage>; model_spec: ModelSpecMessage }> {
  const spec = requireModelSpec(request.model_spec);
  const model = spec.name ?? '';
  const { version, servable, release } = ctx.manager.acquire(model, versionSelector(spec));
  try {
    const signatureName = spec.signature_name || DEFAULT_SIGNATURE;
    const signature = Object.hasOwn(servable.signatures, signatureName)
      ? servable.signatures[signatureName]
      : undefined;
    if (!signature) {
      throw new ServingError('FAILED_PRECONDITION', `Serving signature key "${signatureName}" not found.`);
    }
    const filter = request.output_filter ?? [];
    const inputs = readInputs(signature, request.inputs ?? {});
    // The runtimes' own checks (method name, count, dtype, static shape, output filter), run
    // here too so a bad request fails alone instead of failing a whole batch.
    const aliases = checkPredictRequest(servable.signatures, signatureName, inputs, filter).outputs.map((o) => o.key);
    const filtered = filter.length > 0;
    const call = {
      model,
      version,
      signature: signatureName,
      servable,
      inputs,
      api: 'predict',
      entrypoint: 'GRPC',
    } as const;
    const outputs = await runPredict(filtered ? { ...call, outputFilter: aliases } : call, ctx.hooks, timing);
    const encoded: Record<string, TensorProtoMessage> = {};
    for (const alias of aliases) {
      const tensor = outputs[alias];
      if (!tensor) throw new ServingError('UNKNOWN', 'Predict internal error');
      encoded[alias] = encodeTensorProto(tensor, ctx.tensorContent);
    }
    return { outputs: encoded, model_spec: responseModelSpec(model, signatureName, version) };
  } finally {
    release();
  }
}

/** Decodes the request tensors after TF's input-count and alias checks (TF checks before parsing). */
function readInputs(
  signature: SignatureSpec,
  protos: Record<string, TensorProtoMessage>,
): Record<string, ServingTensor> {
  const sent = Object.keys(protos).sort();
  // Map keys are unique, so same count + every key known = the signature's set.
  const known = (k: string) => k !== '__proto__' && signature.inputs.some((t) => t.key === k);
  if (sent.length === signature.inputs.length && sent.every(known)) {
    const inputs: Record<string, ServingTensor> = {};
    for (const alias of sent) inputs[alias] = decodeTensorProto(protos[alias]!, alias);
    return inputs;
  }
  const expected = signature.inputs.map((t) => t.key).sort();
  if (sent.length !== expected.length) {
    const extra = sent.filter((k) => !expected.includes(k));
    const missing = expected.filter((k) => !sent.includes(k));
    throw new ServingError(
      'INVALID_ARGUMENT',
      `input size does not match signature: ${sent.length}!=${expected.length} len({${sent.join(',')}}) != len({${expected.join(',')}}). Sent extra: {${extra.join(',')}}. Missing but required: {${missing.join(',')}}.`,
    );
  }
  const alias = sent.find((k) => !expected.includes(k));
  if (alias !== undefined) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `input tensor alias not found in signature: ${alias}. Inputs expected to be in the set {${expected.join(',')}}.`,
    );
  }
  return Object.fromEntries(sent.map((alias) => [alias, decodeTensorProto(protos[alias]!, alias)]));
}

/**
 * GetModelMetadataRequest as protobufjs decodes it.
 * @example
 *   const req: MetadataRequestMessage = { model_spec: { name: 'm' }, metadata_field: ['signature_def'] };
 */
export interface MetadataRequestMessage {
  model_spec?: ModelSpecMessage | null;
  metadata_field?: string[];
}

/**
 * GetModelMetadata: metadata["signature_def"] = Any(SignatureDefMap).
 * @example
 *   const response = handleGetModelMetadata(ctx, { model_spec: { name: 'm' }, metadata_field: ['signature_def'] });
 */
export function handleGetModelMetadata(
  ctx: Pick<HandlerContext, 'manager'>,
  request: MetadataRequestMessage,
): { model_spec: ModelSpecMessage; metadata: Record<string, { type_url: string; value: Uint8Array }> } {
  const spec = requireModelSpec(request.model_spec);
  const fields = request.metadata_field ?? [];
  if (fields.length === 0) {
    throw new ServingError('INVALID_ARGUMENT', 'GetModelMetadataRequest must specify at least one metadata_field');
  }
  for (const field of fields) {
    // TF builds this with StrCat, so its "%s" stays literal and the name is appended.
    if (field !== 'signature_def')
      throw new ServingError('INVALID_ARGUMENT', `Metadata field %s is not supported${field}`);
  }
  const { version, servable, release } = ctx.manager.acquire(spec.name ?? '', versionSelector(spec));
  try {
    return {
      model_spec: responseModelSpec(spec.name ?? '', undefined, version),
      metadata: { signature_def: packSignatureDefMap(servable.signatures) },
    };
  } finally {
    release();
  }
}
