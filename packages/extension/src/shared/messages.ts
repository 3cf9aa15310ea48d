/**
 * Typed messages between the metrics panel (extension side) and its webview.
 */

/**
 * One MetricsStream event as the SDK writes it (a JSON line); see the SDK's `MetricsEvent`.
 * @example
 *   const e: MetricsEvent = { type: 'epoch_begin', time: Date.now(), epoch: 0 };
 */
export type MetricsEvent =
  | { type: 'train_begin'; time: number; params?: Record<string, unknown> }
  | { type: 'epoch_begin'; time: number; epoch: number }
  | { type: 'batch_end'; time: number; epoch: number; batch: number; globalStep: number; logs: StreamedLogs }
  | { type: 'epoch_end'; time: number; epoch: number; globalStep: number; logs: StreamedLogs }
  | { type: 'train_end'; time: number; logs?: StreamedLogs; stopReason?: string };

/**
 * Log values; NaN and infinities arrive as strings (JSON has none).
 * @example
 *   const logs: StreamedLogs = { loss: 0.3, val_loss: 'NaN' };
 */
export type StreamedLogs = Record<string, number | 'NaN' | 'Infinity' | '-Infinity'>;

/**
 * Extension → webview.
 * @example
 *   panel.webview.postMessage({ type: 'reset', runId: 'digits-1', title: 'digits', state: 'running' } satisfies ToWebview);
 */
export type ToWebview =
  | { type: 'reset'; runId: string; title: string; state: string }
  | { type: 'events'; events: MetricsEvent[] }
  | { type: 'state'; state: string };

/**
 * Webview → extension.
 * @example
 *   vscodeApi.postMessage({ type: 'ready' } satisfies FromWebview);
 */
export type FromWebview = { type: 'ready' };

/**
 * What the webview keeps across reloads (`vscode.setState`), read back by the panel serializer.
 * @example
 *   const state: MetricsPanelState = { runId: 'digits-20260101-120000' };
 */
export interface MetricsPanelState {
  runId: string;
}
