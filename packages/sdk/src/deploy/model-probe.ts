/**
 * Readiness over TF Serving's REST model status route (`GET /v1/models/<name>`), shared by every
 * deployer that ends in a TF Serving-compatible server (ours, the tensorflow/serving image).
 */
import { TfscaleError } from '../core/errors';

/**
 * What one status request found.
 *
 * @example
 * ```ts
 * const probe: ModelProbe = { answered: true, available: true, versions: [{ version: '1', state: 'AVAILABLE' }] };
 * ```
 */
export interface ModelProbe {
  /** The endpoint sent an HTTP response (any status). */
  readonly answered: boolean;
  /** Some version of the model is `AVAILABLE`. */
  readonly available: boolean;
  /** Versions as TF Serving reports them, with their error message when one failed. */
  readonly versions: ReadonlyArray<{ version: string; state: string; error?: string }>;
  /** Why it is not available: the connection error, the HTTP error body, or a version's error. */
  readonly message?: string;
}

interface StatusBody {
  model_version_status?: Array<{
    version?: string;
    state?: string;
    status?: { error_code?: string; error_message?: string };
  }>;
  error?: string;
}

/**
 * One `GET <url>/v1/models/<name>`; never throws (an unreachable endpoint is `answered: false`).
 *
 * @example
 * ```ts
 * const { available } = await probeModel('http://127.0.0.1:8501', 'half');
 * ```
 */
export async function probeModel(url: string, modelName: string, timeoutMs = 2000): Promise<ModelProbe> {
  let response: Response;
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}/v1/models/${encodeURIComponent(modelName)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { answered: false, available: false, versions: [], message: cause?.code ?? cause?.message ?? String(err) };
  }
  const text = await response.text().catch(() => '');
  let body: StatusBody = {};
  try {
    body = JSON.parse(text) as StatusBody;
  } catch {
    // Not TF Serving JSON: reported through `message` below.
  }
  const versions = (body.model_version_status ?? []).map((v) => {
    const error = v.status?.error_code && v.status.error_code !== 'OK' ? v.status.error_message : undefined;
    return { version: v.version ?? '?', state: v.state ?? 'UNKNOWN', ...(error ? { error } : {}) };
  });
  const available = response.ok && versions.some((v) => v.state === 'AVAILABLE');
  let message: string | undefined;
  if (!available) {
    const failed = versions.find((v) => v.error !== undefined);
    message = failed
      ? `version ${failed.version} ${failed.state}: ${failed.error}`
      : response.ok
        ? `no version available yet (${versions.map((v) => `${v.version}: ${v.state}`).join(', ') || 'none listed'})`
        : `HTTP ${response.status}${body.error ? `: ${body.error}` : text ? `: ${text.slice(0, 200)}` : ''}`;
  }
  return { answered: true, available, versions, ...(message ? { message } : {}) };
}

/**
 * Options for {@link waitForModel}.
 *
 * @example
 * ```ts
 * const options: WaitForModelOptions = { timeoutMs: 60_000, failure: () => (exited ? 'server exited' : undefined) };
 * ```
 */
export interface WaitForModelOptions {
  /** Give up after this long (default 120 s: a large SavedModel takes a while to load). */
  readonly timeoutMs?: number;
  /** Checked between probes: a reason string stops the wait at once (e.g. the server exited). */
  readonly failure?: () => string | undefined | Promise<string | undefined>;
  /** Settles early when aborted (e.g. a child's exit) so the wait does not sit out a probe gap. */
  readonly signal?: AbortSignal;
}

/**
 * Polls {@link probeModel} until the model has an `AVAILABLE` version. Rejects with
 * `TFSCALE_E_DEPLOY_START_FAILED` on timeout or when `failure()` names a reason.
 *
 * @example
 * ```ts
 * await waitForModel('http://127.0.0.1:8501', 'half', { timeoutMs: 30_000 });
 * ```
 */
export async function waitForModel(url: string, modelName: string, options: WaitForModelOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let gap = 50;
  let last: ModelProbe | undefined;
  for (;;) {
    const reason = await options.failure?.();
    if (reason !== undefined) throw new TfscaleError('TFSCALE_E_DEPLOY_START_FAILED', reason);
    last = await probeModel(url, modelName, Math.min(2000, Math.max(1, deadline - Date.now())));
    if (last.available) return;
    // A version that failed to load will not recover by waiting (TF Serving retries only on reload).
    const failed = last.versions.find((v) => v.state === 'END' && v.error !== undefined);
    if (failed) throw new TfscaleError('TFSCALE_E_DEPLOY_START_FAILED', `Model "${modelName}" ${last.message}.`);
    if (Date.now() >= deadline) break;
    await pause(Math.min(gap, deadline - Date.now()), options.signal);
    gap = Math.min(gap * 2, 500);
  }
  throw new TfscaleError(
    'TFSCALE_E_DEPLOY_START_FAILED',
    `Model "${modelName}" was not available at ${url} within ${Math.round(timeoutMs / 1000)} s (${last?.message ?? 'no answer'}).`,
    { hint: 'a large model may need a longer readyTimeoutMs; the server log says what it is doing' },
  );
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
