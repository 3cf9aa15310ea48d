/**
 * Model status and metadata bodies as TF Serving prints them with protobuf's JSON printer
 * (`add_whitespace`: one-space indent, trailing newline; int64 as strings; enums by name; every
 * primitive field, defaults included). Metadata is assembled by hand in http_rest_api_util.cc
 * `ToJsonString`, which is why `signature_def` is nested twice; that layout is kept exactly.
 */
import type { ModelVersionStatus, Servable, TensorSpec } from '../types';
import { DTYPES } from './dtypes';

type ProtoJson = string | number | boolean | ProtoJson[] | { [key: string]: ProtoJson };

function quote(s: string): string {
  return JSON.stringify(s);
}

/** protobuf's JsonObjectWriter with a one-space indent, for a value at nesting `level`. */
function render(v: ProtoJson, level: number): string {
  const pad = (n: number): string => `\n${' '.repeat(n)}`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => pad(level + 1) + render(x, level + 1)).join(',')}${pad(level)}]`;
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return `{${keys.map((k) => `${pad(level + 1)}${quote(k)}: ${render(v[k], level + 1)}`).join(',')}${pad(level)}}`;
  }
  return typeof v === 'string' ? quote(v) : String(v);
}

/**
 * A top-level message as `MessageToJsonString` prints it (with its trailing newline).
 * @example
 *   protoJsonText({ a: '1' }); // '{\n "a": "1"\n}\n'
 */
export function protoJsonText(v: ProtoJson): string {
  return `${render(v, 0)}\n`;
}

/**
 * GetModelStatusResponse JSON; versions are listed newest first, as TF Serving's state monitor
 * orders them.
 * @example
 *   modelStatusJson([{ version: 1, state: 'AVAILABLE', error: { code: 'OK', message: '' } }]);
 */
export function modelStatusJson(statuses: readonly ModelVersionStatus[]): string {
  const sorted = [...statuses].sort((a, b) => b.version - a.version);
  return protoJsonText({
    model_version_status: sorted.map((s) => ({
      version: String(s.version),
      state: s.state,
      status: { error_code: s.error.code, error_message: s.error.message },
    })),
  });
}

function tensorInfo(t: TensorSpec): ProtoJson {
  return {
    dtype: DTYPES[t.dtype].enumName,
    tensor_shape: t.shape
      ? { dim: t.shape.map((d) => ({ size: String(d), name: '' })), unknown_rank: false }
      : { dim: [], unknown_rank: true },
    name: t.name,
  };
}

/**
 * GetModelMetadataResponse JSON for the `signature_def` field, byte for byte as TF Serving
 * concatenates it.
 * @example
 *   modelMetadataJson('half_plus_two', 2, servable);
 */
export function modelMetadataJson(model: string, version: number, servable: Servable): string {
  const spec = protoJsonText({ name: model, signature_name: '', version: String(version) });
  const defs: Record<string, ProtoJson> = {};
  for (const [key, sig] of Object.entries(servable.signatures)) {
    defs[key] = {
      inputs: Object.fromEntries(sig.inputs.map((t) => [t.key, tensorInfo(t)])),
      outputs: Object.fromEntries(sig.outputs.map((t) => [t.key, tensorInfo(t)])),
      method_name: sig.methodName,
      defaults: {},
    };
  }
  const signatureDefs = protoJsonText({ signature_def: defs });
  return `{\n"model_spec":${spec},\n"metadata": {"signature_def": ${signatureDefs}}\n}\n`;
}
