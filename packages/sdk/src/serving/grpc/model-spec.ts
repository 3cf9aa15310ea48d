/**
 * `tensorflow.serving.ModelSpec` in requests (which servable) and responses (what served it),
 * with TF Serving's rules: no version and no label means the latest version; an empty
 * signature_name means `serving_default`.
 */
import { ServingError, type VersionSelector } from '../types';
import { type LongLike, toNumber } from './tensor-proto';

/**
 * TF's `kDefaultServingSignatureDefKey`.
 * @example
 *   const name = spec.signature_name || DEFAULT_SIGNATURE;
 */
export const DEFAULT_SIGNATURE = 'serving_default';

/**
 * ModelSpec as protobufjs decodes it (keepCase, oneofs as virtual fields).
 * @example
 *   const spec: ModelSpecMessage = { name: 'm', version_label: 'stable', version_choice: 'version_label' };
 */
export interface ModelSpecMessage {
  name?: string;
  version?: { value?: number | LongLike | string } | null;
  version_label?: string;
  signature_name?: string;
  version_choice?: 'version' | 'version_label';
}

/**
 * The request's ModelSpec, or INVALID_ARGUMENT "Missing ModelSpec" as TF Serving answers.
 * @example
 *   const spec = requireModelSpec(request.model_spec);
 */
export function requireModelSpec(spec: ModelSpecMessage | null | undefined): ModelSpecMessage {
  if (!spec) throw new ServingError('INVALID_ARGUMENT', 'Missing ModelSpec');
  return spec;
}

/**
 * How a ModelSpec selects a version.
 * @example
 *   versionSelector({ name: 'm', version: { value: 3 }, version_choice: 'version' }); // { version: 3 }
 */
export function versionSelector(spec: ModelSpecMessage): VersionSelector {
  if (spec.version_choice === 'version' && spec.version) return { version: toNumber(spec.version.value ?? 0) };
  if (spec.version_choice === 'version_label' && spec.version_label) return { label: spec.version_label };
  return {};
}

/**
 * The ModelSpec TF Serving returns (`MakeModelSpec`): name, signature if given, version.
 * @example
 *   responseModelSpec('m', 'serving_default', 3); // { name: 'm', signature_name: 'serving_default', version: { value: 3 } }
 */
export function responseModelSpec(name: string, signature: string | undefined, version: number): ModelSpecMessage {
  const spec: ModelSpecMessage = { name, version: { value: version } };
  if (signature !== undefined) spec.signature_name = signature || DEFAULT_SIGNATURE;
  return spec;
}
