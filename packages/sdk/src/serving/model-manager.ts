/**
 * The model server's model manager, TF Serving's ServerCore + AspiredVersionsManager +
 * FileSystemStoragePathSource in one: it serves the numeric version folders of each configured
 * base path per its version policy, polls for new ones, warms each up before switching, unloads
 * old ones after their in-flight requests, resolves labels, and reloads its config on request
 * (ModelService.HandleReloadConfigRequest). Error texts are TF Serving's.
 */
import { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '../core/logger';
import type { Registry } from '../core/registry';
import type { ModelServerConfig } from './model-config';
import { validateModelServerConfig } from './model-config-validate';
import { ModelEntry, type ModelEntryHost } from './model-entry';
import { computeLabelMap, type LabelMap, versionForLabel } from './model-labels';
import {
  type ModelManager,
  type ModelManagerEvents,
  type ModelVersionState,
  type ModelVersionStatus,
  type Servable,
  ServingError,
  type ServingRuntime,
  type VersionSelector,
} from './types';

/**
 * Options of {@link FileSystemModelManager}; names follow TF Serving's flags.
 * @example
 *   const options: ModelManagerOptions = { runtimes: servingRuntimeRegistry(container), fileSystemPollWaitSeconds: 1 };
 */
export interface ModelManagerOptions {
  /** The runtimes to choose from (a registry is read at each load, so late plugins count). */
  runtimes: readonly ServingRuntime[] | Pick<Registry<ServingRuntime>, 'list'>;
  /** `--runtime`: force this runtime for models whose platform is `tensorflow`. */
  runtime?: string;
  /** `--file_system_poll_wait_seconds`: default 1; 0 or less polls only at start and config reloads. */
  fileSystemPollWaitSeconds?: number;
  /** `--allow_version_labels_for_unavailable_models`. Default false. */
  allowVersionLabelsForUnavailableModels?: boolean;
  /** `--enable_model_warmup`. Default true. */
  enableModelWarmup?: boolean;
  /** `--max_num_load_retries`: default 5; retried on later polls, not inside the load. */
  maxNumLoadRetries?: number;
  /** `--load_retry_interval_micros`, in milliseconds: default 60000. */
  loadRetryIntervalMs?: number;
  logger?: Logger;
}

/**
 * Serves models from version folders on the local file system.
 * @example
 *   const manager = new FileSystemModelManager({ runtimes: servingRuntimeRegistry(container) });
 *   await manager.start(singleModelConfig('half', 'models/half'));
 *   const { servable, release } = manager.acquire('half', {});
 *   try { await servable.predict('serving_default', inputs); } finally { release(); }
 *   await manager.close();
 */
export class FileSystemModelManager implements ModelManager {
  readonly events = new EventEmitter<ModelManagerEvents>();
  readonly #models = new Map<string, ModelEntry>();
  readonly #options: ModelManagerOptions;
  readonly #logger: Logger;
  readonly #host: ModelEntryHost;
  #labels: LabelMap = new Map();
  #config: ModelServerConfig | undefined;
  #configLock: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ModelManagerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    const emit = <K extends keyof ModelManagerEvents>(name: K, ...args: ModelManagerEvents[K]) => {
      try {
        (this.events.emit as (n: K, ...a: ModelManagerEvents[K]) => boolean)(name, ...args);
      } catch (err) {
        this.#logger.warn(`A model manager "${name}" listener threw: ${(err as Error).message}`);
      }
    };
    this.#host = {
      runtimes: () => ('list' in options.runtimes ? options.runtimes.list().map((e) => e.value) : options.runtimes),
      ...(options.runtime !== undefined ? { forcedRuntime: options.runtime } : {}),
      warmup: options.enableModelWarmup ?? true,
      maxLoadRetries: options.maxNumLoadRetries ?? 5,
      retryIntervalMs: options.loadRetryIntervalMs ?? 60_000,
      emitVersion: (e) => emit('version', e),
      emitWarmup: (e) => emit('warmup', e),
      warn: (model, message) => {
        this.#logger.warn(`${model}: ${message}`);
        emit('warning', { model, message });
      },
    };
  }

  /**
   * Applies the first config (labels checked as TF Serving does at startup), loads every model,
   * then polls. Rejects like TF Serving's startup when a model with versions did not become
   * available; call `close()` then.
   */
  async start(config: ModelServerConfig): Promise<void> {
    await this.reloadConfig(config);
    this.#schedulePoll();
  }

  /**
   * Replaces the served model set (ModelService.HandleReloadConfigRequest): models not listed are
   * unloaded, new ones loaded and awaited. A refused config (invalid, or a label on a version not
   * AVAILABLE) changes nothing.
   */
  reloadConfig(config: ModelServerConfig): Promise<void> {
    const run = this.#configLock.then(() => this.#reloadConfig(config));
    this.#configLock = run.catch(() => {});
    return run;
  }

  async #reloadConfig(config: ModelServerConfig): Promise<void> {
    if (this.#closed) throw new ServingError('UNAVAILABLE', 'The model manager is closed.');
    const models = validateModelServerConfig(config, this.#config, this.#runtimeNames());
    if (!models) {
      this.#logger.info('Taking no action for empty config.');
      return;
    }
    const stateOf = (m: string, v: number) => this.#models.get(m)?.slots.get(v)?.state;
    this.#labels = computeLabelMap(
      models,
      stateOf,
      this.#labels,
      this.#options.allowVersionLabelsForUnavailableModels ?? false,
    );
    this.#config = config;
    const wanted = new Set(models.map((m) => m.name));
    const removals = [...this.#models.values()].filter((e) => !e.removed && !wanted.has(e.name)).map((e) => e.remove());
    const fresh: ModelEntry[] = [];
    for (const m of models) {
      const entry = this.#models.get(m.name);
      if (entry && !entry.removed) entry.config = m;
      else if (entry) {
        entry.config = m;
        entry.removed = false;
        fresh.push(entry);
      } else {
        const created = new ModelEntry(m, this.#host);
        this.#models.set(m.name, created);
        fresh.push(created);
      }
    }
    await Promise.all([...removals, ...[...this.#models.values()].filter((e) => !e.removed).map((e) => e.reconcile())]);
    this.#checkAvailable(fresh);
  }

  /** TF Serving's WaitUntilModelsAvailable message, for new models that have versions but none loaded. */
  #checkAvailable(entries: ModelEntry[]): void {
    const failed = entries
      .filter((e) => !e.latest())
      .flatMap((e) =>
        [...e.slots.values()].filter((s) => s.error.code !== 'OK').map((slot) => ({ model: e.name, slot })),
      )
      .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : a.slot.version - b.slot.version));
    if (failed.length === 0) return;
    const parts = failed.map(
      ({ model, slot }) =>
        `{{name: ${model} version: ${slot.version}} due to error: ${slot.error.code}: ${slot.error.message}}, `,
    );
    throw new ServingError('UNKNOWN', `${failed.length} model(s) did not become available: {${parts.join('')}}`);
  }

  /** Polls every model's base path now (what the timer does every `fileSystemPollWaitSeconds`). */
  async reload(): Promise<void> {
    await Promise.all([...this.#models.values()].filter((e) => !e.removed).map((e) => e.reconcile()));
  }

  modelNames(): string[] {
    return [...this.#models.values()].filter((e) => !e.removed).map((e) => e.name);
  }

  acquire(model: string, selector: VersionSelector): { version: number; servable: Servable; release(): void } {
    const version = this.#selectedVersion(model, selector);
    const entry = this.#models.get(model);
    const slot = entry?.removed ? undefined : version === undefined ? entry?.latest() : entry?.slots.get(version);
    if (slot?.state !== 'AVAILABLE' || !slot.servable) {
      const request = version === undefined ? `Latest(${model})` : `Specific(${model}, ${version})`;
      throw new ServingError('NOT_FOUND', `Servable not found for request: ${request}`);
    }
    return { version: slot.version, servable: slot.servable, release: slot.pin() };
  }

  status(model: string, selector: VersionSelector = {}): ModelVersionStatus[] {
    const version = this.#selectedVersion(model, selector);
    const slots = this.#models.get(model)?.slots;
    if (version !== undefined) {
      const slot = slots?.get(version);
      if (!slot) throw new ServingError('NOT_FOUND', `Could not find version ${version} of model ${model}`);
      return [slot.toStatus()];
    }
    if (!slots || slots.size === 0)
      throw new ServingError('NOT_FOUND', `Could not find any versions of model ${model}`);
    // TF Serving's ServableStateMonitor::VersionMap is ordered by descending version.
    return [...slots.values()].sort((a, b) => b.version - a.version).map((s) => s.toStatus());
  }

  /** The state of one version, or undefined when never seen. */
  stateOf(model: string, version: number): ModelVersionState | undefined {
    return this.#models.get(model)?.slots.get(version)?.state;
  }

  /** Requests holding `model`/`version` now (0 when unknown). */
  inFlight(model: string, version: number): number {
    return this.#models.get(model)?.slots.get(version)?.inFlight ?? 0;
  }

  /** Stops polling and unloads everything, waiting for in-flight requests. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#configLock;
    const entries = [...this.#models.values()];
    await Promise.all(entries.map((e) => e.remove()));
    await Promise.all(entries.map((e) => e.drain()));
  }

  #selectedVersion(model: string, selector: VersionSelector): number | undefined {
    if (selector.version !== undefined && selector.label !== undefined) {
      throw new ServingError('INVALID_ARGUMENT', 'Both a version and a version label were given; give at most one.');
    }
    return selector.label !== undefined ? versionForLabel(this.#labels, model, selector.label) : selector.version;
  }

  #runtimeNames(): string[] {
    return this.#host.runtimes().map((r) => r.name);
  }

  #schedulePoll(): void {
    const seconds = this.#options.fileSystemPollWaitSeconds ?? 1;
    if (this.#closed || !(seconds > 0)) return;
    // unref: polling alone never keeps the process alive.
    this.#timer = setTimeout(() => {
      void this.reload()
        .catch((err: Error) => this.#logger.warn(`Model poll failed: ${err.message}`))
        .finally(() => this.#schedulePoll());
    }, seconds * 1000).unref();
  }
}
