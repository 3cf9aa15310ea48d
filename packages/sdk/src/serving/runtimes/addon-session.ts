/**
 * SavedModel sessions on tfscale's own addon (packages/sdk/native/serving_session.cc): feeds go in
 * as raw bytes of any dtype, fetches come back the same way, and a run can execute on libuv's
 * thread pool so the JS thread keeps reading and answering requests while TensorFlow computes
 * (with tfjs-node's binding every run blocks the JS thread). Used when the addon is built; the
 * tfjs-node path in native-session.ts stays as the fallback.
 */
import { loadGraphAddon } from '../../training/compiled/addon';
import { GRPC_CODES } from '../grpc/grpc-wire';
import { TYPED_ARRAYS } from '../rest/dtypes';
import { ServingError, type ServingErrorCode, type ServingTensor } from '../types';
import { dtName, dtypeFromCode, SERVING_DTYPES } from './tf-dtypes';

type Handle = { readonly __servingHandle: unique symbol };

interface Fetched {
  dtype: number;
  shape: number[];
  data: ArrayBuffer | Uint8Array[];
}

/** What `runServing` returns: the fetches, and how long TensorFlow ran. */
type RunResult = Fetched[] & { runMicros?: number };

/** The serving part of the addon (see serving_session.cc). */
interface ServingAddon {
  loadServingSession(dir: string, tags: string[], config: Uint8Array): Handle;
  prepareServing(session: Handle, feeds: string[], fetches: string[]): Handle;
  runServing(
    prepared: Handle,
    dtypes: number[],
    shapes: number[][],
    data: Array<ArrayBufferView | Uint8Array[]>,
    async: boolean,
  ): RunResult | Promise<RunResult>;
  closeServing(session: Handle): void;
}

/**
 * The addon's serving functions, or undefined when the addon is not built (or predates them).
 * @example
 *   if (servingAddon()) console.log('runs leave the JS thread');
 */
export function servingAddon(): ServingAddon | undefined {
  const addon = loadGraphAddon().addon as unknown as Partial<ServingAddon> | undefined;
  return typeof addon?.runServing === 'function' ? (addon as ServingAddon) : undefined;
}

/** TensorFlow's status codes are gRPC's numbers; UNKNOWN (what many kernels raise on bad data) reads as a bad request. */
const TF_CODES = new Map(Object.entries(GRPC_CODES).map(([name, n]) => [n, name as ServingErrorCode]));
function servingError(err: unknown): ServingError {
  if (err instanceof ServingError) return err;
  const e = err as { message?: string; tfCode?: number };
  const code = TF_CODES.get(e.tfCode ?? 3) ?? 'INVALID_ARGUMENT';
  return new ServingError(
    code === 'OK' || code === 'UNKNOWN' ? 'INVALID_ARGUMENT' : code,
    String(e.message ?? err).trim(),
  );
}

function toServing(f: Fetched, key: string): ServingTensor {
  const dtype = dtypeFromCode(f.dtype);
  if (!dtype) {
    throw new ServingError(
      'UNIMPLEMENTED',
      `Output "${key}" has dtype ${dtName(f.dtype)}, which the model server cannot return.`,
    );
  }
  if (dtype === 'string') return { dtype, shape: f.shape, data: f.data as Uint8Array[] };
  return { dtype, shape: f.shape, data: new TYPED_ARRAYS[dtype](f.data as ArrayBuffer) };
}

/** Prepared feed/fetch lists kept per distinct request shape of names; more are prepared anew. */
const MAX_PREPARED = 64;

/**
 * Where a run executes: `auto` (the default) runs it inline only while the server is otherwise idle
 * (no run on the pool, the event loop mostly idle) and the model is quick: a hand-off to the pool
 * costs two thread wake-ups, tens of µs on a VM, more than a small model's whole call. Under load
 * every run leaves the JS thread, which then parses and answers other requests meanwhile. (An inline
 * MLP call that takes 33 µs alone took ~100 µs of the JS thread at 64 connections on 2 cores, with
 * TensorFlow's intra-op threads competing for the other core.)
 */
export type RunPlacement = 'auto' | 'inline' | 'offThread';

/** A call this long (µs, TensorFlow's own time) always leaves the JS thread. */
const LONG_CALL_MICROS = 1000;
/** Event-loop utilisation from which runs leave the JS thread. */
const BUSY_LOOP = 0.5;
/** How often the utilisation is re-read (ms). */
const LOOP_SAMPLE_MS = 20;

let loopMark = performance.eventLoopUtilization();
let loopReadAt = 0;
let loopBusy = false;
/** Runs of any session on the pool now: one there means the server is under concurrent load. */
let runsOffThread = 0;

/** Whether the event loop was busy over the last sample (re-read at most every LOOP_SAMPLE_MS). */
function eventLoopBusy(): boolean {
  const now = performance.now();
  if (now - loopReadAt >= LOOP_SAMPLE_MS) {
    loopBusy = performance.eventLoopUtilization(loopMark).utilization >= BUSY_LOOP;
    loopMark = performance.eventLoopUtilization();
    loopReadAt = now;
  }
  return loopBusy;
}

/**
 * One SavedModel meta graph in the addon; see {@link RunPlacement} for where runs execute.
 * @example
 *   const s = AddonSession.open(addon, 'models/half/1', ['serve']);
 *   const [y] = await s.run([{ name: 'x:0', tensor }], [{ name: 'y:0', key: 'y' }]);
 */
export class AddonSession {
  readonly #prepared = new Map<string, Handle>();
  #open = true;
  /** Moving average of TensorFlow's time per call (µs); -1 until the first call. */
  #callMicros = -1;
  /** Where this session's runs went so far. */
  readonly placed = { inline: 0, offThread: 0 };

  private constructor(
    private readonly addon: ServingAddon,
    private readonly handle: Handle,
  ) {}

  static open(addon: ServingAddon, dir: string, tags: readonly string[]): AddonSession {
    try {
      return new AddonSession(addon, addon.loadServingSession(dir, [...tags], new Uint8Array(0)));
    } catch (err) {
      throw new ServingError(
        'INTERNAL',
        `TensorFlow could not load the SavedModel in ${dir}: ${servingError(err).message}`,
      );
    }
  }

  async run(
    feeds: ReadonlyArray<{ name: string; tensor: ServingTensor }>,
    fetches: ReadonlyArray<{ name: string; key: string }>,
    placement: RunPlacement = 'auto',
  ): Promise<ServingTensor[]> {
    if (!this.#open) throw new ServingError('UNAVAILABLE', 'The servable was unloaded.');
    const offThread =
      placement === 'offThread' ||
      (placement === 'auto' &&
        (this.#callMicros < 0 || this.#callMicros >= LONG_CALL_MICROS || runsOffThread > 0 || eventLoopBusy()));
    this.placed[offThread ? 'offThread' : 'inline']++;
    let fetched: RunResult;
    try {
      const prepared = this.#prepare(feeds, fetches);
      const pending = this.addon.runServing(
        prepared,
        feeds.map((f) => SERVING_DTYPES[f.tensor.dtype].code),
        feeds.map((f) => f.tensor.shape),
        feeds.map((f) => f.tensor.data),
        offThread,
      );
      if (Array.isArray(pending)) fetched = pending;
      else {
        runsOffThread++;
        try {
          fetched = await pending;
        } finally {
          runsOffThread--;
        }
      }
    } catch (err) {
      throw servingError(err);
    }
    const micros = fetched.runMicros ?? 0;
    this.#callMicros = this.#callMicros < 0 ? micros : 0.8 * this.#callMicros + 0.2 * micros;
    return fetched.map((f, i) => toServing(f, fetches[i]!.key));
  }

  #prepare(feeds: ReadonlyArray<{ name: string }>, fetches: ReadonlyArray<{ name: string }>): Handle {
    const key = `${feeds.map((f) => f.name).join(',')}|${fetches.map((f) => f.name).join(',')}`;
    let prepared = this.#prepared.get(key);
    if (!prepared) {
      if (this.#prepared.size >= MAX_PREPARED) this.#prepared.clear();
      prepared = this.addon.prepareServing(
        this.handle,
        feeds.map((f) => f.name),
        fetches.map((f) => f.name),
      );
      this.#prepared.set(key, prepared);
    }
    return prepared;
  }

  /** Frees the session once runs in flight have finished; later runs throw UNAVAILABLE. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#prepared.clear();
    this.addon.closeServing(this.handle);
  }
}
