/**
 * The part of TF Serving's `GET /v1/models/<name>/metadata` answer a test request needs.
 * @example
 *   const meta = (await (await fetch(`${url}/metadata`)).json()) as ModelMetadata;
 */
export interface ModelMetadata {
  metadata?: {
    signature_def?: {
      signature_def?: Record<
        string,
        {
          inputs?: Record<
            string,
            { dtype?: string; tensor_shape?: { dim?: { size: string }[]; unknown_rank?: boolean } }
          >;
        }
      >;
    };
  };
}

/**
 * A batch-of-one predict body for a signature, filled with a mid-range value of each input's
 * dtype, shaped from the metadata (a dimension of unknown size gets 1).
 * @example
 *   buildTestRequest(metadata); // { signature_name: 'serving_default', instances: [[0.5, 0.5, ...]] }
 */
export function buildTestRequest(metadata: ModelMetadata): {
  signature_name: string;
  instances: unknown[];
} {
  const sigs = metadata.metadata?.signature_def?.signature_def ?? {};
  const name = 'serving_default' in sigs ? 'serving_default' : Object.keys(sigs).find((k) => !k.startsWith('__'));
  const inputs = name ? sigs[name]?.inputs : undefined;
  if (!name || !inputs || Object.keys(inputs).length === 0) {
    throw new Error('the model metadata names no signature inputs to build a request from');
  }
  const tensors = Object.entries(inputs).map(([key, spec]) => {
    if (spec.tensor_shape?.unknown_rank) throw new Error(`input ${key} has an unknown rank`);
    const dims = (spec.tensor_shape?.dim ?? []).slice(1).map((d) => (Number(d.size) > 0 ? Number(d.size) : 1));
    return [key, filled(dims, sample(spec.dtype))] as const;
  });
  const instance = tensors.length === 1 ? tensors[0]![1] : Object.fromEntries(tensors);
  return { signature_name: name, instances: [instance] };
}

function sample(dtype = 'DT_FLOAT'): unknown {
  if (dtype === 'DT_STRING') return '';
  if (dtype === 'DT_BOOL') return false;
  if (dtype.startsWith('DT_INT') || dtype.startsWith('DT_UINT')) return 1;
  return 0.5;
}

function filled(dims: number[], value: unknown): unknown {
  if (dims.length === 0) return value;
  const [n, ...rest] = dims;
  return Array.from({ length: n! }, () => filled(rest, value));
}
