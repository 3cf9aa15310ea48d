import { createRequire } from 'node:module';

/**
 * A name a registry offers, with its docs.
 * @example
 *   const e: CatalogEntry = { name: 'mirrored', description: 'All-reduce over local replicas' };
 */
export interface CatalogEntry {
  name: string;
  description?: string;
  /** The plugin package that registered it; absent for the SDK's built-ins. */
  plugin?: string;
}

/**
 * The names a run file may use, per plugin point, from the SDK container with plugins loaded.
 * @example
 *   catalog.strategy.map((e) => e.name); // ['one-device', 'mirrored', ...]
 */
export interface PluginCatalog {
  strategy: CatalogEntry[];
  callback: CatalogEntry[];
  exporter: CatalogEntry[];
  deployer: CatalogEntry[];
}

/**
 * One issue as the SDK's `validateRun` reports it.
 * @example
 *   const issue: ConfigIssue = { path: ['epochs'], field: 'epochs', message: 'Invalid value…' };
 */
export interface ConfigIssue {
  path: (string | number)[];
  field: string;
  message: string;
  hint?: string;
}

/**
 * Makes the named plugin's object with these options, as a run would, and returns the plugin's
 * own complaint (its coded error message and hint), or undefined when it accepts them.
 * @example
 *   await checkOptions('callback', 'early_stopping', { patiense: 2 }); // 'Unknown option `patiense` …'
 */
export type OptionsChecker = (
  point: 'strategy' | 'callback',
  name: string,
  options: Record<string, unknown>,
) => Promise<string | undefined>;

/**
 * The SDK functions the server uses, from the workspace's `@tfscale/sdk`.
 * @example
 *   sdk.validateRun(JSON.parse(text), { form: 'file' });
 */
export interface SdkApi {
  validateRun(value: unknown, options: { form: 'file' }): { ok: true } | { ok: false; issues: ConfigIssue[] };
  closestMatch(input: string, candidates: Iterable<string>): string | undefined;
  runJsonSchema(): JsonSchema;
}

/**
 * The subset of JSON Schema the hovers walk.
 * @example
 *   const s: JsonSchema = { description: 'Batches per epoch' };
 */
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

type PluginFactory = (options: Record<string, unknown>, ctx: { container: Container; logger: unknown }) => unknown;

interface Registry {
  list(): CatalogEntry[];
}

interface Container {
  resolve<T>(token: symbol): T;
}

interface SdkModule extends SdkApi {
  createSdkContainerWithPlugins(options: { cwd: string }): Promise<Container>;
  createRunContainer(root: Container): Container & { dispose?(): unknown };
  LoggerToken: symbol;
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
export async function loadSdk(
  sdkMain: string,
  cwd: string,
): Promise<{ sdk: SdkApi; catalog: PluginCatalog; checkOptions: OptionsChecker }> {
  const mod = createRequire(__filename)(sdkMain) as SdkModule;
  const container = await mod.createSdkContainerWithPlugins({ cwd });
  const entries = (token: symbol) =>
    container
      .resolve<Registry>(token)
      .list()
      .map((e) => ({ name: e.name, description: e.description, plugin: e.plugin }));
  const checkOptions: OptionsChecker = async (point, name, options) => {
    const token = point === 'strategy' ? mod.StrategyRegistryToken : mod.CallbackRegistryToken;
    const registry = container.resolve<{ has(n: string): boolean; get(n: string): PluginFactory }>(token);
    if (!registry.has(name)) return undefined;
    // A run scope of its own, as a run has: factories only read options and resolve services here.
    const scope = mod.createRunContainer(container);
    try {
      await registry.get(name)(options, { container: scope, logger: container.resolve(mod.LoggerToken) });
      return undefined;
    } catch (err) {
      const e = err as Error & { code?: string; hint?: string };
      if (!e.code?.startsWith('TFSCALE_E_')) return undefined; // not the plugin judging its options
      return e.hint && !e.message.includes(e.hint) ? `${e.message} ${e.hint}` : e.message;
    }
  };
  return {
    checkOptions,
    sdk: mod,
    catalog: {
      strategy: entries(mod.StrategyRegistryToken),
      callback: entries(mod.CallbackRegistryToken),
      exporter: entries(mod.ExporterRegistryToken),
      deployer: entries(mod.DeployerRegistryToken),
    },
  };
}
