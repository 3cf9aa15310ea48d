import { TfscaleError } from '../core/errors';
import type { Backend, BackendAvailability } from './backend';
import { NativeBackend, NO_GPU_REASON } from './native-backend';
import type { Tf } from './tf';
import { CpuBackend, WasmBackend } from './wasm-backend';

/** The part of `Registry<Backend>` that selection needs. */
export interface BackendSource {
  names(): string[];
  get(name: string): Backend;
}

/** A backend that was passed over, and why. */
export interface SkippedBackend {
  name: string;
  reason: string;
  fix?: string;
}

/** The outcome of {@link selectBackend}. */
export interface BackendSelection {
  backend: Backend;
  tf: Tf;
  availability: BackendAvailability;
  /** How the choice was made: 'instance', 'name' or 'auto'. */
  via: 'instance' | 'name' | 'auto';
  skipped: SkippedBackend[];
  /** The one line printed when auto fell back from native; undefined when it did not. */
  notice?: string;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Receives the fallback notice; defaults to `console.warn`. */
  warn?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Registers the built-in backends: native-gpu, native, wasm, cpu.
 * @example
 *   registerBuiltinBackends(container.resolve(BackendRegistryToken));
 */
export function registerBuiltinBackends(registry: {
  register(name: string, value: Backend, opts?: { description?: string }): unknown;
}): void {
  registry.register('native-gpu', new NativeBackend(true), {
    description: 'TensorFlow C kernels on NVIDIA GPUs (tfjs-node-gpu)',
  });
  registry.register('native', new NativeBackend(false), { description: 'TensorFlow C kernels on the CPU (tfjs-node)' });
  registry.register('wasm', new WasmBackend(), { description: 'XNNPACK kernels in WebAssembly' });
  registry.register('cpu', new CpuBackend(), { description: 'plain JavaScript kernels' });
}

/**
 * Resolves which backend runs the kernels and activates it. The order, first match wins:
 *
 * 1. a `Backend` instance passed in `choice`;
 * 2. a name: `choice`, else `TFSCALE_BACKEND` — it must be available, or this throws with the
 *    reason and the fix (a forced choice never falls back silently);
 * 3. `'auto'` (the default): every registered backend by descending priority; the first whose
 *    probe says available and whose activation succeeds wins. Falling back from `native` prints
 *    one line naming the reason and the fix.
 *
 * @example
 *   const { tf, backend } = await selectBackend(registry);       // auto
 *   await selectBackend(registry, 'wasm');                       // forced
 */
export async function selectBackend(
  registry: BackendSource,
  choice?: string | Backend,
  options: SelectBackendOptions = {},
): Promise<BackendSelection> {
  const env = options.env ?? process.env;
  const warn = options.warn ?? ((line: string) => console.warn(line));

  // 1. An instance.
  if (typeof choice === 'object') {
    const availability = await choice.probe();
    return { ...(await activateOrThrow(choice, availability)), via: 'instance', skipped: [] };
  }

  // 2. A name.
  const name =
    choice && choice !== 'auto'
      ? choice
      : env.TFSCALE_BACKEND && env.TFSCALE_BACKEND !== 'auto'
        ? env.TFSCALE_BACKEND
        : undefined;
  if (name) {
    const backend = registry.get(name);
    const availability = await backend.probe();
    return {
      ...(await activateOrThrow(backend, availability, choice ? 'backend' : 'TFSCALE_BACKEND')),
      via: 'name',
      skipped: [],
    };
  }

  // 3. Auto.
  const candidates = registry
    .names()
    .map((n) => registry.get(n))
    .sort((a, b) => b.priority - a.priority);
  const skipped: SkippedBackend[] = [];
  for (const backend of candidates) {
    const availability = await safeProbe(backend);
    if (!availability.available) {
      skipped.push({ name: backend.name, reason: availability.reason ?? 'unavailable', fix: availability.fix });
      continue;
    }
    try {
      const tf = (await backend.activate()) as Tf;
      const notice = fallbackNotice(backend, skipped);
      if (notice) warn(notice);
      return { backend, tf, availability, via: 'auto', skipped, notice };
    } catch (err) {
      skipped.push({
        name: backend.name,
        reason: `failed to load: ${(err as Error).message}`,
        fix: 'npx tfscale setup-native --verbose',
      });
    }
  }
  throw new TfscaleError(
    'TFSCALE_E_BACKEND_UNAVAILABLE',
    `No backend could be activated. Tried: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`,
    {
      hint: 'run `npx tfscale doctor` to see each backend and its fix',
    },
  );
}

async function safeProbe(backend: Backend): Promise<BackendAvailability> {
  try {
    return await backend.probe();
  } catch (err) {
    return { available: false, reason: `probe failed: ${(err as Error).message}` };
  }
}

async function activateOrThrow(backend: Backend, availability: BackendAvailability, field = 'backend') {
  if (!availability.available) {
    throw new TfscaleError(
      'TFSCALE_E_BACKEND_UNAVAILABLE',
      `Invalid value for \`${field}\`. Received: ${field}=${backend.name} Expected: an available backend; ${backend.name} is unavailable: ${availability.reason ?? 'no reason given'}`,
      { hint: availability.fix ?? 'run `npx tfscale doctor`' },
    );
  }
  const tf = (await backend.activate()) as Tf;
  return { backend, tf, availability };
}

/** Falling back from a native backend is news; having no GPU at all is the normal case. */
function fallbackNotice(chosen: Backend, skipped: SkippedBackend[]): string | undefined {
  const native = skipped.find((s) => (s.name === 'native' || s.name === 'native-gpu') && s.reason !== NO_GPU_REASON);
  if (!native) return undefined;
  const what = native.name === 'native' ? 'native TensorFlow' : 'native TensorFlow on the GPU';
  return `tfscale: using the ${chosen.name} backend because ${what} is unavailable: ${native.reason}. Fix: ${native.fix ?? 'npx tfscale setup-native'}`;
}
