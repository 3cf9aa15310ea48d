/**
 * TF Serving's model configuration: the `--model_config_file` text-proto `ModelServerConfig`
 * (TFS `config/model_server_config.proto`, `file_system_storage_path_source.proto`), the
 * single-model form of `--model_name`/`--model_base_path`, and ServerCore's validation with its
 * exact messages (TFS `model_servers/server_core.cc`). Objects use protobufjs' camelCase shape,
 * so a decoded `ReloadConfigRequest.config` can be passed as is.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TfscaleError } from '../core/errors';
import { parseTextProto, type TextMessageSchema } from './model-config-text';

/**
 * `FileSystemStoragePathSourceConfig.ServableVersionPolicy`: which version folders to serve.
 * Default `latest { num_versions: 1 }`.
 * @example
 *   const policy: ServableVersionPolicy = { specific: { versions: [42, 43] } };
 */
export type ServableVersionPolicy =
  | { latest: { numVersions?: number } }
  | { all: Record<string, never> }
  | { specific: { versions?: number[] } };

/**
 * One served model (`ModelConfig`). `versionLabels` maps label → version.
 * @example
 *   const m: ModelConfig = { name: 'half', basePath: '/models/half', modelPlatform: 'tensorflow', versionLabels: { stable: 1 } };
 */
export interface ModelConfig {
  name: string;
  basePath: string;
  /** `tensorflow` (any runtime, chosen per version folder), or a runtime name (`savedmodel`, `tfjs`, …). */
  modelPlatform?: string;
  /** Deprecated in TF Serving; `TENSORFLOW` means `modelPlatform: 'tensorflow'`. */
  modelType?: 'MODEL_TYPE_UNSPECIFIED' | 'TENSORFLOW' | 'OTHER';
  modelVersionPolicy?: ServableVersionPolicy;
  versionLabels?: Record<string, number>;
  /** Parsed and kept; request logging is not implemented by the manager. */
  loggingConfig?: Record<string, unknown>;
}

/**
 * `ModelServerConfig`: a model list (the only kind TF Serving's files use) or a custom config.
 * @example
 *   const config: ModelServerConfig = { modelConfigList: { config: [{ name: 'm', basePath: '/models/m' }] } };
 */
export interface ModelServerConfig {
  modelConfigList?: { config?: ModelConfig[] };
  customModelConfig?: unknown;
}

const msg = (name: string, fields: TextMessageSchema['fields']): TextMessageSchema => ({
  name: `tensorflow.serving.${name}`,
  fields,
});
const POLICY = msg('FileSystemStoragePathSourceConfig.ServableVersionPolicy', {
  latest: { kind: 'message', oneof: 'policy_choice', message: msg('Latest', { num_versions: { kind: 'uint32' } }) },
  all: { kind: 'message', oneof: 'policy_choice', message: msg('All', {}) },
  specific: {
    kind: 'message',
    oneof: 'policy_choice',
    message: msg('Specific', { versions: { kind: 'int64', repeated: true } }),
  },
});
const SAMPLING = msg('SamplingConfig', {
  sampling_rate: { kind: 'double' },
  attributes: { kind: 'int32' },
});
const LOGGING = msg('LoggingConfig', {
  log_collector_config: {
    kind: 'message',
    message: msg('LogCollectorConfig', { type: { kind: 'string' }, filename_prefix: { kind: 'string' } }),
  },
  sampling_config: { kind: 'message', message: SAMPLING },
});
const MODEL = msg('ModelConfig', {
  name: { kind: 'string' },
  base_path: { kind: 'string' },
  model_type: { kind: 'enum', enumValues: ['MODEL_TYPE_UNSPECIFIED', 'TENSORFLOW', 'OTHER'] },
  model_platform: { kind: 'string' },
  model_version_policy: { kind: 'message', message: POLICY },
  version_labels: { kind: 'map', mapValue: 'int64' },
  logging_config: { kind: 'message', message: LOGGING },
});

/**
 * The schema of `tensorflow.serving.ModelServerConfig` for {@link parseTextProto}.
 * @example
 *   parseTextProto(text, MODEL_SERVER_CONFIG_SCHEMA, 'models.config');
 */
export const MODEL_SERVER_CONFIG_SCHEMA: TextMessageSchema = msg('ModelServerConfig', {
  model_config_list: {
    kind: 'message',
    oneof: 'config',
    message: msg('ModelConfigList', { config: { kind: 'message', repeated: true, message: MODEL } }),
  },
  custom_model_config: { kind: 'message', oneof: 'config', message: msg('Any', {}) },
});

/**
 * Parses a `--model_config_file` text. Throws `TextProtoSyntaxError` (line:column) on bad syntax
 * or unknown fields. Paths are returned as written.
 * @example
 *   parseModelServerConfig(`model_config_list { config { name: 'm' base_path: '/models/m' model_platform: 'tensorflow' } }`);
 */
export function parseModelServerConfig(text: string, source = '<model_config_file>'): ModelServerConfig {
  return parseTextProto(text, MODEL_SERVER_CONFIG_SCHEMA, source) as ModelServerConfig;
}

/**
 * Reads and parses `--model_config_file`. TF Serving requires absolute base paths; here a
 * relative `base_path` is taken relative to the config file's folder (as if the folder were
 * `model_config_list_root_dir`), so a config can travel with its models.
 * @example
 *   const config = await readModelConfigFile('/models/models.config');
 */
export async function readModelConfigFile(file: string): Promise<ModelServerConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `Cannot read --model_config_file ${file}: ${(err as Error).message}`,
    );
  }
  const config = parseModelServerConfig(text, file);
  const root = path.dirname(path.resolve(file));
  for (const m of config.modelConfigList?.config ?? []) {
    if (m.basePath && !path.isAbsolute(m.basePath) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(m.basePath)) {
      m.basePath = path.join(root, m.basePath);
    }
  }
  return config;
}

/**
 * The config `--model_name`/`--model_base_path` stand for: one model, platform `tensorflow`,
 * latest version; a relative base path is resolved against the working directory.
 * @example
 *   singleModelConfig('half', 'models/half'); // { modelConfigList: { config: [{ name: 'half', basePath: '/…/models/half', … }] } }
 */
export function singleModelConfig(name: string, basePath: string): ModelServerConfig {
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(basePath) ? basePath : path.resolve(basePath);
  return { modelConfigList: { config: [{ name, basePath: base, modelPlatform: 'tensorflow' }] } };
}
