/**
 * Serving runtimes as a plugin point: the shared `Registry<ServingRuntime>` under
 * `ServingRuntimeRegistryToken`, the built-ins, and the per-version choice (forced name, else
 * `canLoad` by descending priority).
 */
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from '../../core/logger';
import { Registry } from '../../core/registry';
import { ServingRuntimeRegistryToken } from '../../core/tokens';
import { ServingError, type ServingRuntime } from '../types';
import { SavedModelRuntime } from './savedmodel-runtime';
import { TfjsRuntime } from './tfjs-runtime';

/**
 * The container's serving runtime registry, created and registered on first use (runtimes are
 * cheap descriptors, so the registry holds them directly, like backends).
 * @example
 *   servingRuntimeRegistry(container).register('onnx', new OnnxRuntime());
 */
export function servingRuntimeRegistry(container: DependencyContainer): Registry<ServingRuntime> {
  if (!container.isRegistered(ServingRuntimeRegistryToken, true)) {
    container.registerInstance(ServingRuntimeRegistryToken, new Registry<ServingRuntime>('serving runtime'));
  }
  return container.resolve(ServingRuntimeRegistryToken);
}

/**
 * Registers `savedmodel` (native TensorFlow) and `tfjs`; `logger` hears about SavedModel
 * signatures that cannot be served.
 * @example
 *   registerBuiltinRuntimes(servingRuntimeRegistry(container), container.resolve(LoggerToken));
 */
export function registerBuiltinRuntimes(
  registry: Pick<Registry<ServingRuntime>, 'register'>,
  logger?: Pick<Logger, 'warn'>,
): void {
  registry.register('savedmodel', new SavedModelRuntime(logger ? { logger } : {}), {
    description: 'SavedModel (saved_model.pb) run by native TensorFlow through tfjs-node, every signature',
  });
  registry.register('tfjs', new TfjsRuntime(), {
    description: 'TF.js Layers or graph model (model.json) on the active tfjs backend',
  });
}

/**
 * The runtime for a version directory: `forced` (a `--runtime` name or a config `model_platform`
 * naming a runtime) if given, else the highest-priority runtime whose `canLoad` says yes (ties:
 * registration order). Throws NOT_FOUND when none claims the directory.
 * @example
 *   const runtime = await selectRuntime(registry.list().map((e) => e.value), 'models/half/3');
 */
export async function selectRuntime(
  runtimes: readonly ServingRuntime[],
  versionDir: string,
  forced?: string,
): Promise<ServingRuntime> {
  if (forced !== undefined) {
    const runtime = runtimes.find((r) => r.name === forced);
    if (!runtime) {
      const names = runtimes.map((r) => `"${r.name}"`).join(', ');
      throw new ServingError('INVALID_ARGUMENT', `Unknown serving runtime "${forced}". Available: ${names || 'none'}.`);
    }
    if (!(await runtime.canLoad(versionDir))) {
      throw new ServingError('NOT_FOUND', `The ${forced} runtime finds no model it can load in ${versionDir}.`);
    }
    return runtime;
  }
  const ordered = runtimes.map((r, i) => ({ r, i })).sort((a, b) => b.r.priority - a.r.priority || a.i - b.i);
  for (const { r } of ordered) if (await r.canLoad(versionDir)) return r;
  throw new ServingError(
    'NOT_FOUND',
    `Could not find a model to serve in ${versionDir}: no runtime claims it (tried ${ordered.map(({ r }) => r.name).join(', ') || 'none'}). ` +
      'A SavedModel needs saved_model.pb, a TF.js model model.json.',
  );
}
