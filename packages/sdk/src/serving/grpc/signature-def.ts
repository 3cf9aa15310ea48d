/**
 * Signatures as GetModelMetadata returns them: a `tensorflow.serving.SignatureDefMap` packed in a
 * `google.protobuf.Any` under metadata["signature_def"] (TF Serving `get_model_metadata_impl.cc`).
 */
import type { SignatureSpec } from '../types';
import { servingType } from './proto-root';
import { DATA_TYPE } from './tensor-proto';

/**
 * `Any.type_url` of the packed map (protobuf's default prefix + full message name).
 * @example
 *   if (any.type_url === SIGNATURE_DEF_MAP_URL) SignatureDefMap.decode(any.value);
 */
export const SIGNATURE_DEF_MAP_URL = 'type.googleapis.com/tensorflow.serving.SignatureDefMap';

/**
 * One SignatureSpec as a `tensorflow.SignatureDef` message object (keepCase field names).
 * @example
 *   signatureDefMessage({ methodName: 'tensorflow/serving/predict', inputs: [...], outputs: [...] });
 */
export function signatureDefMessage(spec: SignatureSpec): Record<string, unknown> {
  const infos = (tensors: SignatureSpec['inputs']) =>
    Object.fromEntries(
      tensors.map((t) => [
        t.key,
        {
          name: t.name,
          dtype: DATA_TYPE[t.dtype],
          tensor_shape: t.shape ? { dim: t.shape.map((size) => ({ size })) } : { unknown_rank: true },
        },
      ]),
    );
  return { inputs: infos(spec.inputs), outputs: infos(spec.outputs), method_name: spec.methodName, defaults: {} };
}

/**
 * All signatures packed as TF Serving's metadata["signature_def"] Any.
 * @example
 *   const any = packSignatureDefMap(servable.signatures); // { type_url, value: Uint8Array }
 */
export function packSignatureDefMap(signatures: Readonly<Record<string, SignatureSpec>>): {
  type_url: string;
  value: Uint8Array;
} {
  const map = servingType('tensorflow.serving.SignatureDefMap');
  const signature_def = Object.fromEntries(Object.entries(signatures).map(([k, s]) => [k, signatureDefMessage(s)]));
  return { type_url: SIGNATURE_DEF_MAP_URL, value: map.encode(map.fromObject({ signature_def })).finish() };
}
