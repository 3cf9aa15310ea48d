/**
 * A request a deployed model accepts, built from its served signature (TF Serving's REST
 * metadata route), so a CLI or editor can show a curl line that works as printed.
 */

interface TensorInfoJson {
  dtype?: string;
  tensor_shape?: { dim?: Array<{ size?: string }>; unknown_rank?: boolean };
}

interface MetadataJson {
  metadata?: {
    signature_def?: {
      signature_def?: Record<string, { inputs?: Record<string, TensorInfoJson> }>;
    };
  };
}

/** Zeros of the tensor's shape after the batch dimension (unknown dims as 1): one example. */
function exampleValue(info: TensorInfoJson): unknown {
  const dtype = info.dtype ?? 'DT_FLOAT';
  const leaf =
    dtype === 'DT_STRING' ? '' : dtype === 'DT_BOOL' ? false : /DT_(FLOAT|DOUBLE|HALF|BFLOAT16)/.test(dtype) ? 0.5 : 0;
  const dims = (info.tensor_shape?.dim ?? []).slice(1).map((d) => Math.max(1, Number(d.size ?? 1)));
  return dims.reduceRight<unknown>((inner, d) => Array.from({ length: d }, () => inner), leaf);
}

/**
 * The JSON body of a one-example `:predict` request for the model's `serving_default` signature,
 * or a generic `{"instances": [[0.0]]}` when the metadata cannot be read.
 *
 * @example
 * ```ts
 * await examplePredictBody('http://127.0.0.1:8501', 'half'); // '{"instances":[[0.5]]}'
 * ```
 */
export async function examplePredictBody(url: string, modelName: string): Promise<string> {
  try {
    const response = await fetch(`${url}/v1/models/${encodeURIComponent(modelName)}/metadata`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as MetadataJson;
    const defs = body.metadata?.signature_def?.signature_def ?? {};
    const inputs = Object.entries((defs.serving_default ?? Object.values(defs)[0])?.inputs ?? {});
    if (inputs.length === 0) throw new Error('no signature inputs');
    const instance =
      inputs.length === 1
        ? exampleValue(inputs[0][1])
        : Object.fromEntries(inputs.map(([key, info]) => [key, exampleValue(info)]));
    return JSON.stringify({ instances: [instance] });
  } catch {
    return '{"instances": [[0.0]]}';
  }
}

/**
 * A curl command that posts {@link examplePredictBody} to the model's `:predict` route.
 *
 * @example
 * ```ts
 * await exampleCurl('http://127.0.0.1:8501', 'half');
 * // curl -d '{"instances":[[0.5]]}' -X POST http://127.0.0.1:8501/v1/models/half:predict
 * ```
 */
export async function exampleCurl(url: string, modelName: string): Promise<string> {
  const body = await examplePredictBody(url, modelName);
  return `curl -d '${body.replace(/'/g, `'\\''`)}' -X POST ${url}/v1/models/${encodeURIComponent(modelName)}:predict`;
}
