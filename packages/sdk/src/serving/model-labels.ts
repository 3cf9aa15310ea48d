/**
 * Version labels, TF Serving's rules (TFS `model_servers/server_core.cc`
 * `UpdateModelVersionLabelMap`, `GetModelVersionForLabel`): a config's labels replace the old map
 * as a whole, each must point at a version that is AVAILABLE when the config is applied, except —
 * with `--allow_version_labels_for_unavailable_models` — a new label or one that keeps its version.
 */
import type { ValidModelConfig } from './model-config-validate';
import { type ModelVersionState, ServingError } from './types';

/**
 * model → label → version.
 * @example
 *   const labels: LabelMap = new Map([['half', new Map([['stable', 1]])]]);
 */
export type LabelMap = Map<string, Map<string, number>>;

/**
 * The label map of `models`, checked against the versions' current states. Throws
 * FAILED_PRECONDITION with TF Serving's message when a label points at a version that is not
 * available.
 * @example
 *   const labels = computeLabelMap(models, (m, v) => manager.stateOf(m, v), current, false);
 */
export function computeLabelMap(
  models: readonly ValidModelConfig[],
  stateOf: (model: string, version: number) => ModelVersionState | undefined,
  current: LabelMap,
  allowUnavailable: boolean,
): LabelMap {
  const next: LabelMap = new Map();
  for (const m of models) {
    for (const [label, version] of Object.entries(m.versionLabels)) {
      const existing = current.get(m.name)?.get(label);
      const allowed = allowUnavailable && (existing === undefined || existing === version);
      if (!allowed && stateOf(m.name, version) !== 'AVAILABLE') {
        throw new ServingError(
          'FAILED_PRECONDITION',
          `Request to assign label to version ${version} of model ${m.name}, which is not currently available for inference`,
        );
      }
      if (!next.has(m.name)) next.set(m.name, new Map());
      next.get(m.name)!.set(label, version);
    }
  }
  return next;
}

/**
 * The version a label names. Throws INVALID_ARGUMENT "Unrecognized servable version label: X".
 * @example
 *   versionForLabel(labels, 'half', 'stable'); // 1
 */
export function versionForLabel(labels: LabelMap, model: string, label: string): number {
  const version = labels.get(model)?.get(label);
  if (version === undefined)
    throw new ServingError('INVALID_ARGUMENT', `Unrecognized servable version label: ${label}`);
  return version;
}
