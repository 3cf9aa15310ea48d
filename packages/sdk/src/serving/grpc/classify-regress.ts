/**
 * PredictionService.Classify and Regress (TF Serving `classifier.cc`, `regressor.cc`): the
 * request's tf.Examples are serialized into a DT_STRING [N] tensor fed to the signature's
 * "inputs"; the "classes"/"scores" or "outputs" tensors become the typed result.
 */
import { type PredictTiming, runPredict } from '../predict-hooks';
import { ServingError, type ServingTensor, type SignatureSpec } from '../types';
import {
  DEFAULT_SIGNATURE,
  type ModelSpecMessage,
  requireModelSpec,
  responseModelSpec,
  versionSelector,
} from './model-spec';
import type { HandlerContext } from './predict';
import { servingType } from './proto-root';

const CLASSIFY = 'tensorflow/serving/classify';
const REGRESS = 'tensorflow/serving/regress';

/**
 * ClassificationRequest / RegressionRequest as protobufjs decodes them.
 * @example
 *   const req: InferenceRequestMessage = { model_spec: { name: 'm' }, input: { example_list: { examples: [] } } };
 */
export interface InferenceRequestMessage {
  model_spec?: ModelSpecMessage | null;
  input?: {
    example_list?: { examples?: unknown[] } | null;
    example_list_with_context?: { examples?: unknown[]; context?: unknown } | null;
  } | null;
}

/**
 * The examples as serialized tf.Example strings; with a context, context bytes come first, so
 * parsing merges them (TF's `InputToSerializedExampleTensor`).
 * @example
 *   serializeExamples(request.input); // Uint8Array[]
 */
export function serializeExamples(input: InferenceRequestMessage['input']): Uint8Array[] {
  const Example = servingType('tensorflow.Example');
  const encode = (e: unknown) => Example.encode(Example.fromObject(e as object)).finish();
  const list = input?.example_list?.examples ?? input?.example_list_with_context?.examples ?? [];
  if (list.length === 0) throw new ServingError('INVALID_ARGUMENT', 'Input is empty.');
  const context = input?.example_list_with_context?.context;
  const prefix = context ? encode(context) : undefined;
  return list.map((e) => (prefix ? Buffer.concat([prefix, encode(e)]) : encode(e)));
}

async function run(ctx: HandlerContext, request: InferenceRequestMessage, method: string, timing: PredictTiming) {
  const kind = method === CLASSIFY ? 'classification' : 'regression';
  const spec = requireModelSpec(request.model_spec);
  const model = spec.name ?? '';
  const { version, servable, release } = ctx.manager.acquire(model, versionSelector(spec));
  try {
    const name = spec.signature_name || DEFAULT_SIGNATURE;
    const signature = servable.signatures[name];
    if (!signature) throw new ServingError('INVALID_ARGUMENT', `No signature was found with the name: ${name}`);
    if (signature.methodName !== method) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `Expected ${kind} signature method_name to be ${method}. Was: ${signature.methodName}`,
      );
    }
    if (signature.inputs.length !== 1) throw new ServingError('INVALID_ARGUMENT', 'Expected one input Tensor.');
    if (!signature.inputs.some((t) => t.key === 'inputs')) {
      throw new ServingError('FAILED_PRECONDITION', `No ${kind} inputs found in SignatureDef: ${describe(signature)}`);
    }
    const examples = serializeExamples(request.input);
    const inputs: Record<string, ServingTensor> = {
      inputs: { dtype: 'string', shape: [examples.length], data: examples },
    };
    const api = method === CLASSIFY ? 'classify' : 'regress';
    const outputs = await runPredict(
      { model, version, signature: name, servable, inputs, api, entrypoint: 'GRPC' },
      ctx.hooks,
      timing,
    );
    return { outputs, count: examples.length, signature, modelSpec: responseModelSpec(model, name, version) };
  } finally {
    release();
  }
}

function describe(signature: SignatureSpec): string {
  return JSON.stringify({ inputs: signature.inputs.map((t) => t.key), outputs: signature.outputs.map((t) => t.key) });
}

function checkRows(t: ServingTensor, n: number, what: string): void {
  if (t.shape.length !== 2) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Expected Tensor shape: [batch_size num_classes] but got [${t.shape.join(',')}]`,
    );
  }
  if (t.shape[0] !== n) {
    throw new ServingError('INVALID_ARGUMENT', `Expected ${what} output batch size of ${n}. Got: ${t.shape[0]}`);
  }
}

/**
 * Classify: one Classifications per example, each class with label and/or score.
 * @example
 *   const { result } = await handleClassify(ctx, request);
 */
export async function handleClassify(
  ctx: HandlerContext,
  request: InferenceRequestMessage,
  timing: PredictTiming = {},
) {
  const r = await run(ctx, request, CLASSIFY, timing);
  const keys = r.signature.outputs.map((t) => t.key);
  if (keys.length !== 1 && keys.length !== 2) {
    throw new ServingError('INVALID_ARGUMENT', `Expected one or two output Tensors, found ${keys.length}`);
  }
  const classes = r.outputs.classes;
  const scores = r.outputs.scores;
  if (!classes && !scores) {
    throw new ServingError(
      'FAILED_PRECONDITION',
      `Expected classification signature outputs to contain at least one of "classes" or "scores". Signature was: ${describe(r.signature)}`,
    );
  }
  if (classes) {
    checkRows(classes, r.count, 'classes');
    if (classes.dtype !== 'string') throw new ServingError('INVALID_ARGUMENT', 'Expected classes Tensor of DT_STRING.');
  }
  if (scores) {
    checkRows(scores, r.count, 'scores');
    if (scores.dtype !== 'float32') throw new ServingError('INVALID_ARGUMENT', 'Expected scores Tensor of DT_FLOAT.');
  }
  const width = (classes ?? scores)!.shape[1]!;
  const decoder = new TextDecoder();
  const classifications = Array.from({ length: r.count }, (_, i) => ({
    classes: Array.from({ length: width }, (_, c) => ({
      ...(classes ? { label: decoder.decode((classes.data as Uint8Array[])[i * width + c]) } : {}),
      ...(scores ? { score: (scores.data as Float32Array)[i * width + c] } : {}),
    })),
  }));
  return { result: { classifications }, model_spec: r.modelSpec };
}

/**
 * Regress: one float per example from the "outputs" tensor ([N] or [N, 1]).
 * @example
 *   const { result } = await handleRegress(ctx, request);
 */
export async function handleRegress(ctx: HandlerContext, request: InferenceRequestMessage, timing: PredictTiming = {}) {
  const r = await run(ctx, request, REGRESS, timing);
  if (r.signature.outputs.length !== 1) throw new ServingError('INVALID_ARGUMENT', 'Expected one output Tensor.');
  const out = r.outputs.outputs;
  if (!out) {
    throw new ServingError(
      'FAILED_PRECONDITION',
      `No regression outputs found in SignatureDef: ${describe(r.signature)}`,
    );
  }
  if (out.dtype !== 'float32') throw new ServingError('INVALID_ARGUMENT', 'Expected output Tensor of DT_FLOAT.');
  if (!(out.shape.length === 1 || (out.shape.length === 2 && out.shape[1] === 1))) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got [${out.shape.join(',')}]`,
    );
  }
  if (out.shape[0] !== r.count) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Input batch size did not match output batch size: ${r.count} vs. ${out.shape[0]}`,
    );
  }
  const regressions = Array.from(out.data as Float32Array, (value) => ({ value }));
  return { result: { regressions }, model_spec: r.modelSpec };
}
