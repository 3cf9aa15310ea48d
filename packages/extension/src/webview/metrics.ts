// The metrics webview: charts per metric (per epoch: train vs val; per batch: running mean),
// redrawn as events arrive. Counts of plotted points are on data-* attributes for tests.
import uPlot from 'uplot';
import type { FromWebview, MetricsPanelState, ToWebview } from '../shared/messages';
import { type ChartData, MetricsSeries } from '../shared/metrics-series';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  setState(state: MetricsPanelState): void;
  getState(): MetricsPanelState | undefined;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let series = new MetricsSeries();
const charts = new Map<string, { plot: uPlot; el: HTMLElement }>();
let scheduled = false;

const COLORS = ['#4e9bd8', '#e8a33d', '#5fb35f', '#c75f8e'];

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

function chartWidth(): number {
  return Math.max(280, Math.min(560, Math.floor((document.body.clientWidth - 60) / 2)));
}

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData;
}

function ensureChart(key: string, title: string, data: ChartData, parent: HTMLElement): void {
  const existing = charts.get(key);
  if (existing && existing.plot.series.length === data.series.length + 1) {
    existing.plot.setData(toAligned(data));
  } else {
    existing?.plot.destroy();
    // Each chart has a fixed slot in its row, so a chart rebuilt (a series added) keeps its place.
    let el = parent.querySelector<HTMLElement>(`[data-chart="${CSS.escape(key)}"]`);
    if (!el) {
      el = document.createElement('div');
      el.className = 'chart';
      el.dataset.chart = key;
      parent.appendChild(el);
    }
    const h = document.createElement('h3');
    h.textContent = title;
    el.replaceChildren(h);
    const plot = new uPlot(
      {
        width: chartWidth(),
        height: 220,
        scales: { x: { time: false } },
        axes: [
          {
            stroke: '#999',
            grid: { stroke: '#8883' },
            label: key.endsWith(':epoch') ? 'epoch' : 'step',
            // Epochs and steps are whole numbers: no 1.5 ticks.
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
          },
          { stroke: '#999', grid: { stroke: '#8883' } },
        ],
        series: [
          {},
          ...data.series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            points: { show: key.endsWith(':epoch') },
          })),
        ],
      },
      toAligned(data),
      el,
    );
    charts.set(key, { plot, el });
  }
  const el = charts.get(key)?.el;
  if (el) {
    const points = data.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
    el.dataset.points = String(points);
    el.dataset.x = String(data.x.length);
  }
}

function metricSection(metric: string): HTMLElement {
  let section = document.querySelector<HTMLElement>(`section[data-metric="${CSS.escape(metric)}"]`);
  if (!section) {
    section = document.createElement('section');
    section.className = 'metric';
    section.dataset.metric = metric;
    const h = document.createElement('h2');
    h.textContent = metric;
    const row = document.createElement('div');
    row.className = 'row';
    section.append(h, row);
    byId('charts').appendChild(section);
  }
  return section.querySelector<HTMLElement>('.row') ?? section;
}

function render(): void {
  scheduled = false;
  const metrics = series.metrics();
  if (metrics.length > 0) document.getElementById('empty')?.remove();
  let total = 0;
  let epochs = 0;
  let batches = 0;
  for (const metric of metrics) {
    const row = metricSection(metric);
    const epoch = series.epochChart(metric);
    const batch = series.batchChart(metric);
    ensureChart(`${metric}:epoch`, 'per epoch (train vs val)', epoch, row);
    ensureChart(`${metric}:batch`, 'per batch (running mean)', batch, row);
    epochs = Math.max(epochs, epoch.x.length);
    batches = Math.max(batches, batch.x.length);
    total += epoch.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0) + batch.x.length;
  }
  const summary = byId('summary');
  summary.dataset.points = String(total);
  summary.dataset.epochs = String(epochs);
  summary.dataset.batches = String(batches);
  summary.textContent = `${epochs} epoch${epochs === 1 ? '' : 's'} · ${batches} batches${series.stopReason ? ` · stopped: ${series.stopReason}` : ''}`;
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(render);
}

window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
  const m = e.data;
  if (m.type === 'reset') {
    clearInterval(hello);
    for (const c of charts.values()) c.plot.destroy();
    charts.clear();
    byId('charts').replaceChildren();
    series = new MetricsSeries();
    byId('title').textContent = `Metrics: ${m.title}`;
    byId('state').textContent = m.state;
    byId('state').dataset.state = m.state;
    vscode.setState({ runId: m.runId });
  } else if (m.type === 'events') {
    series.add(m.events);
    schedule();
  } else if (m.type === 'state') {
    byId('state').textContent = m.state;
    byId('state').dataset.state = m.state;
  }
});

window.addEventListener('resize', () => {
  for (const c of charts.values()) c.plot.setSize({ width: chartWidth(), height: 220 });
});

// Say hello until the extension answers: a message sent before its listener exists is lost.
const hello = setInterval(() => vscode.postMessage({ type: 'ready' }), 1000);
vscode.postMessage({ type: 'ready' });
