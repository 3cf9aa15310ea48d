import type { DependencyContainer } from 'tsyringe';
import { discoverPlugins, importPlugin } from '../core/discovery';
import { isTfscaleError } from '../core/errors';
import { loadPlugins, type PluginSource } from '../core/plugin';

/** One installed plugin package and what happened when it was loaded. */
export interface FoundPlugin {
  packageName: string;
  version: string;
  dir: string;
  loaded: boolean;
  /** The plugin's own name (`meta.name`) when it loaded. */
  name?: string;
  error?: string;
  code?: string;
}

/** The plugin part of the doctor report. */
export interface PluginReport {
  searchedFrom: string;
  found: FoundPlugin[];
}

/**
 * Discovers plugin packages from `cwd` and loads them into `container`, collecting (not
 * throwing) each refusal with its coded reason.
 * @example
 *   const { found } = await inspectPlugins(createRootContainer(), process.cwd());
 */
export async function inspectPlugins(container: DependencyContainer, cwd: string): Promise<PluginReport> {
  const descriptors = await discoverPlugins({ cwd });
  const found = new Map<string, FoundPlugin>();
  const sources: PluginSource[] = [];
  for (const d of descriptors) {
    const entry: FoundPlugin = { packageName: d.packageName, version: d.version, dir: d.dir, loaded: false };
    found.set(d.packageName, entry);
    try {
      sources.push({ plugin: importPlugin(d), source: d.packageName });
    } catch (err) {
      setError(entry, err);
    }
  }
  const result = await loadPlugins(sources, container, undefined, { onError: 'collect' });
  for (const meta of result.loaded) {
    const entry = found.get(result.sources.get(meta.name) ?? meta.name);
    if (entry) Object.assign(entry, { loaded: true, name: meta.name });
  }
  for (const refusal of result.refused) {
    const entry = found.get(refusal.source);
    if (entry) setError(entry, refusal.error);
  }
  return { searchedFrom: cwd, found: [...found.values()] };
}

function setError(entry: FoundPlugin, err: unknown): void {
  entry.loaded = false;
  entry.error = isTfscaleError(err) ? err.summary : (err as Error).message;
  if (isTfscaleError(err)) entry.code = err.code;
}
