/**
 * One version of one model as the manager tracks it: its state, its load error, the loaded
 * servable, and how many requests hold it (an unload waits until none does).
 */
import type { ModelVersionState, ModelVersionStatus, Servable, ServingErrorCode } from './types';

const OK = { code: 'OK' as ServingErrorCode, message: '' };

/**
 * A tracked version. `pin()` is how requests hold it; `whenIdle()` is how an unload waits.
 * @example
 *   const release = slot.pin();
 *   try { await slot.servable!.predict(...); } finally { release(); }
 */
export class VersionSlot {
  state: ModelVersionState = 'START';
  error: { code: ServingErrorCode; message: string } = OK;
  servable: Servable | undefined;
  runtime: string | undefined;
  /** Failed load attempts, and when the last one failed (for retries on later polls). */
  attempts = 0;
  failedAt = 0;
  #refs = 0;
  #idle: Array<() => void> = [];

  constructor(
    readonly version: number,
    public dir: string,
  ) {}

  /** Requests holding this version now. */
  get inFlight(): number {
    return this.#refs;
  }

  /** Holds the version; the returned release is idempotent. */
  pin(): () => void {
    this.#refs++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#refs === 0) for (const resolve of this.#idle.splice(0)) resolve();
    };
  }

  /** Resolves once no request holds the version. */
  whenIdle(): Promise<void> {
    if (this.#refs === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Clears the last failure before a retry. */
  clearError(): void {
    this.error = OK;
  }

  /** GetModelStatus' view of it. */
  toStatus(): ModelVersionStatus {
    return { version: this.version, state: this.state, error: { ...this.error } };
  }
}
