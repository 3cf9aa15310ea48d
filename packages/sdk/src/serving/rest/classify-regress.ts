/**
 * Classify and Regress on a servable, as TF Serving's classifier.cc / regressor.cc run them: the
 * signature must have the method name, one input `inputs` (serialized tf.Examples, shape [N]),
 * and outputs `classes` / `scores` (classify) or `outputs` (regress); results are validated and
 * written as `{"results": ...}` the way json_tensor.cc prints them.
 */
import { type PredictHooks, type PredictTiming, runPredict } from '../predict-hooks';
import type { Servable, ServingTensor, SignatureSpec } from '../types';
import { ServingError } from '../types';
import { DTYPES } from './dtypes';
import { formatFloat32 } from './json-number';
import { JsonWriter } from './json-writer';

const CLASSIFY = 'tensorflow/serving/classify';
const REGRESS = 'tensorflow/serving/regress';

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

/**
 * A SignatureDef in protobuf text format, as TF Serving's `DebugString()` quotes it in errors.
 * @example
 *   signatureDebugString(sig); // 'inputs {\n  key: "inputs"\n ...'
 */
export function signatureDebugString(sig: SignatureSpec): string {
  const lines: string[] = [];
  const tensors = (field: string, list: SignatureSpec['inputs']): void => {
    for (const t of list) {
      lines.push(
        `${field} {`,
        `  key: "${t.key}"`,
        '  value {',
        `    name: "${t.name}"`,
        `    dtype: ${DTYPES[t.dtype].enumName}`,
      );
      lines.push('    tensor_shape {');
      if (t.shape) for (const d of t.shape) lines.push('      dim {', `        size: ${d}`, '      }');
      else lines.push('      unknown_rank: true');
      lines.push('    }', '  }', '}');
    }
  };
  tensors('inputs', sig.inputs);
  tensors('outputs', sig.outputs);
  lines.push(`method_name: "${sig.methodName}"`);
  return `${lines.join('\n')}\n`;
}

/** Get{Classification,Regression}SignatureDef + PreProcess{Classification,Regression}. */
function checkSignature(servable: Servable, name: string, method: string): SignatureSpec {
  const key = name || 'serving_default';
  const sig = servable.signatures[key];
  if (!sig) throw invalid(`No signature was found with the name: ${key}`);
  const what = method === CLASSIFY ? 'classification' : 'regression';
  if (sig.methodName !== method)
    throw invalid(`Expected ${what} signature method_name to be ${method}. Was: ${sig.methodName}`);
  if (sig.inputs.length !== 1) throw invalid('Expected one input Tensor.');
  if (method === CLASSIFY && sig.outputs.length !== 1 && sig.outputs.length !== 2)
    throw invalid(`Expected one or two output Tensors, found ${sig.outputs.length}`);
  if (method === REGRESS && sig.outputs.length !== 1) throw invalid('Expected one output Tensor.');
  if (sig.inputs[0].key !== 'inputs') {
    const text = `No ${what} inputs found in SignatureDef: ${signatureDebugString(sig)}`;
    throw method === CLASSIFY ? invalid(text) : new ServingError('FAILED_PRECONDITION', text);
  }
  const keys = sig.outputs.map((o) => o.key);
  if (method === CLASSIFY && !keys.includes('classes') && !keys.includes('scores'))
    throw invalid(
      `Expected classification signature outputs to contain at least one of "classes" or "scores". Signature was: ${signatureDebugString(sig)}`,
    );
  if (method === REGRESS && !keys.includes('outputs'))
    throw new ServingError(
      'FAILED_PRECONDITION',
      `No regression outputs found in SignatureDef: ${signatureDebugString(sig)}`,
    );
  return sig;
}

/**
 * A model to call: the servable pinned for this request and how to name it in hooks.
 * @example
 *   const target: ExampleCallTarget = { model: 'm', version: 1, servable, signatureName: '', entrypoint: 'REST' };
 */
export interface ExampleCallTarget {
  readonly model: string;
  readonly version: number;
  readonly servable: Servable;
  readonly signatureName: string;
  readonly entrypoint: 'REST' | 'GRPC';
}

function examplesTensor(examples: Uint8Array[]): ServingTensor {
  return { dtype: 'string', shape: [examples.length], data: examples };
}

function shapeText(t: ServingTensor): string {
  return `[${t.shape.join(',')}]`;
}

/**
 * Runs a classify signature on serialized examples; resolves to TF Serving's response body.
 * @example
 *   const body = await classifyExamples(target, examples, hooks, timing);
 */
export async function classifyExamples(
  target: ExampleCallTarget,
  examples: Uint8Array[],
  hooks?: PredictHooks,
  timing?: PredictTiming,
): Promise<Buffer> {
  const sig = checkSignature(target.servable, target.signatureName, CLASSIFY);
  const wanted = ['classes', 'scores'].filter((k) => sig.outputs.some((o) => o.key === k));
  const out = await runPredict(
    {
      ...target,
      signature: target.signatureName || 'serving_default',
      inputs: { inputs: examplesTensor(examples) },
      outputFilter: wanted,
      api: 'classify',
    },
    hooks,
    timing,
  );
  const n = examples.length;
  const check = (t: ServingTensor | undefined, what: string, dtype: string): void => {
    if (!t) return;
    if (t.shape.length !== 2) throw invalid(`Expected Tensor shape: [batch_size num_classes] but got ${shapeText(t)}`);
    if (t.dtype !== dtype)
      throw invalid(
        `Expected ${what} Tensor of ${DTYPES[dtype as 'float32'].enumName}. Got: ${DTYPES[t.dtype].enumName}`,
      );
    if (t.shape[0] !== n) throw invalid(`Expected ${what} output batch size of ${n}. Got: ${t.shape[0]}`);
  };
  const classes = out.classes;
  const scores = out.scores;
  check(classes, 'classes', 'string');
  check(scores, 'scores', 'float32');
  if (classes && scores && classes.shape[1] !== scores.shape[1])
    throw invalid(
      `Tensors class and score should match in dim_size(1). Got ${classes.shape[1]} vs. ${scores.shape[1]}`,
    );
  const numClasses = (classes ?? scores)?.shape[1] ?? 0;
  if (n === 0) throw invalid('Cannot convert empty ClassificationResults to JSON');
  const w = new JsonWriter();
  w.startObject();
  w.key('results');
  w.startArray();
  for (let i = 0; i < n; i++) {
    w.setSingleLineArray(true);
    w.startArray();
    for (let c = 0; c < numClasses; c++) {
      w.startArray();
      w.string(classes ? (classes.data as Uint8Array[])[i * numClasses + c] : '');
      w.raw(formatFloat32(scores ? (scores.data as Float32Array)[i * numClasses + c] : 0));
      w.endArray();
    }
    w.endArray();
    w.setSingleLineArray(false);
  }
  w.endArray();
  w.endObject();
  return w.toBuffer();
}

/**
 * Runs a regress signature on serialized examples; resolves to TF Serving's response body.
 * @example
 *   const body = await regressExamples(target, examples, hooks, timing); // {"results": [3.5, 4.0]}
 */
export async function regressExamples(
  target: ExampleCallTarget,
  examples: Uint8Array[],
  hooks?: PredictHooks,
  timing?: PredictTiming,
): Promise<Buffer> {
  checkSignature(target.servable, target.signatureName, REGRESS);
  const out = await runPredict(
    {
      ...target,
      signature: target.signatureName || 'serving_default',
      inputs: { inputs: examplesTensor(examples) },
      outputFilter: ['outputs'],
      api: 'regress',
    },
    hooks,
    timing,
  );
  const t = out.outputs;
  const n = examples.length;
  if (!t) throw invalid("Could not find output tensor 'outputs'");
  if (!(t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1)))
    throw invalid(`Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got ${shapeText(t)}`);
  if (t.shape[0] !== n) throw invalid(`Input batch size did not match output batch size: ${n} vs. ${t.shape[0]}`);
  if (t.dtype !== 'float32') throw invalid(`Expected output Tensor of DT_FLOAT.  Got: ${DTYPES[t.dtype].enumName}`);
  const w = new JsonWriter();
  w.startObject();
  w.key('results');
  w.setSingleLineArray(true);
  w.startArray();
  for (let i = 0; i < n; i++) w.raw(formatFloat32((t.data as Float32Array)[i]));
  w.endArray();
  w.endObject();
  return w.toBuffer();
}
