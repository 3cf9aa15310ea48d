import { createRequire } from 'node:module';

/** A name a registry offers, with its docs. */
export interface CatalogEntry {
  name: string;
  description?: string;
  /** The plugin package that registered it; absent for the SDK's built-ins. */
  plugin?: string;
}

/** The names a run file may use, per plugin point, from the SDK container with plugins loaded. */
export interface PluginCatalog {
  strategy: CatalogEntry[];
  callback: CatalogEntry[];
  exporter: CatalogEntry[];
  deployer: CatalogEntry[];
}

/** One issue as the SDK's `validateRun` reports it. */
export interface ConfigIssue {
  path: (string | number)[];
  field: string;
  message: string;
  hint?: string;
}

/** The SDK functions the server uses, from the workspace's `@tfscale/sdk`. */
export interface SdkApi {
  validateRun(value: unknown, options: { form: 'file' }): { ok: true } | { ok: false; issues: ConfigIssue[] };
  closestMatch(input: string, candidates: Iterable<string>): string | undefined;
  runJsonSchema(): JsonSchema;
}

/** The subset of JSON Schema the hovers walk. */
export interface JsonSchema {
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  examples?: unknown[];
  default?: unknown;
}

interface Registry {
  list(): CatalogEntry[];
}

interface Container {
  resolve<T>(token: symbol): T;
}

interface SdkModule extends SdkApi {
  createSdkContainerWithPlugins(options: { cwd: string }): Promise<Container>;
  StrategyRegistryToken: symbol;
  CallbackRegistryToken: symbol;
  ExporterRegistryToken: symbol;
  DeployerRegistryToken: symbol;
}

/**
 * Loads the workspace's SDK (its `dist/index.js`) and a container with the workspace's plugins;
 * returns the SDK functions and what each registry offers.
 * @example
 *   const { sdk, catalog } = await loadSdk('/w/node_modules/@tfscale/sdk/dist/index.js', '/w');
 */
export async function loadSdk(sdkMain: string, cwd: string): Promise<{ sdk: SdkApi; catalog: PluginCatalog }> {
  const mod = createRequire(__filename)(sdkMain) as SdkModule;
  const container = await mod.createSdkContainerWithPlugins({ cwd });
  const entries = (token: symbol) =>
    container
      .resolve<Registry>(token)
      .list()
      .map((e) => ({ name: e.name, description: e.description, plugin: e.plugin }));
  return {
    sdk: mod,
    catalog: {
      strategy: entries(mod.StrategyRegistryToken),
      callback: entries(mod.CallbackRegistryToken),
      exporter: entries(mod.ExporterRegistryToken),
      deployer: entries(mod.DeployerRegistryToken),
    },
  };
}
