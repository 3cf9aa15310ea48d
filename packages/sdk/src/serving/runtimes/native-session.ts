/**
 * One TensorFlow session on a SavedModel (the TF C API's `TF_LoadSessionFromSavedModel`, as TF
 * Serving does), serving every signature of that meta graph: on tfscale's own addon when it is
 * built (addon-session.ts: runs leave the JS thread), else on tfjs-node's addon.
 *
 * Why not `tf.node.loadSavedModel` (the SDK's `loadSavedModel`): it first maps every signature's
 * dtypes to tfjs dtypes and throws on the first it lacks (DT_DOUBLE, DT_HALF, …), so one float64
 * signature makes the whole model unloadable; it feeds int64 from int32 tensors (values beyond 2^31
 * would be wrong); it cannot read uint8 outputs; it warns on every int64 output. The addon itself
 * carries all of these (see native-tensors.ts).
 */
import { NativeBackend } from '../../backend/native-backend';
import { packageDir } from '../../backend/native-status';
import { loadTf } from '../../backend/tf';
import { ServingError, type ServingTensor } from '../types';
import { AddonSession, type RunPlacement, servingAddon } from './addon-session';
import { fromNative, type NativeBinding, toNative } from './native-tensors';

let cached: NativeBinding | undefined;

/**
 * tfjs-node's binding, loading the addon on first use without changing the active tfjs backend.
 * Throws FAILED_PRECONDITION naming the reason and the fix when the native backend is missing.
 * @example
 *   const binding = await nativeBinding();
 */
export async function nativeBinding(): Promise<NativeBinding> {
  if (cached) return cached;
  // A negative TF_NUM_INTEROP_THREADS makes TensorFlow run a session's graph in the calling thread
  // (DirectSession's run_in_caller_thread_; read once, at the first session): the JS thread or the
  // libuv worker that runs it, so the default hand-off to the inter-op pool only adds thread
  // wake-ups: an MLP 784-256-10 call at batch 1 took 83 µs with it and 36 µs without (2 cores),
  // more after idle gaps. Kernels still use the intra-op pool; an operator's own value wins.
  process.env.TF_NUM_INTEROP_THREADS ??= '-1';
  const tf = loadTf();
  const engine = tf.engine() as unknown as { backendName: string | null };
  const previous = engine.backendName;
  if (previous !== 'tensorflow') {
    const native = new NativeBackend(false);
    const availability = await native.probe();
    if (!availability.available) {
      throw new ServingError(
        'FAILED_PRECONDITION',
        `Serving a SavedModel needs the native TensorFlow backend (@tensorflow/tfjs-node), which is unavailable: ` +
          `${availability.reason}. HINT: ${availability.fix ?? 'npx tfscale setup-native'}`,
      );
    }
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    require(packageDir('@tensorflow/tfjs-node') ?? '@tensorflow/tfjs-node');
    // Requiring tfjs-node makes it the active backend; TF.js models keep the one the host chose.
    if (previous && tf.engine().backendName !== previous) await tf.setBackend(previous);
  }
  const backend = tf.findBackend('tensorflow') as unknown as { binding?: NativeBinding } | null;
  if (!backend?.binding) {
    throw new ServingError('FAILED_PRECONDITION', 'The native TensorFlow backend registered no binding.');
  }
  cached = backend.binding;
  return cached;
}

/**
 * A feed or fetch of {@link NativeSession.run}: graph tensor name (`x:0`) and, for feeds, the tensor.
 * @example
 *   const feed: NativeFeed = { name: 'serving_default_x:0', tensor };
 */
export interface NativeFeed {
  name: string;
  tensor: ServingTensor;
}

/**
 * A loaded SavedModel meta graph. On tfscale's addon (when built) runs may compute on libuv's pool
 * and overlap (see RunPlacement); on tfjs-node's binding (the fallback) each run blocks the JS thread.
 * @example
 *   const session = await NativeSession.open('models/half/1', ['serve']);
 *   const [y] = await session.run([{ name: 'x:0', tensor }], [{ name: 'y:0', key: 'y' }]);
 *   session.close();
 */
export class NativeSession {
  private constructor(private readonly impl: AddonSession | BindingSession) {}

  /** Loads the meta graph whose tag set is `tags` (restoring variables, running init ops). */
  static async open(dir: string, tags: readonly string[]): Promise<NativeSession> {
    // Loads TensorFlow and sets its thread environment before the first session either way.
    const binding = await nativeBinding();
    const addon = servingAddon();
    return new NativeSession(addon ? AddonSession.open(addon, dir, tags) : BindingSession.open(binding, dir, tags));
  }

  /** Whether runs can leave the JS thread (tfscale's addon is built). */
  get offThread(): boolean {
    return this.impl instanceof AddonSession;
  }

  /** Where runs went so far (on tfscale's addon; the fallback runs everything inline). */
  get placed(): { readonly inline: number; readonly offThread: number } | undefined {
    return this.impl instanceof AddonSession ? { ...this.impl.placed } : undefined;
  }

  /**
   * Feeds `feeds`, fetches `fetches` (by graph name); errors carry TF's status code and text.
   * `placement` applies on tfscale's addon (the fallback always runs inline).
   */
  run(
    feeds: readonly NativeFeed[],
    fetches: ReadonlyArray<{ name: string; key: string }>,
    placement: RunPlacement = 'auto',
  ): Promise<ServingTensor[]> {
    return this.impl instanceof AddonSession
      ? this.impl.run(feeds, fetches, placement)
      : Promise.resolve().then(() => (this.impl as BindingSession).run(feeds, fetches));
  }

  /** Frees the session (after runs in flight); later runs throw UNAVAILABLE. */
  close(): void {
    this.impl.close();
  }
}

/** The fallback: tfjs-node's SavedModel session, run synchronously. */
class BindingSession {
  #open = true;

  private constructor(
    private readonly binding: NativeBinding,
    private readonly id: number,
  ) {}

  static open(binding: NativeBinding, dir: string, tags: readonly string[]): BindingSession {
    try {
      return new BindingSession(binding, binding.loadSavedModel(dir, tags.join(',')));
    } catch (err) {
      throw new ServingError('INTERNAL', `TensorFlow could not load the SavedModel in ${dir}: ${errorText(err)}`);
    }
  }

  run(feeds: readonly NativeFeed[], fetches: ReadonlyArray<{ name: string; key: string }>): ServingTensor[] {
    if (!this.#open) throw new ServingError('UNAVAILABLE', 'The servable was unloaded.');
    const b = this.binding;
    const created: number[] = [];
    try {
      const ids = feeds.map((f) => {
        const { id, temps } = toNative(b, f.tensor);
        created.push(id, ...temps);
        return id;
      });
      const infos = b.runSavedModel(
        this.id,
        ids,
        feeds.map((f) => f.name).join(','),
        fetches.map((f) => f.name).join(','),
      );
      const out: ServingTensor[] = [];
      for (const [i, info] of infos.entries()) {
        try {
          out.push(fromNative(b, info, fetches[i]!.key));
        } catch (err) {
          for (const rest of infos.slice(i + 1)) b.deleteTensor(rest.id);
          throw err;
        }
      }
      return out;
    } catch (err) {
      if (err instanceof ServingError) throw err;
      // The binding throws TF's status message without its code; bad inputs are by far the usual cause.
      throw new ServingError('INVALID_ARGUMENT', errorText(err));
    } finally {
      for (const id of created) b.deleteTensor(id);
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.binding.deleteSavedModel(this.id);
  }
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim();
}
