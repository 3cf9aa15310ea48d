/**
 * The `webhook` callback: posts a JSON message to a URL when training begins, after every epoch
 * (with the epoch's metrics, `val_*` included) and when it ends.
 */
import { type FactoryContext, invalidValue } from '@tfscale/sdk';

/** What the webhook receives, one POST per event. */
export interface WebhookMessage {
  event: 'train_begin' | 'epoch_end' | 'train_end';
  run?: string;
  /** 0-based, as Keras counts (only on `epoch_end`). */
  epoch?: number;
  logs: Record<string, unknown>;
  time: string;
}

/** The run file's `options` for the callback. */
export interface WebhookOptions {
  url: string;
  /** Sent as `run` in every message, to tell runs apart. */
  run?: string;
  /** Extra request headers (e.g. an Authorization token). */
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Fail training when the webhook does not answer 2xx (default: warn and go on). */
  failOnError: boolean;
}

/**
 * Checks the run file's options; bad input is a coded TFSCALE_E_INVALID_VALUE naming the option.
 * @example
 *   parseOptions({ url: 'http://127.0.0.1:9000/metrics' });
 */
export function parseOptions(options: Record<string, unknown>): WebhookOptions {
  const url = options.url;
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw invalidValue('url', url, 'an http(s) URL');
  const timeoutMs = options.timeoutMs ?? 5000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0))
    throw invalidValue('timeoutMs', timeoutMs, 'a positive number of milliseconds');
  const headers = options.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string'))
    throw invalidValue('headers', headers, 'an object of string header values');
  if (options.run !== undefined && typeof options.run !== 'string') throw invalidValue('run', options.run, 'a string');
  if (options.failOnError !== undefined && typeof options.failOnError !== 'boolean')
    throw invalidValue('failOnError', options.failOnError, 'true or false');
  return {
    url,
    run: options.run as string | undefined,
    headers: headers as Record<string, string>,
    timeoutMs,
    failOnError: options.failOnError === true,
  };
}

/**
 * The callback factory registered as `webhook`.
 * @example
 *   const cb = webhookCallback({ url: 'http://127.0.0.1:9000/metrics' }, factoryCtx);
 */
export function webhookCallback(rawOptions: Record<string, unknown>, ctx: FactoryContext) {
  const options = parseOptions(rawOptions);
  // With a distributed strategy every replica runs callbacks; only the chief posts.
  let primary = true;
  const post = async (message: Omit<WebhookMessage, 'time' | 'run'>): Promise<void> => {
    if (!primary) return;
    const body = JSON.stringify({ ...message, run: options.run, time: new Date().toISOString() });
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    } catch (err) {
      const reason = `webhook ${options.url} failed on ${message.event}: ${(err as Error).message}`;
      if (options.failOnError) throw new Error(reason);
      ctx.logger.warn(reason);
    }
  };
  return {
    name: 'webhook',
    setContext(context: { isPrimary?: boolean }) {
      primary = context.isPrimary !== false;
    },
    onTrainBegin: (logs?: Record<string, unknown>) => post({ event: 'train_begin', logs: { ...logs } }),
    onEpochEnd: (epoch: number, logs?: Record<string, unknown>) =>
      post({ event: 'epoch_end', epoch, logs: { ...logs } }),
    onTrainEnd: (logs?: Record<string, unknown>) => post({ event: 'train_end', logs: { ...logs } }),
  };
}
