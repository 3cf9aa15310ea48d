/**
 * The statistics report: one self-contained HTML page (inline SVG charts, no scripts, no CDN),
 * a table per split with a histogram for numeric features and top-value bars for strings.
 */
import type { FeatureStatistics, SplitStatistics } from './statistics';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(5));

function bars(values: Array<{ label: string; count: number }>, title: string): string {
  const w = 260;
  const h = 80;
  const max = Math.max(1, ...values.map((v) => v.count));
  const bw = w / Math.max(1, values.length);
  const rects = values
    .map((v, i) => {
      const bh = (v.count / max) * (h - 4);
      return `<rect x="${(i * bw + 1).toFixed(1)}" y="${(h - bh).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="#4a78c2"><title>${esc(v.label)}: ${v.count}</title></rect>`;
    })
    .join('');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">${rects}</svg>`;
}

function row(f: FeatureStatistics, numExamples: number): string {
  const pct = numExamples ? ((100 * f.missing) / numExamples).toFixed(1) : '0';
  let detail = '';
  let chart = '';
  if (f.numeric) {
    const n = f.numeric;
    detail = `mean ${num(n.mean)} · std ${num(n.std)} · min ${num(n.min)} · median ${num(n.quantiles[5]!)} · max ${num(n.max)} · zeros ${n.zeros}`;
    chart = bars(
      n.histogram.map((b) => ({ label: `[${num(b.low)}, ${num(b.high)}]`, count: b.count })),
      `${f.name} histogram`,
    );
  }
  if (f.string) {
    detail = `unique ${f.string.unique} · avg length ${num(f.string.avgLength)}`;
    chart = bars(
      f.string.topValues.slice(0, 20).map((t) => ({ label: t.value, count: t.frequency })),
      `${f.name} top values`,
    );
  }
  return `<tr><td><b>${esc(f.name)}</b><br><small>${f.types.join('/')}</small></td><td>${f.count}</td><td>${f.missing} (${pct}%)</td><td>${detail}</td><td>${chart}</td></tr>`;
}

/**
 * The HTML page for some splits' statistics.
 * @example
 *   await fs.writeFile('report.html', statisticsHtml('iris', [trainStats, evalStats]));
 */
export function statisticsHtml(title: string, splits: SplitStatistics[]): string {
  const sections = splits
    .map(
      (s) =>
        `<h2>Split ${esc(s.split)} — ${s.numExamples} examples</h2><table><tr><th>feature</th><th>count</th><th>missing</th><th>summary</th><th>distribution</th></tr>${s.features.map((f) => row(f, s.numExamples)).join('')}</table>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:6px 10px;text-align:left;vertical-align:top}</style>
</head><body><h1>${esc(title)}</h1>
${sections}
</body></html>
`;
}
