import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { FromWebview, MetricsPanelState, ToWebview } from '../shared/messages';
import { MetricsTail } from './metrics-tail';
import { type RunStore, runPaths } from './run-store';

/**
 * The webview type, also the serializer's key.
 * @example
 *   vscode.window.registerWebviewPanelSerializer(METRICS_VIEW_TYPE, serializer);
 */
export const METRICS_VIEW_TYPE = 'tfscale.metrics';

/**
 * One run's live charts: tails the run's MetricsStream file and posts the events to a webview
 * (uPlot, bundled; strict CSP with a nonce). Restored after a reload by {@link MetricsPanelSerializer}.
 * @example
 *   MetricsPanel.show(context.extensionUri, store, 'digits-20260101-120000');
 */
export class MetricsPanel {
  static readonly panels = new Map<string, MetricsPanel>();
  #tail: MetricsTail | undefined;
  readonly #disposables: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, store: RunStore, runId: string): MetricsPanel {
    const open = MetricsPanel.panels.get(runId);
    if (open) {
      open.panel.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      METRICS_VIEW_TYPE,
      `Metrics: ${runId}`,
      vscode.ViewColumn.Beside,
      webviewOptions(extensionUri),
    );
    return new MetricsPanel(panel, extensionUri, store, runId);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly store: RunStore,
    readonly runId: string,
  ) {
    MetricsPanel.panels.set(runId, this);
    panel.title = `Metrics: ${runId}`;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = metricsHtml(panel.webview, extensionUri);
    this.#disposables.push(
      // Each 'ready' (a new or reloaded page) gets the whole stream again, from the first event.
      panel.webview.onDidReceiveMessage((m: FromWebview) => {
        if (m.type !== 'ready') return;
        const record = store.read(runId);
        this.#post({ type: 'reset', runId, title: record?.name ?? runId, state: record?.state ?? 'unknown' });
        this.#tail?.dispose();
        this.#tail = new MetricsTail(runPaths(store.dir(runId)).metrics, (events) =>
          this.#post({ type: 'events', events }),
        );
        this.#tail.start();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Tells the webview the run's state changed (running → done …). */
  refreshState(): void {
    const state = this.store.read(this.runId)?.state;
    if (state && this.#tail) this.#post({ type: 'state', state });
  }

  #post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    MetricsPanel.panels.delete(this.runId);
    this.#tail?.dispose();
    for (const d of this.#disposables) d.dispose();
  }
}

/**
 * Brings metrics panels back after a window reload, from the run id the webview saved.
 * @example
 *   vscode.window.registerWebviewPanelSerializer(METRICS_VIEW_TYPE, new MetricsPanelSerializer(uri, store));
 */
export class MetricsPanelSerializer implements vscode.WebviewPanelSerializer<MetricsPanelState> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: MetricsPanelState | undefined): Promise<void> {
    if (!state?.runId || !this.store.read(state.runId)) {
      panel.webview.html = '<p>This run’s metrics are gone.</p>';
      return;
    }
    new MetricsPanel(panel, this.extensionUri, this.store, state.runId);
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  };
}

/**
 * The page: only our bundled script (by nonce) and stylesheet (by origin) may load; nothing else.
 * @example
 *   panel.webview.html = metricsHtml(panel.webview, context.extensionUri);
 */
export function metricsHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('uPlot.min.css')}">
<link rel="stylesheet" href="${asset('metrics.css')}">
<title>tfscale metrics</title>
</head>
<body>
<header><h1 id="title">Metrics</h1><span id="state"></span><span id="summary" data-points="0"></span></header>
<main id="charts"><p id="empty">Waiting for the first batch…</p></main>
<script nonce="${nonce}" src="${asset('metrics.js')}"></script>
</body>
</html>`;
}
