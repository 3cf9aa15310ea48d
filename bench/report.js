#!/usr/bin/env node
/*
 * Assembles BENCHMARKS.md from the benches' results in bench/out (the last step of `npm run bench`;
 * runs alone too: `node bench/report.js`). Sections, in this order, each only when its results
 * exist (otherwise a one-line note says which bench to run):
 *
 *   MLP training throughput   bench/out/mlp.json        its `markdown` field, written by bench/run.js
 *   Compiled train step       bench/out/compiled.json   its `markdown` field, written by bench/compiled.js
 *   All-reduce bandwidth      bench/out/allreduce.json  rendered here
 *   Mirrored scaling          bench/out/scaling.json    rendered here
 *   Model serving             bench/out/serving.json    its `markdown` (or bench/out/serving.md) as
 *                                                       is; else its rows and goal checks, rendered
 *                                                       by bench/serving/report.js
 *
 * Measures nothing; every number comes from those files, each section with its own date, machine
 * and method lines.
 */

const fs = require('node:fs');
const path = require('node:path');
const { servingReport, servingHeadline: servingRowsHeadline } = require('./serving/report');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(__dirname, 'out');
const REPORT = path.join(ROOT, 'BENCHMARKS.md');
/** The full scaling run; anything less is labelled a short run. */
const FULL_EPOCH = 60032;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtRatio = (r) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
const fmtPct = (r) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)}%`;
const fmtLoad = (l) => l.map((v) => v.toFixed(2)).join(' / ');

function markdownTable(head, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => align?.[i] ?? (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** A results file: { data } when readable, { missing } when absent, { problem } when broken. */
function readJson(name) {
  const file = path.join(OUT_DIR, name);
  if (!fs.existsSync(file)) return { missing: true };
  try {
    return { data: JSON.parse(fs.readFileSync(file, 'utf8')) };
  } catch (err) {
    return { problem: `bench/out/${name} is not valid JSON (${err.message})` };
  }
}

function machineLine(m) {
  return `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}`;
}

function loadLine(m, extra = '') {
  const loaded = Math.max(...m.loadAvgStart.slice(0, 1), ...(m.loadAvgEnd ?? []).slice(0, 1)) > m.cores;
  return (
    `- Load average (1/5/15 min) at start: ${fmtLoad(m.loadAvgStart)}` +
    (m.loadAvgEnd ? `; at end: ${fmtLoad(m.loadAvgEnd)}` : '') +
    extra +
    (loaded ? ` — above ${m.cores}, so other processes competed for the cores` : '')
  );
}

// ---------------------------------------------------------------------------------------------
// MLP training throughput (bench/run.js renders its own section)

function mlpSection(mlp) {
  const markdown = mlp.markdown ?? require('./run.js').renderSection(mlp);
  return markdown.trim();
}

function mlpHeadline(mlp) {
  const byId = Object.fromEntries(mlp.rows.map((r) => [r.id, r]));
  const [fit, trainer, keras] = [byId['tfjs-node-fit'], byId['tfscale-trainer'], byId['keras-fit']];
  if (!trainer?.median) return 'Trainer not measured';
  let text = `Trainer.fit ${fmtInt(trainer.median)} samples/s`;
  if (fit?.median) text += ` = ${fmtRatio(trainer.median / fit.median)} tfjs \`model.fit\``;
  if (keras?.median) text += `, ${fmtRatio(trainer.median / keras.median)} Keras (peer)`;
  return text;
}

// ---------------------------------------------------------------------------------------------
// All-reduce bandwidth

const transportName = (t) => (t === 'unix' ? 'Unix socket' : t === 'tcp' ? 'TCP loopback' : t);

function allreduceSection(s) {
  const m = s.machine;
  const rows = s.rows;
  const runs = rows[0]?.secondsPerRun?.length ?? 0;
  const table = markdownTable(
    [
      'Transport',
      'Ranks',
      'Size',
      'Median time (min–max)',
      'algbw GB/s',
      'busbw GB/s',
      'Buffer.copy GB/s (peer)',
      'busbw / copy',
    ],
    rows.map((r) => [
      transportName(r.transport),
      r.ranks,
      `${r.sizeMiB} MiB`,
      `${(r.medianSeconds * 1000).toFixed(1)} ms (${(Math.min(...r.secondsPerRun) * 1000).toFixed(1)}–` +
        `${(Math.max(...r.secondsPerRun) * 1000).toFixed(1)})`,
      r.algbwGBps.toFixed(2),
      r.busbwGBps.toFixed(2),
      r.copyGBps.toFixed(1),
      fmtPct(r.busbwOverCopy),
    ]),
  );

  const notes = [];
  const best = [...rows].sort((a, b) => b.busbwGBps - a.busbwGBps)[0];
  if (best) {
    notes.push(
      `Highest bus bandwidth: ${best.busbwGBps.toFixed(2)} GB/s (${transportName(best.transport)}, ${best.ranks} ranks, ` +
        `${best.sizeMiB} MiB), ${fmtPct(best.busbwOverCopy)} of the \`Buffer.copy\` rate for that size ` +
        `(${best.copyGBps.toFixed(1)} GB/s). Each byte of a socket all-reduce is copied into the kernel and out again ` +
        'and summed in a JS loop, by the same cores, so it stays far below one plain copy.',
    );
  }
  const unixOverTcp = rows
    .filter((r) => r.transport === 'unix')
    .map((u) => [u, rows.find((t) => t.transport === 'tcp' && t.ranks === u.ranks && t.bytes === u.bytes)])
    .filter(([, t]) => t)
    .map(([u, t]) => u.busbwGBps / t.busbwGBps);
  if (unixOverTcp.length) {
    const lo = Math.min(...unixOverTcp);
    const hi = Math.max(...unixOverTcp);
    notes.push(
      `Unix sockets vs TCP loopback, same ranks and size: ${fmtRatio(lo)}–${fmtRatio(hi)} the TCP busbw ` +
        `(median ${fmtRatio(median(unixOverTcp))})` +
        (lo > 1 ? ', so Unix sockets (what `tfscale launch` uses for `mirrored`) were faster in every pair.' : '.'),
    );
  }
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.transport}/${r.ranks}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const smallOverLarge = [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => {
      const sorted = [...g].sort((a, b) => a.bytes - b.bytes);
      return { small: sorted[0], large: sorted.at(-1), ratio: sorted[0].busbwGBps / sorted.at(-1).busbwGBps };
    });
  if (smallOverLarge.length && smallOverLarge.every((x) => x.ratio < 0.9)) {
    const ratios = smallOverLarge.map((x) => x.ratio);
    notes.push(
      `The smallest buffer (${smallOverLarge[0].small.sizeMiB} MiB) reaches ${fmtPct(Math.min(...ratios))}–` +
        `${fmtPct(Math.max(...ratios))} of the busbw of the largest (${smallOverLarge[0].large.sizeMiB} MiB) in every ` +
        'transport and rank count: per-step latency (one message per ring step, barrier, event-loop turns) weighs ' +
        'more when there are fewer bytes to move (likely, not profiled).',
    );
  }
  const oversubscribed = [...new Set(rows.filter((r) => r.ranks > m.cores).map((r) => r.ranks))];
  if (oversubscribed.length) {
    notes.push(
      `The ${oversubscribed.join('- and ')}-rank rows run more processes than the machine's ${m.cores} cores, so ` +
        'ranks also wait for a core, not only for the socket; with a core per rank they would likely do better.',
    );
  }
  const sizes = [...new Set(rows.map((r) => r.sizeMiB))].sort((a, b) => a - b);
  const copyRange = (size) => {
    const c = rows.filter((r) => r.sizeMiB === size).map((r) => r.copyGBps);
    return { lo: Math.min(...c), hi: Math.max(...c) };
  };
  if (sizes.length > 1) {
    const small = copyRange(sizes[0]);
    const larger = sizes.slice(1).map(copyRange);
    const [lo, hi] = [Math.min(...larger.map((r) => r.lo)), Math.max(...larger.map((r) => r.hi))];
    if (small.lo > 1.5 * hi) {
      notes.push(
        `The peer itself depends on size: \`Buffer.copy\` of ${sizes[0]} MiB ran at ${small.lo.toFixed(1)}–` +
          `${small.hi.toFixed(1)} GB/s, of ${sizes.slice(1).join(' and ')} MiB at ${lo.toFixed(1)}–${hi.toFixed(1)} GB/s ` +
          '(the small buffer likely stays in the CPU caches), so the ratio column is lowest at the small size partly ' +
          'because the peer is fastest there.',
      );
    }
  }
  notes.push(
    `Caveats: one ${m.cores}-core VM shared with other work; medians of ${runs} runs, ranges in the table. ` +
      'Loopback only: no network between hosts was measured.',
  );

  return [
    '## All-reduce bandwidth (collective layer)',
    '',
    `_Measured by \`node bench/allreduce.js\` on ${s.date}; whole run ${Math.round(s.totalSeconds)} s; raw results: ` +
      '`bench/out/allreduce.json` (not committed)._',
    '',
    '### Machine',
    '',
    machineLine(m),
    loadLine(m),
    '',
    '### Method',
    '',
    "- The ring all-reduce of the SDK's collective layer (`packages/sdk/src/distribute/collective`, " +
      '`Collective.allReduce`, what `mirrored` uses for gradients), one process per rank on this machine, over Unix ' +
      'domain sockets or TCP on 127.0.0.1 (bench/allreduce/worker.ts).',
    `- ${s.method}`,
    '- Peer: `Buffer.copy` of the same number of bytes (one memory-to-memory copy in one process, no sockets); ' +
      '"busbw / copy" is the median busbw over the median copy rate.',
    '',
    '### Results',
    '',
    table,
    '',
    '### What the numbers mean',
    '',
    ...notes.flatMap((n) => [n, '']),
  ]
    .join('\n')
    .trim();
}

function allreduceHeadline(s) {
  const best = [...s.rows].sort((a, b) => b.busbwGBps - a.busbwGBps)[0];
  if (!best) return 'no rows';
  return (
    `best busbw ${best.busbwGBps.toFixed(2)} GB/s (${transportName(best.transport)}, ${best.ranks} ranks, ` +
    `${best.sizeMiB} MiB) = ${fmtPct(best.busbwOverCopy)} of \`Buffer.copy\` (peer)`
  );
}

// ---------------------------------------------------------------------------------------------
// Mirrored scaling

const isShortScaling = (s) => s.config.samples < FULL_EPOCH || s.config.runs < 3;
const threadText = (t) => `${t.TF_NUM_INTRAOP_THREADS}/${t.TF_NUM_INTEROP_THREADS}`;

function scalingSection(s) {
  const m = s.machine;
  const c = s.config;
  const byId = Object.fromEntries(s.rows.map((r) => [r.id, r]));
  const base = byId['one-device-default'];
  const split = byId['one-device-split'];
  const two = byId['mirrored-2'];
  const ok = (r) => r?.status === 'measured';
  const effDefault = s.efficiency?.['one-device-default'];
  const effSplit = s.efficiency?.['one-device-split'];

  const table = markdownTable(
    [
      'Setup',
      'Processes × TF threads (intra/inter)',
      'Batch per replica',
      'Runs',
      'Median global samples/s',
      'Range (min–max)',
      'vs 1 process (peer)',
      'Efficiency',
    ],
    s.rows.map((r) => {
      const measured = ok(r);
      let vs = '—';
      let eff = '—';
      if (r.baseline) vs = '1.00× (peer)';
      else if (measured && ok(base)) vs = fmtRatio(r.median / base.median);
      if (r.processes > 1 && measured && ok(base)) eff = (r.median / (r.processes * base.median)).toFixed(2);
      return [
        r.label,
        `${r.processes} × ${threadText(r.threads)}`,
        r.replicaBatchSize ?? '—',
        `${r.runsOk}/${r.runsPlanned}`,
        measured ? fmtInt(r.median) : 'not measured',
        measured ? `${fmtInt(r.min)}–${fmtInt(r.max)}` : '',
        vs,
        eff,
      ];
    }),
  );

  const splitTable = markdownTable(
    ['Setup', 'ms per step', 'compute', 'gradient sync', '… of which all-reduce', 'loss all-reduce'],
    s.rows
      .filter(ok)
      .map((r) => [
        r.label,
        r.medianStepMs.toFixed(2),
        r.medianSplitMs.compute.toFixed(2),
        r.processes > 1 ? r.medianSplitMs.gradSync.toFixed(2) : '—',
        r.processes > 1 ? r.medianSplitMs.gradReduce.toFixed(2) : '—',
        r.processes > 1 ? r.medianSplitMs.logReduce.toFixed(2) : '—',
      ]),
  );

  const paras = [];
  if (ok(two) && effDefault) {
    let text =
      `**Scaling efficiency 1 → 2 replicas (throughput₂ / (2 × throughput₁)): ${effDefault.efficiency.toFixed(2)} ` +
      `against one process at default threads (speedup ${fmtRatio(effDefault.speedup)})`;
    if (effSplit) text += `, ${effSplit.efficiency.toFixed(2)} against one process at one replica's threads`;
    text += '.**';
    if (effDefault.pairedEfficiency?.length) {
      text +=
        ` Per interleaved round (runs back to back): ${effDefault.pairedMin.toFixed(2)}–` +
        `${effDefault.pairedMax.toFixed(2)} against the default-thread process`;
      if (effSplit?.pairedEfficiency?.length) {
        text += `, ${effSplit.pairedMin.toFixed(2)}–${effSplit.pairedMax.toFixed(2)} against the same-thread one`;
      }
      text += '.';
    }
    paras.push(text);
  } else {
    paras.push('**Scaling efficiency: not measured** (see the failed runs below).');
  }

  paras.push(
    `**Two replicas share ${m.cores} cores here.** Each replica gets ${two ? threadText(two.threads) : '?'} ` +
      'TensorFlow threads (as `tfscale launch` splits them), but both processes, their Node main threads and the ' +
      'socket traffic run on the same cores, and on this shared VM other processes take some of them too (see the load line). So this measures what the distributed path costs on one small box, not what `mirrored` gains when each replica has its own cores or GPU.',
  );

  if (ok(two) && ok(split)) {
    const twoCompute = two.medianSplitMs.compute;
    const oneCompute = split.medianSplitMs.compute;
    const comm = two.medianSplitMs.gradSync + two.medianSplitMs.logReduce;
    const share = twoCompute / oneCompute;
    let text =
      `Where the time goes (medians, ms per global step): one process at ${threadText(split.threads)} threads ` +
      `computes a ${split.replicaBatchSize}-sample step in ${oneCompute.toFixed(2)} ms. A replica computes its ` +
      `${two.replicaBatchSize}-sample half in ${twoCompute.toFixed(2)} ms, ${fmtPct(share)} of that`;
    if (share > 1) {
      text +=
        ', more than the whole one-process step: the two replicas (and whatever else runs on the machine) compete ' +
        `for its ${m.cores} cores, so each replica computes more slowly than one process alone (likely, not profiled).`;
    } else if (share > 0.55) {
      text +=
        ' rather than 50% — likely because a step of this small model is mostly per-op overhead, which does not ' +
        'shrink with the batch, and because the two processes compete for the same cores (not profiled).';
    } else text += '.';
    text +=
      ` On top, it spends ${comm.toFixed(2)} ms synchronising: ${two.medianSplitMs.gradSync.toFixed(2)} ms in the ` +
      `gradient hook (${two.medianSplitMs.gradReduce.toFixed(2)} ms of it in the all-reduce itself) and ` +
      `${two.medianSplitMs.logReduce.toFixed(2)} ms in the separate all-reduce of loss and sample count.`;
    if (two.gradBytesPerStep && two.medianSplitMs.gradReduce > 0) {
      const algbw = two.gradBytesPerStep / (two.medianSplitMs.gradReduce / 1000) / 1e9;
      text +=
        ` The gradients are ${fmtInt(two.gradBytesPerStep)} bytes per step, so the all-reduce runs at an ` +
        `effective ${algbw.toFixed(2)} GB/s algbw; its time includes waiting for the slower replica to arrive, ` +
        'so the transfer itself is at least that fast.';
    }
    paras.push(text);
  }

  const seconds = s.rows.flatMap((r) => r.runs.map((run) => run.perReplicaSeconds)).filter((p) => p.length > 1);
  if (seconds.length) {
    const skew = seconds.map((p) => Math.max(...p) / Math.min(...p) - 1);
    paras.push(
      `Replicas finish together (the step is synchronous): the replicas' epoch times differ by at most ` +
        `${fmtPct(Math.max(...skew))} within a run; a run's time is its slowest replica's.`,
    );
  }

  const losses = s.rows.filter(ok).map((r) => `${r.id} ${median(r.runs.map((run) => run.loss)).toFixed(3)}`);
  const leaks = s.rows.flatMap((r) => r.runs.flatMap((run) => run.tensorDelta));
  paras.push(
    `Sanity checks: median epoch loss ${losses.join(', ')} (~2.30 = ln 10 for random labels; mirrored reports the ` +
      'loss over the global batch); tensors alive after the timed epoch minus before it: ' +
      `${leaks.every((d) => d === 0) ? `0 in all ${leaks.length} process runs` : leaks.join(', ')}.`,
  );
  paras.push(
    `Caveats: one small MLP, ${c.runs} run${c.runs === 1 ? '' : 's'} per setup on a ${m.cores}-core shared VM; ` +
      'differences smaller than the ranges are noise. A larger model (more arithmetic per step, more bytes per ' +
      'all-reduce) or a machine with a core set or GPU per replica would scale differently.',
  );

  const errors = s.rows.flatMap((r) => r.errors.map((e) => `- ${r.label}: ${e}`));
  const v = m.versions ?? {};
  return [
    '## Mirrored scaling, 1 → 2 replicas',
    '',
    `_Measured by \`node bench/scaling.js\` on ${s.date}; whole run ${Math.round(s.totalSeconds)} s; raw results: ` +
      '`bench/out/scaling.json` (not committed)._',
    '',
    ...(isShortScaling(s)
      ? [
          `**Short run** (${fmtInt(c.samples)} timed samples, ${c.runs} run${c.runs === 1 ? '' : 's'} per setup; the ` +
            `full bench times ${fmtInt(FULL_EPOCH)} samples, 5 runs): noisy, rerun \`node bench/scaling.js\`.`,
          '',
        ]
      : []),
    '### Machine',
    '',
    machineLine(m),
    loadLine(
      m,
      m.load1BeforeRuns?.length
        ? `; 1-min load before each run: ${Math.min(...m.load1BeforeRuns).toFixed(2)}–${Math.max(...m.load1BeforeRuns).toFixed(2)}`
        : '',
    ),
    `- tfjs ${v.tfjs ?? '?'}; tfjs-node ${v['tfjs-node'] ?? '?'} on native TensorFlow ${v.tensorflow ?? '?'}`,
    '',
    '### Method',
    '',
    `- Model 784 → 256 (ReLU) → 10 (softmax), Adam (lr 1e-3), categorical cross-entropy, global batch ${c.globalBatchSize}, ` +
      `seeded synthetic data (as the MLP section), created as tensors before timing; ${c.warmupSteps} warm-up steps, ` +
      `then one epoch of ${fmtInt(c.samples)} samples timed, ending once the final weights are readable.`,
    "- Every replica runs the SDK's own distributed path, as `tfscale train` does: `CollectiveStrategy('mirrored')` " +
      'resolves the cluster from `TFSCALE_CLUSTER` (`{"workers": [sockA, sockB], "rank": i}`, Unix sockets), ' +
      "`prepareDistributedFit` broadcasts replica 0's weights, shards the data and splits the batch, and installs the " +
      'gradient and log all-reduce hooks, then `Trainer.fit` trains; each process holds the whole data set and reads ' +
      'its shard. The one-process rows run the same code with `OneDeviceStrategy` (a plain `Trainer.fit`).',
    `- Threads as \`tfscale launch\` sets them: \`TF_NUM_INTRAOP_THREADS\` = cores / replicas, ` +
      "`TF_NUM_INTEROP_THREADS=1` for each replica; the peer is one process at the MLP bench's setting (intra = inter " +
      "= core count, TensorFlow's default); a second one-process row uses one replica's setting.",
    '- Every run is fresh processes; setups interleaved round-robin (table order in even rounds, reversed in odd ' +
      "ones); a run's time is its slowest replica's; global samples/s = samples / that time; medians over runs. " +
      'Efficiency = throughput₂ / (2 × throughput₁).',
    '- Time split (`performance.now()` around the hooks `prepareDistributedFit` installs, per step, mean of the ' +
      'replicas, median over runs): gradient sync = the gradient hook (copy out of TensorFlow, weight by samples, ' +
      'all-reduce, copy back); all-reduce = `strategy.reduce` inside it (includes waiting for the other replica); ' +
      'loss all-reduce = the per-step reduction of loss and sample count; compute = the rest of the step (batch ' +
      'gather, forward, backward, Adam update, loss read-back).',
    '',
    '### Results',
    '',
    table,
    '',
    '### Time per step',
    '',
    splitTable,
    '',
    '### What the numbers mean',
    '',
    ...paras.flatMap((p) => [p, '']),
    ...(errors.length ? ['### Failed runs', '', ...errors, ''] : []),
  ]
    .join('\n')
    .trim();
}

function scalingHeadline(s) {
  const two = s.rows.find((r) => r.id === 'mirrored-2');
  const e = s.efficiency?.['one-device-default'];
  if (!two?.median || !e) return 'not measured';
  const short = isShortScaling(s) ? '; short run' : '';
  return `2 replicas ${fmtInt(two.median)} samples/s, efficiency ${e.efficiency.toFixed(2)} vs 1 process (peer)${short}`;
}

// ---------------------------------------------------------------------------------------------
// Model serving (bench/serving writes it)

/** Demotes headings so the section nests under `# Benchmarks`, and gives it one if it has none. */
function servingMarkdown(text) {
  let md = text.trim();
  const top = /^(#+) /m.exec(md);
  if (top && top[1].length === 1) md = md.replace(/^(#+) /gm, '#$1 ');
  if (!/^## /.test(md)) md = `## Model serving\n\n${md}`;
  return md;
}

function servingSection(json) {
  const inline = json.markdown ?? json.serving?.markdown;
  if (typeof inline === 'string') return servingMarkdown(inline);
  const mdFile = path.join(OUT_DIR, 'serving.md');
  if (fs.existsSync(mdFile)) return servingMarkdown(fs.readFileSync(mdFile, 'utf8'));
  if (!Array.isArray(json.rows)) return undefined;
  // The table and the goal checks, as the serving bench prints them.
  return servingReport(json);
}

function servingHeadline(json) {
  return Array.isArray(json.rows) ? servingRowsHeadline(json) : 'see the section';
}

// ---------------------------------------------------------------------------------------------
// Compiled train step (bench/compiled.js renders its own section)

function compiledSection(json) {
  return (json.markdown ?? require('./compiled.js').renderSection(json)).trim();
}

function compiledHeadline(json) {
  const parts = json.models.map((model) => {
    const pick = (impl) => json.rows.find((r) => r.model === model && r.impl === impl)?.median;
    const [compiled, keras] = [pick('compiled'), pick('keras')];
    return compiled && keras ? `${model} ${fmtRatio(compiled / keras)} Keras` : `${model} not measured`;
  });
  return `compiled step: ${parts.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------

const SECTIONS = [
  {
    title: 'MLP training throughput',
    file: 'mlp.json',
    run: 'node bench/run.js',
    pick: (j) => j,
    render: mlpSection,
    headline: mlpHeadline,
  },
  {
    title: 'Compiled train step',
    file: 'compiled.json',
    run: 'node bench/compiled.js',
    pick: (j) => j,
    render: compiledSection,
    headline: compiledHeadline,
  },
  {
    title: 'All-reduce bandwidth',
    file: 'allreduce.json',
    run: 'node bench/allreduce.js',
    pick: (j) => j.allreduce,
    render: allreduceSection,
    headline: allreduceHeadline,
  },
  {
    title: 'Mirrored scaling',
    file: 'scaling.json',
    run: 'node bench/scaling.js',
    pick: (j) => j,
    render: scalingSection,
    headline: scalingHeadline,
  },
  {
    title: 'Model serving',
    file: 'serving.json',
    run: 'node bench/serving/run.js',
    pick: (j) => j,
    render: servingSection,
    headline: servingHeadline,
    date: (j) => j.date ?? j.info?.date ?? j.serving?.date,
  },
];

function main() {
  const bodies = [];
  const summary = [];
  const notes = [];
  for (const s of SECTIONS) {
    const { data, missing, problem } = readJson(s.file);
    const part = data && s.pick(data);
    let body;
    let why = problem;
    if (missing) why = `no \`bench/out/${s.file}\` (run \`${s.run}\`)`;
    else if (data && !part) why = `\`bench/out/${s.file}\` holds no ${s.title.toLowerCase()} results`;
    if (part) {
      try {
        body = s.render(part);
        if (!body) why = `\`bench/out/${s.file}\` has no markdown or rows to show`;
      } catch (err) {
        why = `could not render \`bench/out/${s.file}\`: ${err.message}`;
      }
    }
    if (body) {
      bodies.push(body);
      let headline = '';
      try {
        headline = s.headline(part);
      } catch {
        headline = 'see the section';
      }
      const date = (s.date ? s.date(part) : part.date) ?? '?';
      summary.push([s.title, String(date).slice(0, 16).replace('T', ' '), headline]);
    } else {
      notes.push(`_${s.title}: not included — ${why}._`);
      summary.push([s.title, '—', 'not included']);
    }
  }

  const all = readJson('all.json').data;
  const intro =
    '_Assembled by `node bench/report.js` (the last step of `npm run bench`) on ' +
    `${new Date().toISOString()} from the results in \`bench/out/\` (not committed). Each section comes from its own ` +
    'bench run and says when, on which machine and how it was measured; rerun one bench alone with ' +
    '`node bench/<name>.js`, then `node bench/report.js`._';
  const md = ['# Benchmarks', '', intro, ''];
  if (all?.steps?.length) {
    md.push(
      `Last \`npm run bench\` (bench/all.js): ${all.date}, ${Math.round(all.totalSeconds)} s — ` +
        `${all.steps.map((st) => `${st.name} ${Math.round(st.seconds)} s${st.exitCode === 0 ? '' : ' (failed)'}`).join(', ')}.`,
      '',
    );
  }
  md.push(markdownTable(['Section', 'Measured (UTC)', 'Headline'], summary, ['---', '---', '---']), '');
  if (notes.length) md.push(...notes.flatMap((n) => [n, '']));
  md.push(...bodies.flatMap((b) => [b, '']));
  fs.writeFileSync(REPORT, `${md.join('\n').trimEnd()}\n`);
  console.log(
    `wrote ${path.relative(ROOT, REPORT)}: ${summary.filter((r) => r[2] !== 'not included').length} of ` +
      `${SECTIONS.length} sections${notes.length ? ` (${notes.length} not included)` : ''}`,
  );
}

main();
