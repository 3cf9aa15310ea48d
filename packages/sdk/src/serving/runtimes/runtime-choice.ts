/**
 * Which runtime serves a version directory when several can load it (a SavedModel folder that
 * also holds `model.onnx`, say): each loads the version, answers a batch-1 probe built from the
 * signature a few times, and the fastest median keeps the version; the others are disposed.
 * Per-model speed differs by an order of magnitude between runtimes (onnxruntime vs TF on a small
 * MLP), and priority alone cannot know which way a given model goes.
 */
import { allocate, elementCount } from '../rest/dtypes';
import type { Servable, ServingRuntime, ServingTensor, SignatureSpec } from '../types';
import { selectRuntime } from './runtime-registry';

/**
 * The runtime that won and what each candidate measured (µs per batch-1 call; `error` when it
 * could not load or answer the probe).
 * @example
 *   const { servable, runtime, trials } = await loadFastest(runtimes, 'models/mlp/3');
 */
export interface RuntimeChoice {
  readonly runtime: string;
  readonly servable: Servable;
  readonly trials: ReadonlyArray<{ runtime: string; micros?: number; error?: string }>;
}

const WARM_CALLS = 3;
const TIMED_CALLS = 7;

/**
 * Loads `versionDir` with the forced runtime, the only runtime that claims it, or the one whose
 * probe runs fastest. A version no probe can be built for (unknown input ranks) goes to the
 * highest-priority runtime that loads it.
 * @example
 *   const choice = await loadFastest(registry.list().map((e) => e.value), dir, flags.runtime);
 */
export async function loadFastest(
  runtimes: readonly ServingRuntime[],
  versionDir: string,
  forced?: string,
): Promise<RuntimeChoice> {
  if (forced !== undefined) {
    const runtime = await selectRuntime(runtimes, versionDir, forced);
    return { runtime: runtime.name, servable: await runtime.load(versionDir), trials: [] };
  }
  const ordered = [...runtimes].sort((a, b) => b.priority - a.priority);
  const candidates: ServingRuntime[] = [];
  for (const r of ordered) if (await r.canLoad(versionDir)) candidates.push(r);
  if (candidates.length <= 1) {
    const runtime = candidates[0] ?? (await selectRuntime(runtimes, versionDir));
    return { runtime: runtime.name, servable: await runtime.load(versionDir), trials: [] };
  }
  const trials: { runtime: string; micros?: number; error?: string }[] = [];
  let best: { runtime: string; servable: Servable; micros: number } | undefined;
  let firstError: unknown;
  for (const runtime of candidates) {
    let servable: Servable | undefined;
    try {
      servable = await runtime.load(versionDir);
      const micros = await probeMicros(servable);
      trials.push({ runtime: runtime.name, ...(micros === undefined ? {} : { micros }) });
      // Without a probe, keep the first (highest-priority) runtime that loads.
      const better = best === undefined || (micros !== undefined && micros < best.micros);
      if (better) {
        await best?.servable.dispose();
        best = { runtime: runtime.name, servable, micros: micros ?? Number.POSITIVE_INFINITY };
        if (micros === undefined) break;
      } else await servable.dispose();
    } catch (err) {
      firstError ??= err;
      trials.push({ runtime: runtime.name, error: (err as Error).message });
      await servable?.dispose();
    }
  }
  if (!best) throw firstError;
  return { runtime: best.runtime, servable: best.servable, trials };
}

/** Median µs of a batch-1 call of the default signature, or undefined when no probe can be built. */
async function probeMicros(servable: Servable): Promise<number | undefined> {
  const key = 'serving_default' in servable.signatures ? 'serving_default' : Object.keys(servable.signatures)[0];
  const signature = key === undefined ? undefined : servable.signatures[key];
  const inputs = signature && probeInputs(signature);
  if (!key || !inputs) return undefined;
  for (let i = 0; i < WARM_CALLS; i++) await servable.predict(key, inputs);
  const times: number[] = [];
  for (let i = 0; i < TIMED_CALLS; i++) {
    const t0 = process.hrtime.bigint();
    await servable.predict(key, inputs);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Zeros (empty strings) of each input's shape with unknown dimensions set to 1. */
export function probeInputs(signature: SignatureSpec): Record<string, ServingTensor> | undefined {
  const inputs: Record<string, ServingTensor> = {};
  for (const spec of signature.inputs) {
    if (!spec.shape) return undefined;
    const shape = spec.shape.map((d) => (d < 0 ? 1 : d));
    const n = elementCount(shape);
    if (n > 1 << 24) return undefined; // not worth timing at load
    inputs[spec.key] = {
      dtype: spec.dtype,
      shape,
      data: spec.dtype === 'string' ? Array.from({ length: n }, () => new Uint8Array(0)) : allocate(spec.dtype, n),
    };
  }
  return inputs;
}
