/**
 * ServerCore's checks on a (re)loaded config, with TF Serving's messages (TFS
 * `model_servers/server_core.cc`: `ReloadConfig`, `ValidateModelConfigList`, `GetPlatform`,
 * `ValidateNoModelsChangePlatforms`, `CreateStoragePathRoutes`), plus name and label rules that keep
 * names out of paths and labels to `[a-zA-Z0-9_]+` (TFS `g3doc/serving_config.md`).
 */
import * as path from 'node:path';
import type { ModelConfig, ModelServerConfig } from './model-config';
import { ServingError } from './types';

/**
 * A model config after validation: platform resolved, base path a plain absolute path.
 * @example
 *   const m: ValidModelConfig = { name: 'half', basePath: '/models/half', platform: 'tensorflow', versionLabels: {} , config };
 */
export interface ValidModelConfig {
  name: string;
  basePath: string;
  /** `tensorflow` (any runtime) or a runtime name. */
  platform: string;
  versionLabels: Record<string, number>;
  config: ModelConfig;
}

const LABEL = /^[a-zA-Z0-9_]+$/;

/**
 * Checks `next` (and the transition from `previous`) and returns its models, or undefined for an
 * empty config (TF Serving: "Taking no action for empty config."). Throws ServingError
 * INVALID_ARGUMENT / FAILED_PRECONDITION with TF Serving's message.
 * @example
 *   const models = validateModelServerConfig(config, undefined, ['savedmodel', 'tfjs']);
 */
export function validateModelServerConfig(
  next: ModelServerConfig,
  previous: ModelServerConfig | undefined,
  runtimeNames: readonly string[],
): ValidModelConfig[] | undefined {
  const isList = (c: ModelServerConfig | undefined) =>
    c?.modelConfigList !== undefined && c.customModelConfig === undefined;
  const isSet = (c: ModelServerConfig | undefined) =>
    c?.modelConfigList !== undefined || c?.customModelConfig !== undefined;
  if (isSet(previous) && !(isList(previous) && isList(next))) {
    throw new ServingError(
      'FAILED_PRECONDITION',
      'Cannot transition to requested config. It is only legal to transition from one ModelConfigList to another.',
    );
  }
  if (!isSet(next)) return undefined;
  if (!isList(next))
    throw new ServingError('INVALID_ARGUMENT', 'Missing custom_model_config_loader in ServerCore Options');
  const models = (next.modelConfigList?.config ?? []).map((m) => validateModel(m, runtimeNames));
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.name)) {
      throw new ServingError('INVALID_ARGUMENT', `Illegal to list model ${m.name} multiple times in config list`);
    }
    seen.add(m.name);
  }
  const before = new Map((previous?.modelConfigList?.config ?? []).map((m) => [m.name, m]));
  for (const m of models) {
    const old = before.get(m.name);
    const oldPlatform = old && platformOf(old);
    if (oldPlatform !== undefined && oldPlatform !== m.platform) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `Illegal to change a model's platform. For model ${m.name} platform was ${oldPlatform} and new platform requested is ${m.platform}`,
      );
    }
  }
  return models;
}

/**
 * Refuses a model name that could escape a path or break a URL: empty, or holding `/`, `\`,
 * `..` or NUL. Throws INVALID_ARGUMENT.
 * @example
 *   checkModelName('half'); // ok
 *   checkModelName('../etc'); // throws
 */
export function checkModelName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || /[/\\\0]/.test(name) || name.includes('..')) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Invalid model name ${JSON.stringify(name)}: a model name must be non-empty and contain no "/", "\\", ".." or NUL.`,
    );
  }
}

function platformOf(m: ModelConfig): string {
  if (m.modelType && m.modelType !== 'MODEL_TYPE_UNSPECIFIED') {
    if (m.modelPlatform) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        'Illegal setting both ModelServerConfig::model_type (deprecated) and ModelServerConfig::model_platform.',
      );
    }
    if (m.modelType !== 'TENSORFLOW') {
      throw new ServingError('INVALID_ARGUMENT', `ModelServerConfig::model_type choice 2 not supported.`);
    }
    return 'tensorflow';
  }
  // TF Serving refuses an empty platform; we read it as 'tensorflow', its only built-in one.
  return m.modelPlatform || 'tensorflow';
}

function validateModel(m: ModelConfig, runtimeNames: readonly string[]): ValidModelConfig {
  checkModelName(m.name);
  const platform = platformOf(m);
  if (platform !== 'tensorflow' && !runtimeNames.includes(platform)) {
    throw new ServingError('INVALID_ARGUMENT', `Model ${m.name} requests unsupported platform ${platform}`);
  }
  let base = m.basePath ?? '';
  if (base.startsWith('file://')) base = base.slice('file://'.length);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(base);
  if (scheme) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Model ${m.name} has base_path ${m.basePath}: the "${scheme[1]}" scheme is not supported; use a local path or file://.`,
    );
  }
  if (!path.isAbsolute(base)) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Expected model ${m.name} to have an absolute path or URI; got base_path()=${m.basePath ?? ''}`,
    );
  }
  if (base.includes('\0')) throw new ServingError('INVALID_ARGUMENT', `Model ${m.name} has a base_path holding NUL.`);
  const versionLabels: Record<string, number> = {};
  for (const [label, version] of Object.entries(m.versionLabels ?? {})) {
    if (!LABEL.test(label)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `Invalid version label ${JSON.stringify(label)} for model ${m.name}: labels must match [a-zA-Z0-9_]+.`,
      );
    }
    versionLabels[label] = Number(version);
  }
  const policy = m.modelVersionPolicy;
  const versions = policy && 'specific' in policy ? (policy.specific?.versions ?? []) : [];
  for (const v of versions) {
    if (!Number.isSafeInteger(Number(v))) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `Model ${m.name}: version ${v} in specific { versions } is not an integer.`,
      );
    }
  }
  return { name: m.name, basePath: path.normalize(base), platform, versionLabels, config: m };
}
