/**
 * One served model: its versions and the serial work on them (TF Serving loads serially by
 * default, `--num_load_threads=0`). A reconcile lists the base path, applies the version policy,
 * then loads and unloads in availability-preserving order. A version goes START → LOADING →
 * (warmup) → AVAILABLE, or END with its error; it leaves through UNLOADING → END once no request
 * holds it. A failed version never replaces a serving one.
 */
import { isTfscaleError } from '../core/errors';
import type { ValidModelConfig } from './model-config-validate';
import { VersionSlot } from './model-version-slot';
import { aspiredVersions, nextVersionAction, scanVersions, type VersionSnapshot } from './model-versions';
import { warmUpServable } from './model-warmup';
import { loadFastest } from './runtimes/runtime-choice';
import {
  type ModelVersionEvent,
  type ModelVersionState,
  ServingError,
  type ServingErrorCode,
  type ServingRuntime,
  type WarmupEvent,
} from './types';

/**
 * What a {@link ModelEntry} needs from its manager.
 * @example
 *   const host: ModelEntryHost = { runtimes: () => [new SavedModelRuntime()], warmup: true, maxLoadRetries: 5, retryIntervalMs: 60_000, emitVersion, emitWarmup, warn };
 */
export interface ModelEntryHost {
  runtimes(): readonly ServingRuntime[];
  /** `--runtime`: used for every version unless the model's platform names a runtime. */
  forcedRuntime?: string;
  warmup: boolean;
  maxLoadRetries: number;
  retryIntervalMs: number;
  emitVersion(event: ModelVersionEvent): void;
  emitWarmup(event: WarmupEvent): void;
  warn(model: string, message: string): void;
}

const now = () => performance.now();

/**
 * A model's versions and its serial work queue.
 * @example
 *   const entry = new ModelEntry(config, host);
 *   await entry.reconcile();
 *   entry.latest()?.servable;
 */
export class ModelEntry {
  readonly slots = new Map<number, VersionSlot>();
  removed = false;
  #queue: Promise<void> = Promise.resolve();
  #pending: Promise<void> | undefined;
  #unloads = new Set<Promise<void>>();
  #lastWarnings = new Set<string>();

  constructor(
    public config: ValidModelConfig,
    private readonly host: ModelEntryHost,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** The highest AVAILABLE version (TF Serving's `Latest`). */
  latest(): VersionSlot | undefined {
    let best: VersionSlot | undefined;
    for (const s of this.slots.values()) if (s.state === 'AVAILABLE' && (!best || s.version > best.version)) best = s;
    return best;
  }

  /** Lists the base path and loads/unloads toward the policy; calls made while one waits share it. */
  reconcile(): Promise<void> {
    this.#pending ??= this.#enqueue(async () => {
      this.#pending = undefined;
      if (!this.removed) await this.#reconcile();
    });
    return this.#pending;
  }

  /** Takes the model out of service: pending versions end, serving ones unload once idle. */
  remove(): Promise<void> {
    return this.#enqueue(async () => {
      this.removed = true;
      for (const s of this.slots.values()) {
        if (s.state === 'START') this.#setState(s, 'END');
        else if (s.state === 'AVAILABLE') this.#unload(s);
      }
    });
  }

  /** Resolves when queued work and unloads (hence in-flight requests) are done. */
  async drain(): Promise<void> {
    await this.#queue;
    while (this.#unloads.size > 0) await Promise.all([...this.#unloads]);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #reconcile(): Promise<void> {
    const scan = await scanVersions(this.config.basePath, this.name);
    const warnings = scan.error ? [scan.error] : scan.warnings;
    // Polls repeat every second: tell each warning once, until it goes away.
    for (const w of warnings) if (!this.#lastWarnings.has(w)) this.host.warn(this.name, w);
    this.#lastWarnings = new Set(warnings);
    if (scan.error) return;
    const aspired = new Set(aspiredVersions(this.config.config.modelVersionPolicy, scan.versions.keys()));
    for (const s of this.slots.values()) if (s.state === 'START' && !aspired.has(s.version)) this.#setState(s, 'END');
    for (const v of aspired) {
      const slot = this.slots.get(v);
      const dir = scan.versions.get(v)!;
      if (!slot || (slot.state === 'END' && slot.error.code === 'OK')) {
        const fresh = new VersionSlot(v, dir);
        this.slots.set(v, fresh);
        this.#emit(fresh, undefined);
      } else if (slot.state === 'END' && this.#retryDue(slot)) {
        slot.dir = dir;
        slot.clearError();
        this.#setState(slot, 'START');
      }
    }
    for (let action = this.#next(aspired); action; action = this.#next(aspired)) {
      const slot = this.slots.get(action.version)!;
      if (action.kind === 'unload') this.#unload(slot);
      else await this.#load(slot);
    }
  }

  #retryDue(slot: VersionSlot): boolean {
    return slot.attempts <= this.host.maxLoadRetries && now() - slot.failedAt >= this.host.retryIntervalMs;
  }

  #next(aspired: Set<number>) {
    const snapshots: VersionSnapshot[] = [];
    for (const s of this.slots.values()) {
      const state =
        s.state === 'START' ? 'new' : s.state === 'AVAILABLE' ? 'ready' : s.error.code !== 'OK' ? 'error' : undefined;
      if (state) snapshots.push({ version: s.version, aspired: aspired.has(s.version), state });
    }
    return nextVersionAction(snapshots);
  }

  async #load(slot: VersionSlot): Promise<void> {
    this.#setState(slot, 'LOADING');
    const start = now();
    let warmupMillis: number | undefined;
    try {
      const platform = this.config.platform === 'tensorflow' ? this.host.forcedRuntime : this.config.platform;
      const choice = await loadFastest(this.host.runtimes(), slot.dir, platform);
      slot.runtime = choice.runtime;
      const servable = choice.servable;
      if (this.host.warmup) {
        const w0 = now();
        try {
          const result = await warmUpServable(servable, slot.dir);
          warmupMillis = now() - w0;
          this.host.emitWarmup({ model: this.name, version: slot.version, millis: warmupMillis, ...result });
        } catch (err) {
          await servable.dispose();
          throw err;
        }
      }
      slot.servable = servable;
      this.#setState(slot, 'AVAILABLE', {
        loadMillis: now() - start,
        ...(choice.trials.length > 0 ? { runtimeTrials: choice.trials } : {}),
        ...(warmupMillis === undefined ? {} : { warmupMillis }),
      });
    } catch (err) {
      slot.attempts++;
      slot.failedAt = now();
      slot.error = statusOf(err);
      this.host.warn(this.name, `Version ${slot.version} failed to load: ${slot.error.message}`);
      this.#setState(slot, 'END', { loadMillis: now() - start });
    }
  }

  #unload(slot: VersionSlot): void {
    this.#setState(slot, 'UNLOADING');
    const done = (async () => {
      await slot.whenIdle();
      try {
        await slot.servable?.dispose();
      } catch (err) {
        this.host.warn(this.name, `Version ${slot.version} failed to release its resources: ${(err as Error).message}`);
      }
      slot.servable = undefined;
      this.#setState(slot, 'END');
    })();
    this.#unloads.add(done);
    void done.finally(() => this.#unloads.delete(done));
  }

  #setState(slot: VersionSlot, state: ModelVersionState, extra: Partial<ModelVersionEvent> = {}): void {
    const previous = slot.state;
    slot.state = state;
    this.#emit(slot, previous, extra);
  }

  #emit(slot: VersionSlot, previous: ModelVersionState | undefined, extra: Partial<ModelVersionEvent> = {}): void {
    this.host.emitVersion({
      model: this.name,
      version: slot.version,
      state: slot.state,
      ...(previous ? { previous } : {}),
      ...(slot.error.code !== 'OK' ? { error: { ...slot.error } } : {}),
      ...(slot.runtime ? { runtime: slot.runtime } : {}),
      ...extra,
    });
  }
}

function statusOf(err: unknown): { code: ServingErrorCode; message: string } {
  if (err instanceof ServingError) return { code: err.code, message: err.message };
  if (isTfscaleError(err)) return { code: 'FAILED_PRECONDITION', message: err.message };
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
}
