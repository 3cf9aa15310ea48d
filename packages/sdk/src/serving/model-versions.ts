/**
 * Which versions to serve: listing a base path (TFS `sources/storage_path/
 * file_system_storage_path_source.cc`), the version policy, and TF Serving's
 * `AvailabilityPreservingPolicy` ordering of loads and unloads (TFS
 * `core/availability_preserving_policy.cc`).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ServableVersionPolicy } from './model-config';

/**
 * The numeric version folders of a base path, or why there are none.
 * @example
 *   const scan: VersionScan = { versions: new Map([[1, '/models/half/1']]), warnings: [] };
 */
export interface VersionScan {
  /** version → folder. */
  versions: Map<number, string>;
  /** Non-fatal: duplicates (`001` and `1`), no version at all, numbers beyond 2^53. */
  warnings: string[];
  /** The base path could not be listed: keep serving what is loaded. */
  error?: string;
}

/**
 * Lists `basePath`: children whose name is all digits and that are folders are versions, other
 * names (`tfjs/`, `.tmp-*`) are ignored. Messages are TF Serving's.
 * @example
 *   const { versions } = await scanVersions('/models/half', 'half');
 */
export async function scanVersions(basePath: string, servable: string): Promise<VersionScan> {
  const versions = new Map<number, string>();
  const names = new Map<number, string>();
  const warnings: string[] = [];
  let children: string[];
  try {
    children = (await fs.readdir(basePath)).sort();
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { versions, warnings, error: `Could not find base path ${basePath} for servable ${servable} (${why})` };
  }
  for (const name of children) {
    if (!/^\d+$/.test(name)) continue;
    const version = Number(name);
    if (!Number.isSafeInteger(version)) {
      warnings.push(`Ignoring version folder ${name} of servable ${servable}: beyond 2^53.`);
      continue;
    }
    const dir = path.join(basePath, name);
    const isDir = await fs.stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) continue;
    const earlier = names.get(version);
    if (earlier !== undefined) {
      warnings.push(
        `Duplicate version directories detected. Version ${version} will be loaded from ${dir}, ${path.join(basePath, earlier)} will be ignored.`,
      );
    }
    names.set(version, name);
    versions.set(version, dir);
  }
  if (versions.size === 0) {
    warnings.push(
      `No versions of servable ${servable} found under base path ${basePath}. Did you forget to name your leaf directory as a number (eg. '/1/')?`,
    );
  }
  return { versions, warnings };
}

/**
 * The versions `policy` aspires to among `available`: latest n (n ≥ 1, default 1), all, or the
 * listed ones that exist.
 * @example
 *   aspiredVersions({ latest: { numVersions: 2 } }, [1, 2, 3]); // [3, 2]
 */
export function aspiredVersions(policy: ServableVersionPolicy | undefined, available: Iterable<number>): number[] {
  const sorted = [...available].sort((a, b) => b - a);
  if (policy && 'all' in policy && policy.all) return sorted;
  if (policy && 'specific' in policy && policy.specific) {
    const wanted = new Set((policy.specific.versions ?? []).map(Number));
    return sorted.filter((v) => wanted.has(v));
  }
  const latest = policy && 'latest' in policy ? policy.latest : undefined;
  return sorted.slice(0, Math.max(Number(latest?.numVersions ?? 1), 1));
}

/**
 * A version as the availability-preserving policy sees it.
 * @example
 *   const v: VersionSnapshot = { version: 2, aspired: true, state: 'new' };
 */
export interface VersionSnapshot {
  version: number;
  aspired: boolean;
  /** new: waiting to load; ready: serving; error: its load failed. Loading/unloading ones are left out. */
  state: 'new' | 'ready' | 'error';
}

/**
 * The next load or unload, TF Serving's way: unload the lowest un-aspired ready version when no
 * version is aspired, an aspired one is ready, or more than one un-aspired one is ready (so the
 * last serving version stays until its successor is up); else load the highest new aspired one.
 * @example
 *   nextVersionAction([{ version: 1, aspired: false, state: 'ready' }, { version: 2, aspired: true, state: 'new' }]);
 *   // { kind: 'load', version: 2 }
 */
export function nextVersionAction(
  versions: readonly VersionSnapshot[],
): { kind: 'load' | 'unload'; version: number } | undefined {
  const aspired = versions.filter((v) => v.aspired);
  const unaspiredReady = versions.filter((v) => !v.aspired && v.state === 'ready').map((v) => v.version);
  if (aspired.length === 0 || aspired.some((v) => v.state === 'ready') || unaspiredReady.length > 1) {
    if (unaspiredReady.length > 0) return { kind: 'unload', version: Math.min(...unaspiredReady) };
  }
  const fresh = aspired.filter((v) => v.state === 'new').map((v) => v.version);
  return fresh.length > 0 ? { kind: 'load', version: Math.max(...fresh) } : undefined;
}
