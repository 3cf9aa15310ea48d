/**
 * The backend plugin point: which TensorFlow kernels execute (native TF, wasm, pure JS, or a
 * plugin's). Backends are cheap descriptors: nothing heavy loads before `activate()`.
 */
import { createToken } from '../core/tokens';

/**
 * The outcome of {@link Backend.probe}. When unavailable, `reason` says why and `fix` how to
 * repair it; selection prints both in its one fallback warning.
 *
 * @example
 * ```ts
 * const missing: BackendAvailability = {
 *   available: false,
 *   reason: 'tfjs_binding.node is not built',
 *   fix: 'Run `npm rebuild @tensorflow/tfjs-node --build-from-source`.',
 * };
 * ```
 */
export interface BackendAvailability {
  available: boolean;
  reason?: string;
  fix?: string;
  version?: string;
  detail?: Record<string, unknown>;
}

/**
 * A TensorFlow backend. `probe()` must never throw (report problems in the availability);
 * `activate()` loads it, calls `tf.setBackend` and resolves to the tfjs namespace.
 *
 * @example
 * ```ts
 * const cpu: Backend = {
 *   name: 'cpu', tfjsBackend: 'cpu', priority: 0,
 *   probe: async () => ({ available: true }),
 *   activate: async () => { const tf = await import('@tensorflow/tfjs'); await tf.setBackend('cpu'); return tf; },
 * };
 * ```
 */
export interface Backend {
  readonly name: string; // 'native' | 'native-gpu' | 'wasm' | 'cpu' | a plugin's
  readonly tfjsBackend: string; // the tfjs backend name it registers ('tensorflow', 'wasm', 'cpu')
  readonly priority: number; // higher is tried first when the choice is 'auto'
  probe(): Promise<BackendAvailability>;
  activate(): Promise<unknown>; // loads it, calls tf.setBackend, resolves to the tfjs namespace
}

/**
 * The active backend of this process (backends are process-wide in tfjs).
 *
 * @example
 * ```ts
 * root.registerInstance(BackendToken, chosen);
 * ```
 */
export const BackendToken = createToken<Backend>('Backend');
