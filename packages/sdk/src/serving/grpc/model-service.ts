/**
 * ModelService: GetModelStatus (TF Serving `get_model_status_impl.cc`) and
 * HandleReloadConfigRequest (`model_service_impl.cc`).
 */
import type { ModelConfig, ModelServerConfig } from '../model-config';
import { type ModelManager, type ModelVersionStatus, ServingError } from '../types';
import { GRPC_CODES } from './grpc-wire';
import { type ModelSpecMessage, requireModelSpec, versionSelector } from './model-spec';
import { type LongLike, toNumber } from './tensor-proto';

const STATE_VALUE: Record<ModelVersionStatus['state'], number> = {
  UNKNOWN: 0,
  START: 10,
  LOADING: 20,
  AVAILABLE: 30,
  UNLOADING: 40,
  END: 50,
};

/**
 * GetModelStatus: every version, newest first (TF's VersionMap order), or the one asked for.
 * A label in the ModelSpec is ignored, as in TF Serving.
 * @example
 *   handleGetModelStatus(manager, { model_spec: { name: 'digits' } });
 */
export function handleGetModelStatus(
  manager: Pick<ModelManager, 'status'>,
  request: { model_spec?: ModelSpecMessage | null },
) {
  const spec = requireModelSpec(request.model_spec);
  const name = spec.name ?? '';
  const { version } = versionSelector(spec);
  const notFound = () =>
    new ServingError(
      'NOT_FOUND',
      version === undefined
        ? `Could not find any versions of model ${name}`
        : `Could not find version ${version} of model ${name}`,
    );
  let statuses: ModelVersionStatus[];
  try {
    statuses = manager.status(name, version === undefined ? undefined : { version });
  } catch (error) {
    if (error instanceof ServingError && error.code === 'NOT_FOUND') throw notFound();
    throw error;
  }
  if (version !== undefined) statuses = statuses.filter((s) => s.version === version);
  if (statuses.length === 0) throw notFound();
  const model_version_status = [...statuses]
    .sort((a, b) => b.version - a.version)
    .map((s) => ({
      version: s.version,
      state: STATE_VALUE[s.state],
      status: { error_code: GRPC_CODES[s.error.code] ?? 2, error_message: s.error.message },
    }));
  return { model_version_status };
}

/**
 * A model manager that can replace its model set (TF Serving's `ServerCore::ReloadConfig`).
 * @example
 *   if ('reloadConfig' in manager) await (manager as ReloadableModelManager).reloadConfig(config);
 */
export interface ReloadableModelManager extends ModelManager {
  reloadConfig(config: ModelServerConfig): Promise<void> | void;
}

interface ReloadRequestMessage {
  config?: { model_config_list?: { config?: RawModelConfig[] } | null } | null;
}

interface RawModelConfig {
  name?: string;
  base_path?: string;
  model_platform?: string;
  model_version_policy?: {
    latest?: { num_versions?: number } | null;
    all?: object | null;
    specific?: { versions?: Array<number | LongLike> } | null;
  } | null;
  version_labels?: Record<string, number | LongLike>;
}

/**
 * HandleReloadConfigRequest: only `model_config_list` is accepted (TF's message otherwise); the
 * list goes to the manager's `reloadConfig` in the camelCase shape of `--model_config_file`.
 * Resolves to the ReloadConfigResponse (status OK); failures become the gRPC status.
 * @example
 *   await handleReloadConfig(manager, request);
 */
export async function handleReloadConfig(manager: ModelManager, request: ReloadRequestMessage) {
  const list = request.config?.model_config_list;
  if (!list) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      'ServerModelConfig type not supported by HandleReloadConfigRequest. Only ModelConfigList is currently supported',
    );
  }
  const reloadable = manager as Partial<ReloadableModelManager>;
  if (typeof reloadable.reloadConfig !== 'function') {
    throw new ServingError('UNIMPLEMENTED', 'This model manager cannot reload its configuration.');
  }
  await reloadable.reloadConfig.call(manager, { modelConfigList: { config: (list.config ?? []).map(toModelConfig) } });
  return { status: { error_code: 0, error_message: '' } };
}

function toModelConfig(c: RawModelConfig): ModelConfig {
  const config: ModelConfig = {
    name: c.name ?? '',
    basePath: c.base_path ?? '',
    modelPlatform: c.model_platform ?? '',
    versionLabels: Object.fromEntries(Object.entries(c.version_labels ?? {}).map(([k, v]) => [k, toNumber(v)])),
  };
  const p = c.model_version_policy;
  if (p?.latest) config.modelVersionPolicy = { latest: { numVersions: p.latest.num_versions ?? 0 } };
  else if (p?.all) config.modelVersionPolicy = { all: {} };
  else if (p?.specific)
    config.modelVersionPolicy = { specific: { versions: (p.specific.versions ?? []).map(toNumber) } };
  return config;
}
