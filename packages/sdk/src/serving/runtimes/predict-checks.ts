/**
 * TF Serving's request checks before a session run (TFS `servables/tensorflow/predict_util.cc`
 * `RunPredict` / `PreProcessPrediction`), with its exact messages, plus the dtype, element-count
 * and static-shape checks TensorFlow makes when feeding, so every runtime refuses alike.
 */
import { ServingError, type ServingTensor, type SignatureSpec, type TensorSpec } from '../types';
import { elementCount, SERVING_DTYPES } from './tf-dtypes';

/** signature_constants: the method names TF Serving's predict accepts. */
const METHODS = ['tensorflow/serving/predict', 'tensorflow/serving/classify', 'tensorflow/serving/regress'];

/**
 * The signature and the outputs to fetch for a predict call, after TF Serving's checks.
 * @example
 *   const { spec, outputs } = checkPredictRequest(servable.signatures, 'serving_default', inputs);
 */
export function checkPredictRequest(
  signatures: Readonly<Record<string, SignatureSpec>>,
  signatureName: string,
  inputs: Readonly<Record<string, ServingTensor>>,
  outputFilter: readonly string[] = [],
): { spec: SignatureSpec; outputs: TensorSpec[] } {
  const name = signatureName === '' ? 'serving_default' : signatureName;
  const spec = Object.hasOwn(signatures, name) ? signatures[name] : undefined;
  if (!spec) throw new ServingError('FAILED_PRECONDITION', `Serving signature key "${name}" not found.`);
  if (!METHODS.includes(spec.methodName)) {
    throw new ServingError(
      'INTERNAL',
      `Expected prediction signature method_name to be one of {${METHODS.join(', ')}}. Was: ${spec.methodName}`,
    );
  }
  const sent = Object.keys(inputs).sort();
  const wanted = spec.inputs.map((i) => i.key).sort();
  if (sent.length !== wanted.length) {
    const extra = sent.filter((k) => !wanted.includes(k));
    const missing = wanted.filter((k) => !sent.includes(k));
    throw new ServingError(
      'INVALID_ARGUMENT',
      `input size does not match signature: ${sent.length}!=${wanted.length} len({${sent.join(',')}}) != ` +
        `len({${wanted.join(',')}}). Sent extra: {${extra.join(',')}}. Missing but required: {${missing.join(',')}}.`,
    );
  }
  for (const key of sent) {
    const info = spec.inputs.find((i) => i.key === key);
    if (!info) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `input tensor alias not found in signature: ${key}. Inputs expected to be in the set {${wanted.join(',')}}.`,
      );
    }
    checkTensor(info, inputs[key]!, spec.inputs.indexOf(info));
  }
  return { spec, outputs: selectOutputs(spec, outputFilter) };
}

function selectOutputs(spec: SignatureSpec, filter: readonly string[]): TensorSpec[] {
  if (filter.length === 0) return spec.outputs;
  const seen = new Set<string>();
  return filter.map((alias) => {
    const info = spec.outputs.find((o) => o.key === alias);
    if (!info) {
      const keys = spec.outputs.map((o) => o.key).sort();
      throw new ServingError(
        'INVALID_ARGUMENT',
        `output tensor alias not found in signature: ${alias} Outputs expected to be in the set {${keys.join(',')}}.`,
      );
    }
    if (seen.has(alias)) throw new ServingError('INVALID_ARGUMENT', `duplicate output tensor alias: ${alias}`);
    seen.add(alias);
    return info;
  });
}

function checkTensor(info: TensorSpec, t: ServingTensor, index: number): void {
  if (t.dtype !== info.dtype) {
    // TensorFlow's own feed check (function call frame), which TF Serving passes through.
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Expects arg[${index}] to be ${SERVING_DTYPES[info.dtype].tf} but ${SERVING_DTYPES[t.dtype]?.tf ?? t.dtype} is provided`,
    );
  }
  const count = Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= 0);
  if (!count || elementCount(t.shape) !== t.data.length) {
    throw new ServingError('INVALID_ARGUMENT', `tensor parsing error: ${info.key}`);
  }
  const expected = info.shape;
  const fits = !expected || (expected.length === t.shape.length && expected.every((d, i) => d < 0 || d === t.shape[i]));
  if (!fits) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `input tensor ${info.key} has shape [${t.shape.join(',')}], which is incompatible with the signature's ` +
        `[${expected!.join(',')}] (-1 = any size)`,
    );
  }
}
