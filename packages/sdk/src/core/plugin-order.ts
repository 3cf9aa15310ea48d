/**
 * Dependency ordering for `loadPlugins`: drops plugins whose `dependsOn` cannot be met, refuses
 * cycles, and sorts the rest so every plugin registers after what it depends on.
 */
import { TfscaleError } from './errors';
import type { RefusedPlugin, TfscalePlugin } from './plugin';

/**
 * Drops plugins with missing dependencies (`TFSCALE_E_PLUGIN_MISSING_DEPENDENCY`) or in a cycle
 * (`TFSCALE_E_PLUGIN_DEPENDENCY_CYCLE`), reporting each through `fail` (which throws unless
 * errors are collected), then returns the rest dependencies-first, otherwise in input order.
 *
 * @example
 * ```ts
 * const order = orderByDependencies(accepted, (name) => loaded.has(name), refused, fail);
 * ```
 */
export function orderByDependencies(
  accepted: Map<string, TfscalePlugin>,
  loadedBefore: (name: string) => boolean,
  refused: readonly RefusedPlugin[],
  fail: (name: string, error: TfscaleError) => void,
): TfscalePlugin[] {
  for (;;) {
    let changed = false;
    for (const [name, plugin] of accepted) {
      const missing = (plugin.meta.dependsOn ?? []).find((dep) => !accepted.has(dep) && !loadedBefore(dep));
      if (missing === undefined) continue;
      const wasRefused = refused.some((r) => r.name === missing);
      accepted.delete(name);
      changed = true;
      fail(name, missingDependency(name, missing, wasRefused ? 'was refused' : 'is not loaded'));
    }
    if (changed) continue;
    const cycle = findCycle(accepted);
    if (!cycle) break;
    const error = new TfscaleError(
      'TFSCALE_E_PLUGIN_DEPENDENCY_CYCLE',
      `Plugins depend on each other in a cycle: ${cycle.join(' → ')}.`,
      { hint: 'Break the cycle: one of these plugins must drop the other from meta.dependsOn.', plugin: cycle[0]! },
    );
    for (const name of new Set(cycle)) {
      accepted.delete(name);
      fail(name, error);
    }
  }
  const order: TfscalePlugin[] = [];
  const done = new Set<string>();
  const visit = (plugin: TfscalePlugin): void => {
    if (done.has(plugin.meta.name)) return;
    done.add(plugin.meta.name);
    for (const dep of plugin.meta.dependsOn ?? []) {
      const other = accepted.get(dep);
      if (other) visit(other);
    }
    order.push(plugin);
  };
  for (const plugin of accepted.values()) visit(plugin);
  return order;
}

/** A dependency cycle among `accepted` as a closed path (`a → b → a`), or undefined. */
function findCycle(accepted: ReadonlyMap<string, TfscalePlugin>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const dep of accepted.get(name)?.meta.dependsOn ?? []) {
      if (!accepted.has(dep)) continue;
      const cycle = walk(dep, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of accepted.keys()) {
    const cycle = walk(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The error for a plugin whose dependency is absent, refused or failed (`why` says which).
 *
 * @example
 * ```ts
 * missingDependency('child', 'parent', 'is not loaded');
 * ```
 */
export function missingDependency(name: string, dependency: string, why: string): TfscaleError {
  return new TfscaleError(
    'TFSCALE_E_PLUGIN_MISSING_DEPENDENCY',
    `Plugin "${name}" depends on plugin "${dependency}", which ${why}.`,
    {
      hint: `Install the package that provides plugin "${dependency}" (installed plugins are discovered), or load it before "${name}".`,
      plugin: name,
    },
  );
}
