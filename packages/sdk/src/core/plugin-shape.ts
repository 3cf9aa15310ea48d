/**
 * Shape checks for plugin modules and objects, so a broken plugin fails with one readable
 * `TFSCALE_E_PLUGIN_INVALID` naming its package instead of a TypeError deep in loading.
 */
import { validRange } from 'semver';
import { describeValue, isTfscaleError, TfscaleError } from './errors';
import type { PluginInput, PluginSource, TfscalePlugin } from './plugin';

const SHAPE_HINT =
  'A plugin package exports (as default or `plugin`) a factory returning { meta: { name, version, sdk }, register(container, ctx) }.';

/**
 * Turns one `loadPlugins` input into a checked plugin object: unwraps a {@link PluginSource},
 * calls a factory with its options, and checks `meta` and `register`.
 *
 * @example
 * ```ts
 * const plugin = validatePlugin({ plugin: mod.default, source: '@acme/tfscale-plugin-x' }, 0);
 * ```
 */
export function validatePlugin(input: PluginInput, index: number): TfscalePlugin {
  const isSource = typeof input === 'object' && input !== null && 'plugin' in input && !('meta' in input);
  const source = isSource ? (input as PluginSource) : undefined;
  let label = source?.source ?? `plugins[${index}]`;
  let value: unknown = source ? source.plugin : input;
  if (typeof value === 'function') {
    try {
      value = (value as (options: unknown) => unknown)(source?.options ?? {});
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new TfscaleError('TFSCALE_E_PLUGIN_INVALID', `The plugin factory of ${label} threw: ${reason}`, {
        hint: isTfscaleError(err) && err.hint ? err.hint : 'Check the options passed to this plugin.',
        hook: 'factory',
        cause: err,
      });
    }
  }
  const problems: string[] = [];
  const plugin = value as Partial<TfscalePlugin> | null | undefined;
  if (typeof plugin !== 'object' || plugin === null) {
    problems.push(`expected a plugin object or factory, received ${describeValue(value)}`);
  } else if (typeof (plugin as { then?: unknown }).then === 'function') {
    problems.push('its factory returned a Promise; plugin factories must be synchronous');
  } else {
    const meta = plugin.meta as Partial<TfscalePlugin['meta']> | undefined;
    if (typeof meta?.name === 'string' && meta.name !== '') label = source?.source ?? `"${meta.name}"`;
    if (typeof meta !== 'object' || meta === null) problems.push('meta is missing');
    else {
      if (typeof meta.name !== 'string' || meta.name === '') problems.push('meta.name must be a non-empty string');
      if (typeof meta.version !== 'string') problems.push('meta.version must be a string');
      if (typeof meta.sdk !== 'string' || validRange(meta.sdk) === null) {
        problems.push(`meta.sdk must be a semver range such as "^0.1.0", received ${describeValue(meta.sdk)}`);
      }
      const deps = meta.dependsOn;
      if (deps !== undefined && !(Array.isArray(deps) && deps.every((d) => typeof d === 'string'))) {
        problems.push('meta.dependsOn must be an array of plugin names');
      }
    }
    if (typeof plugin.register !== 'function') problems.push('register must be a function');
  }
  if (problems.length > 0) {
    const name = (plugin as Partial<TfscalePlugin> | undefined)?.meta?.name;
    throw new TfscaleError(
      'TFSCALE_E_PLUGIN_INVALID',
      `${label} is not a valid tfscale plugin: ${problems.join('; ')}.`,
      {
        hint: SHAPE_HINT,
        ...(typeof name === 'string' && name !== '' ? { plugin: name } : {}),
      },
    );
  }
  return plugin as TfscalePlugin;
}
