/**
 * Finds installed plugin packages: those whose package.json has `"tfscale": { "plugin": "<entry>" }`
 * (design convention 3). Reads only the package.json of top-level packages in each `node_modules`
 * from `cwd` up to the filesystem root; never imports anything while searching.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isTfscaleError, TfscaleError } from './errors';
import type { Logger } from './logger';
import type { PluginFactory } from './plugin';

/**
 * An installed plugin package.
 *
 * @example
 * ```ts
 * const d: PluginDescriptor = { packageName: '@acme/tfscale-plugin-x', version: '1.2.0', dir: '/app/node_modules/@acme/tfscale-plugin-x', entry: '/app/node_modules/@acme/tfscale-plugin-x/dist/plugin.js' };
 * ```
 */
export interface PluginDescriptor {
  readonly packageName: string;
  readonly version: string;
  /** The package folder as found (a workspace symlink is not resolved). */
  readonly dir: string;
  /** Absolute path of the entry named by `tfscale.plugin`. */
  readonly entry: string;
}

/**
 * Options for {@link discoverPlugins}.
 *
 * @example
 * ```ts
 * await discoverPlugins({ cwd: workspaceFolder, logger });
 * ```
 */
export interface DiscoverOptions {
  /** Where the search starts; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** Told about packages with a malformed `tfscale` field (they are skipped). */
  readonly logger?: Pick<Logger, 'warn'>;
}

/**
 * Lists installed plugin packages, nearest `node_modules` first; a package name found in two
 * folders is reported once, from the nearest. Scoped (`@scope/name`) and symlinked workspace
 * packages are included.
 *
 * @example
 * ```ts
 * const found = await discoverPlugins({ cwd: process.cwd() });
 * await loadPlugins(found.map((d) => ({ plugin: importPlugin(d), source: d.packageName })), root);
 * ```
 */
export async function discoverPlugins(options: DiscoverOptions = {}): Promise<PluginDescriptor[]> {
  const found = new Map<string, PluginDescriptor>();
  let dir = path.resolve(options.cwd ?? process.cwd());
  for (;;) {
    if (path.basename(dir) !== 'node_modules') {
      // Folders of one node_modules are read concurrently; levels in order, so nearest wins.
      for (const descriptor of await scanNodeModules(path.join(dir, 'node_modules'), options.logger)) {
        if (!found.has(descriptor.packageName)) found.set(descriptor.packageName, descriptor);
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...found.values()];
}

async function scanNodeModules(nodeModules: string, logger?: Pick<Logger, 'warn'>): Promise<PluginDescriptor[]> {
  const packageDirs = (await listDirs(nodeModules)).map(async (name) =>
    name.startsWith('@')
      ? (await listDirs(path.join(nodeModules, name))).map((n) => path.join(nodeModules, name, n))
      : [path.join(nodeModules, name)],
  );
  const dirs = (await Promise.all(packageDirs)).flat();
  const descriptors = await Promise.all(dirs.map((dir) => readDescriptor(dir, logger)));
  return descriptors.filter((d): d is PluginDescriptor => d !== undefined);
}

/** Entries that may be package folders: directories and symlinks, not dotfiles or `.bin`. */
async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink())).map((e) => e.name);
  } catch {
    return [];
  }
}

async function readDescriptor(dir: string, logger?: Pick<Logger, 'warn'>): Promise<PluginDescriptor | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  // Most packages are not plugins: skip the JSON parse unless the key can be there.
  if (!text.includes('"tfscale"')) return undefined;
  let pkg: { name?: unknown; version?: unknown; tfscale?: { plugin?: unknown } };
  try {
    pkg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof pkg.tfscale !== 'object' || pkg.tfscale === null || !('plugin' in pkg.tfscale)) return undefined;
  const entry = pkg.tfscale.plugin;
  const name = typeof pkg.name === 'string' ? pkg.name : path.basename(dir);
  const resolved = typeof entry === 'string' && entry !== '' ? path.resolve(dir, entry) : undefined;
  if (!resolved || path.relative(dir, resolved).startsWith('..')) {
    logger?.warn(
      `Skipping ${name}: "tfscale.plugin" must be a file path inside the package, got ${JSON.stringify(entry)}.`,
    );
    return undefined;
  }
  return { packageName: name, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0', dir, entry: resolved };
}

/**
 * Loads a discovered package's entry and returns its plugin factory (`default` export, `plugin`
 * export, or `module.exports` itself). Throws `TFSCALE_E_PLUGIN_ENTRY_MISSING`,
 * `TFSCALE_E_PLUGIN_IMPORT_FAILED` or `TFSCALE_E_PLUGIN_INVALID`, each naming the package.
 *
 * @example
 * ```ts
 * const factory = importPlugin(descriptor);
 * await loadPlugins([{ plugin: factory, source: descriptor.packageName }], root);
 * ```
 */
export function importPlugin(descriptor: PluginDescriptor): PluginFactory {
  const { packageName, entry } = descriptor;
  if (!existsSync(entry)) {
    throw new TfscaleError(
      'TFSCALE_E_PLUGIN_ENTRY_MISSING',
      `Plugin package ${packageName} names entry ${entry}, which does not exist.`,
      {
        hint: `Reinstall ${packageName}, or if you maintain it, build it before use (its "tfscale.plugin" must point at a built file).`,
      },
    );
  }
  let mod: unknown;
  try {
    mod = require(entry);
  } catch (err) {
    if (isTfscaleError(err)) throw err;
    throw new TfscaleError(
      'TFSCALE_E_PLUGIN_IMPORT_FAILED',
      `Plugin package ${packageName} failed to load (${entry}): ${err instanceof Error ? err.message : String(err)}`,
      { hint: `Reinstall ${packageName}; if that does not help, report this to its maintainers.`, cause: err },
    );
  }
  const exports = mod as { default?: unknown; plugin?: unknown } | undefined;
  const factory = typeof mod === 'function' ? mod : (exports?.default ?? exports?.plugin);
  if (typeof factory !== 'function') {
    throw new TfscaleError(
      'TFSCALE_E_PLUGIN_INVALID',
      `Plugin package ${packageName} exports no plugin factory (${entry}).`,
      {
        hint: 'Export a factory as `default` or `plugin`: (options) => ({ meta: { name, version, sdk }, register(container, ctx) }).',
      },
    );
  }
  return factory as PluginFactory;
}
