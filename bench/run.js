#!/usr/bin/env node
/*
 * MLP training-throughput benchmark (the first of the benches `npm run bench` runs, see bench/all.js).
 *
 * MLP training throughput (784 -> 256 relu -> 10 softmax, Adam 1e-3, categorical cross-entropy,
 * batch 128, synthetic data) for tfjs on the native TensorFlow backend (tfjs's own model.fit and
 * our SDK's Trainer.fit), tfjs on WASM, tfjs on the pure-JS CPU backend, and Keras 3 in Python (the
 * peer). The report checks the acceptance criterion "Trainer.fit reaches >= 0.95x model.fit".
 *
 * Every run is its own child process; runs of the different setups are interleaved round-robin
 * (table order in even rounds, reversed in odd ones, so neither of two neighbours always goes
 * first) so that slow drifts in machine load hit all of them alike. Writes bench/out/mlp.json, which
 * also holds this bench's section of BENCHMARKS.md as markdown (its `markdown` field);
 * bench/report.js assembles BENCHMARKS.md from it and the other benches' results.
 *
 *   npm run build && node bench/run.js && node bench/report.js
 *
 * Environment:
 *   BENCH_RUNS       runs per setup (default: 7 for model.fit and Trainer, 5 for the other fast
 *                    setups, 3 for wasm and cpu)
 *   BENCH_THREADS=1  also measure model.fit and Trainer.fit with one TensorFlow thread
 *                    (TF_NUM_INTRAOP_THREADS=1, TF_NUM_INTEROP_THREADS=1); off by default
 *   TFSCALE_PYTHON   Python with tensorflow + keras (default: <repo>/.venv/bin/python)
 */

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(__dirname, 'out');
const NODE_WORKER = path.join(__dirname, 'dist', 'mlp', 'worker.js');
const KERAS_WORKER = path.join(__dirname, 'mlp', 'keras_mlp.py');

const BATCH = 128;
const SEED = 1234;
const WARMUP_STEPS = 5;
/** One MNIST-sized epoch (60,000 samples) rounded up to whole batches: 469 x 128 = 60,032. */
const EPOCH = Math.ceil(60000 / BATCH) * BATCH;
const RUN_TIMEOUT_MS = 180_000;
const CORES = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
const THREAD_VARS = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS'];

function runsFromEnv() {
  const raw = process.env.BENCH_RUNS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_RUNS must be a positive integer, got ${raw}`);
  return n;
}

function pythonCommand() {
  return process.env.TFSCALE_PYTHON || path.join(ROOT, '.venv', 'bin', 'python');
}

/** Why Keras can't be measured, or undefined when the Python looks usable. */
function pythonProblem(python) {
  const looksLikePath = python.includes('/') || python.includes('\\');
  if (looksLikePath && !fs.existsSync(python)) {
    const shown = python.startsWith(ROOT + path.sep) ? path.relative(ROOT, python) : python;
    return `no Python at ${shown} (create the venv or set TFSCALE_PYTHON)`;
  }
  const probe = spawnSync(python, ['-c', 'import tensorflow, keras'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.error) return `cannot run ${python}: ${probe.error.message}`;
  if (probe.status !== 0) return `${python} cannot import tensorflow/keras: ${lastLine(probe.stderr)}`;
  return undefined;
}

function lastLine(text) {
  const lines = String(text || '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) || 'no output';
}

const RUNS = runsFromEnv();
const PYTHON = pythonCommand();
const THREAD_ROWS = process.env.BENCH_THREADS === '1';
/** The acceptance criterion: Trainer.fit's median samples/s at least this fraction of model.fit's. */
const CRITERION = 0.95;
const ONE_THREAD = { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' };

/** The setups, in table order. `runs` is the default when BENCH_RUNS is not set. */
const ROWS = [
  {
    id: 'tfjs-node-fit',
    label: 'tfjs-node `model.fit` (native TF backend)',
    cmd: 'node',
    spec: { backend: 'tensorflow', impl: 'fit', samples: EPOCH },
    runs: 7,
  },
  {
    id: 'tfscale-trainer',
    label: 'tfscale `Trainer.fit` (native TF backend)',
    cmd: 'node',
    spec: { backend: 'tensorflow', impl: 'trainer', samples: EPOCH },
    runs: 7,
  },
  ...(THREAD_ROWS
    ? [
        {
          id: 'tfjs-node-fit-1t',
          label: 'tfjs-node `model.fit`, 1 TF thread (extra)',
          cmd: 'node',
          spec: { backend: 'tensorflow', impl: 'fit', samples: EPOCH },
          env: ONE_THREAD,
          runs: 5,
        },
        {
          id: 'tfscale-trainer-1t',
          label: 'tfscale `Trainer.fit`, 1 TF thread (extra)',
          cmd: 'node',
          spec: { backend: 'tensorflow', impl: 'trainer', samples: EPOCH },
          env: ONE_THREAD,
          runs: 5,
        },
      ]
    : []),
  {
    id: 'tfjs-wasm-fit',
    label: 'tfjs WASM backend `model.fit`',
    cmd: 'node',
    spec: { backend: 'wasm', impl: 'fit', samples: 100 * BATCH },
    runs: 3,
  },
  {
    id: 'tfjs-cpu-fit',
    label: 'tfjs pure-JS CPU backend `model.fit` (short run, 10 steps)',
    cmd: 'node',
    spec: { backend: 'cpu', impl: 'fit', samples: 10 * BATCH },
    runs: 3,
  },
  {
    id: 'keras-fit',
    label: 'Keras 3 `model.fit` (Python, TF) — peer',
    cmd: 'python',
    spec: { backend: 'tensorflow', impl: 'fit', samples: EPOCH },
    runs: 5,
    peer: true,
  },
];

function childEnv(row) {
  // The same thread pinning for every child: both TensorFlow runtimes (tfjs-node's libtensorflow and
  // Python's) size their intra-/inter-op pools from these variables; set to the core count (TF's
  // own default) unless the caller already chose values. WASM and pure JS run single-threaded.
  // The optional 1-thread rows override them.
  const env = { ...process.env };
  for (const name of THREAD_VARS) if (!env[name]) env[name] = String(CORES);
  return { ...env, ...row?.env };
}

function runOnce(row) {
  const spec = JSON.stringify({ ...row.spec, warmupSteps: WARMUP_STEPS, batchSize: BATCH, seed: SEED });
  const [cmd, args] = row.cmd === 'python' ? [PYTHON, [KERAS_WORKER, spec]] : [process.execPath, [NODE_WORKER, spec]];
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(row), timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (err) => resolve({ error: `cannot start ${cmd}: ${err.message}` }));
    child.on('close', (code, signal) => {
      const wallSeconds = (Date.now() - started) / 1000;
      const line = stdout.split('\n').find((l) => l.startsWith('@@BENCH '));
      if (code === 0 && line) {
        resolve({ result: JSON.parse(line.slice('@@BENCH '.length)), wallSeconds });
      } else {
        const why = signal ? `killed by ${signal} after ${wallSeconds.toFixed(0)} s` : `exit code ${code}`;
        const reported = stdout.split('\n').find((l) => l.startsWith('@@ERROR '));
        const detail = reported ? reported.slice('@@ERROR '.length) : lastLine(stderr || stdout);
        resolve({ error: `${why}: ${detail}`, wallSeconds });
      }
    });
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtRatio = (r) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;

function summarise(row, state) {
  const sps = state.results.map((r) => r.samplesPerSec);
  const out = {
    id: row.id,
    label: row.label,
    peer: Boolean(row.peer),
    backend: row.spec.backend,
    impl: row.spec.impl,
    samplesPerRun: row.spec.samples,
    runsPlanned: state.planned,
    runsOk: sps.length,
    status: sps.length ? 'measured' : 'not measured',
    reason: state.reason,
    errors: state.errors,
    samplesPerSec: sps,
    /** Round of the round-robin each run came from (pairs runs of two rows). */
    rounds: state.results.map((r) => r.round),
    seconds: state.results.map((r) => r.seconds),
    median: sps.length ? median(sps) : null,
    min: sps.length ? Math.min(...sps) : null,
    max: sps.length ? Math.max(...sps) : null,
    loss: state.results.map((r) => r.loss),
    load1Before: state.results.map((r) => r.load1Before),
    tensorDelta: state.results.map((r) => r.tensorDelta),
    threads: Object.fromEntries(THREAD_VARS.map((n) => [n, childEnv(row)[n]])),
    kernelsPerStep: state.results[0]?.kernelsPerStep,
    versions: state.results[0]?.versions,
    flags: state.results[0]?.flags,
  };
  return out;
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() || 'unknown',
    cores: CORES,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    loadAvgStart: os.loadavg(),
    /** 1-minute load average sampled just before each run (this bench itself adds ~1-2). */
    load1BeforeRuns: [],
  };
}

function table(rows, peer) {
  const head = ['Setup', 'Timed samples/run', 'Runs', 'Median samples/s', 'Range (min–max)', 'vs Keras'];
  const lines = rows.map((r) => {
    if (r.status !== 'measured') return [r.label, fmtInt(r.samplesPerRun), '0', 'not measured', r.reason || '', '—'];
    let ratio = 'n/a (Keras not measured)';
    if (r.peer) ratio = '1.00× (peer)';
    else if (peer?.median) ratio = `${fmtRatio(r.median / peer.median)} Keras`;
    return [
      r.label,
      fmtInt(r.samplesPerRun),
      `${r.runsOk}/${r.runsPlanned}`,
      fmtInt(r.median),
      `${fmtInt(r.min)}–${fmtInt(r.max)}`,
      ratio,
    ];
  });
  return [head, ...lines];
}

function markdownTable(cells) {
  const [head, ...body] = cells;
  const row = (c) => `| ${c.join(' | ')} |`;
  const align = head.map((_, i) => (i === 0 ? '---' : '---:'));
  return [row(head), row(align), ...body.map(row)].join('\n');
}

function consoleTable(cells) {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => String(c[i]).length)));
  const fmt = (c) =>
    c.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  ');
  return [fmt(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

/** Ranges overlap = the difference between two rows is within this machine's run-to-run noise. */
const overlaps = (a, b) => a.min <= b.max && b.min <= a.max;

function tfVersions(node, python) {
  const [a, b] = [node.versions?.tensorflow ?? '?', python.versions?.tensorflow ?? '?'];
  return a === b ? a : `${a} (tfjs-node) / ${b} (Python)`;
}

/** Runs of two rows from the same round of the round-robin (run back to back): `a`'s samples/s over `b`'s. */
function pairRatios(a, b) {
  const other = new Map(b.rounds.map((round, i) => [round, b.samplesPerSec[i]]));
  return a.rounds
    .filter((round) => other.has(round))
    .map((round) => a.samplesPerSec[a.rounds.indexOf(round)] / other.get(round));
}

/** How often `a` beat `b` in same-round pairs. */
function pairedWins(a, b) {
  const ratios = pairRatios(a, b);
  return { wins: ratios.filter((r) => r > 1).length, n: ratios.length };
}

const fmtPct = (d) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(0)}%`;
const fmtLoss = (r) => median(r.loss).toFixed(3);
const allZero = (values) => values.every((v) => v === 0);

/** The acceptance line and what stands behind it. */
function acceptance(fit, trainer, peer) {
  const ratio = trainer.median / fit.median;
  const met = ratio >= CRITERION;
  const ratios = pairRatios(trainer, fit);
  const { wins, n } = pairedWins(trainer, fit);
  const below = ratios.filter((r) => r < CRITERION).length;
  // Two decimals, unless rounding would hide which side of the threshold the ratio is on.
  const shown = ratio.toFixed(2) === CRITERION.toFixed(2) && !met ? ratio.toFixed(3) : ratio.toFixed(2);
  let text =
    `**Trainer vs \`model.fit\`: ${shown}× (median samples/s ratio), criterion ≥ ${CRITERION.toFixed(2)}×: ` +
    `${met ? 'met' : 'not met'}.** The Trainer was faster in ${wins} of ${n} interleaved run pairs`;
  if (n) {
    text += `; per pair it reached ${Math.min(...ratios).toFixed(2)}–${fmtRatio(Math.max(...ratios))} of \`model.fit\` (median ${fmtRatio(median(ratios))})`;
  }
  if (n < 3) text += '. Fewer than 3 pairs: too few to judge, rerun with more runs.';
  else if (below === 0) text += `, so every pair cleared ${CRITERION.toFixed(2)}×.`;
  else if (below === n) text += `, so no pair reached ${CRITERION.toFixed(2)}×.`;
  else {
    text +=
      `; ${below} of ${n} pairs fell below ${CRITERION.toFixed(2)}×, so on this machine run-to-run noise is as large ` +
      `as the ${Math.round((1 - CRITERION) * 100)}% margin and the verdict rests on the median: confirm it on a quiet machine.`;
  }
  const paras = [text];

  const leak = (r) =>
    allZero(r.tensorDelta) ? `0 in all ${r.runsOk} runs` : `${r.tensorDelta.join(', ')} (runs in order)`;
  let detail =
    `Like for like: both train one epoch over the same ${fmtInt(fit.samplesPerRun)} samples, shuffled ` +
    '(tfjs: `util.shuffle` of the sample indices each epoch, then `tf.gather` per batch; Trainer: a seeded ' +
    'permutation, then `tf.gather` per batch via `fromTensors`), and both compute the loss every step ' +
    `(median epoch loss: \`model.fit\` ${fmtLoss(fit)}, Trainer ${fmtLoss(trainer)}; ~2.30 = ln 10 for random labels). ` +
    'One difference remains by design: the Trainer reads loss (and metrics) back to JS once per step ' +
    "(`dataSync`, for Keras-style batch logs), whereas tfjs's `model.fit` keeps each step's loss on the " +
    'backend (its `BaseLogger` sums it there) and reads back only at the end of the epoch.';
  if (fit.kernelsPerStep && trainer.kernelsPerStep) {
    detail +=
      ` Kernels per step (\`tf.profile\`, a 2-batch minus a 1-batch epoch): \`model.fit\` ${fit.kernelsPerStep}, ` +
      `Trainer ${trainer.kernelsPerStep}.`;
  }
  detail += ` Tensor leak check (tensors alive after the timed epoch minus before it): Trainer ${leak(trainer)}; \`model.fit\` ${leak(fit)}.`;
  if (peer?.status === 'measured') detail += ` The Trainer reaches ${fmtRatio(trainer.median / peer.median)} Keras.`;
  paras.push(detail);
  return paras;
}

/** The optional 1-thread rows against the default-thread ones. */
function threadNote(ctx, fit, trainer, fit1, trainer1) {
  const threads = ctx.threads[THREAD_VARS[0]];
  const vsDefault = (one, dflt) =>
    `${fmtInt(one.median)} samples/s (${fmtPct(one.median / dflt.median - 1)} vs ${threads} threads, faster in ` +
    `${pairedWins(one, dflt).wins} of ${pairedWins(one, dflt).n} pairs${overlaps(one, dflt) ? ', ranges overlap' : ', ranges apart'})`;
  const parts = [];
  if (fit1 && fit) parts.push(`\`model.fit\` ${vsDefault(fit1, fit)}`);
  if (trainer1 && trainer) parts.push(`Trainer ${vsDefault(trainer1, trainer)}`);
  let text =
    `Extra setup (\`BENCH_THREADS=1\`): with one TensorFlow thread (\`TF_NUM_INTRAOP_THREADS=1\`, ` +
    `\`TF_NUM_INTEROP_THREADS=1\`; the default rows use ${threads}), ${parts.join('; ')}.`;
  if (fit1 && trainer1) {
    const { wins, n } = pairedWins(trainer1, fit1);
    text += ` At one thread the Trainer reaches ${fmtRatio(trainer1.median / fit1.median)} \`model.fit\` (faster in ${wins} of ${n} pairs).`;
  }
  text +=
    ' These rows are not part of the acceptance criterion, and their "vs Keras" ratio compares against Keras at ' +
    `the default ${threads} threads.`;
  const oneWins = [
    [fit1, fit],
    [trainer1, trainer],
  ].filter(([one, dflt]) => one && dflt);
  if (oneWins.length && oneWins.every(([one, dflt]) => one.min > dflt.max)) {
    text +=
      ' Why one thread wins here (likely, not profiled): the ops of this model are too small to gain from being ' +
      'split across cores, hand-offs between pool threads cost time, and on a shared ' +
      `${ctx.cores}-core VM a second TensorFlow thread mostly competes with the other processes.`;
  }
  return text;
}

function interpretation(byId, ctx) {
  const peer = byId['keras-fit'];
  const fit = byId['tfjs-node-fit'];
  const trainer = byId['tfscale-trainer'];
  const wasm = byId['tfjs-wasm-fit'];
  const cpu = byId['tfjs-cpu-fit'];
  const ok = (r) => r && r.status === 'measured';
  const paras = [];

  if (ok(fit) && ok(peer)) {
    const ratio = fit.median / peer.median;
    const words =
      ratio < 0.9
        ? `Keras trains this model about ${fmtRatio(1 / ratio)} faster`
        : ratio > 1.1
          ? `tfjs-node trains this model about ${fmtRatio(ratio)} faster than Keras`
          : 'tfjs-node and Keras are within about 10% of each other';
    let text = `tfjs-node and Keras both run TensorFlow ${tfVersions(fit, peer)} on the same cores, yet ${words} (\`model.fit\` medians: ${fmtInt(fit.median)} vs ${fmtInt(peer.median)} samples/s).`;
    if (ratio < 0.9) {
      text +=
        ' The model is tiny (~0.2 M parameters, ~0.15 GFLOP per step), so per-step overhead, not arithmetic, ' +
        'decides: Keras traces the whole training step into one `tf.function` graph that the runtime executes ' +
        'in one call, whereas tfjs dispatches every op of the forward pass, the gradients and the Adam update ' +
        'eagerly, one N-API call each';
      text += fit?.kernelsPerStep
        ? ` (${fit.kernelsPerStep} kernels per \`model.fit\` step, counted with \`tf.profile\`).`
        : '.';
      text += ' That explanation is the likely one, not a profiled breakdown.';
    }
    paras.push(text);
  } else if (!ok(peer)) {
    paras.push(`Keras was not measured (${peer?.reason ?? 'unknown reason'}), so no row has a ratio to the peer.`);
  }

  if (ok(fit) && ok(trainer)) paras.unshift(...acceptance(fit, trainer, ok(peer) ? peer : undefined));
  else paras.unshift('**Trainer vs `model.fit`: not measured** (see the table and the failed runs below).');

  const fit1 = byId['tfjs-node-fit-1t'];
  const trainer1 = byId['tfscale-trainer-1t'];
  if (ok(fit1) || ok(trainer1)) {
    paras.push(
      threadNote(
        ctx,
        ok(fit) ? fit : undefined,
        ok(trainer) ? trainer : undefined,
        ok(fit1) && fit1,
        ok(trainer1) && trainer1,
      ),
    );
  }

  const small = [];
  if (ok(wasm)) {
    const simd = wasm.flags?.WASM_HAS_SIMD_SUPPORT ? 'SIMD on' : 'SIMD off';
    const mt = wasm.flags?.WASM_HAS_MULTITHREAD_SUPPORT ? 'multi-threaded' : 'single-threaded';
    small.push(
      `WASM (${simd}, ${mt} in Node) reaches ${fmtInt(wasm.median)} samples/s` +
        (ok(peer) ? ` (${fmtRatio(wasm.median / peer.median)} Keras)` : ''),
    );
  }
  if (ok(cpu)) {
    small.push(
      `the pure-JS CPU backend (${fmtInt(cpu.samplesPerRun)} timed samples only, so a rough figure) reaches ` +
        `${fmtInt(cpu.median)} samples/s` +
        (ok(peer) ? ` (${fmtRatio(cpu.median / peer.median)} Keras)` : ''),
    );
  }
  if (small.length) paras.push(`${small.join('; ')}.`);

  const spread = Object.values(byId)
    .filter((r) => ok(r) && r.runsOk >= 3)
    .map((r) => ({ r, x: r.max / r.min }))
    .sort((p, q) => q.x - p.x)[0];
  if (spread && spread.x > 1.3) {
    paras.push(
      `The widest spread is ${spread.r.peer ? 'the peer' : 'the'} row "${spread.r.label}" ` +
        `(${fmtInt(spread.r.min)}–${fmtInt(spread.r.max)}, ${spread.x.toFixed(1)}× between its slowest and ` +
        `fastest run), so ${spread.r.peer ? 'every ratio in the table carries' : 'comparisons involving it carry'} ` +
        'that uncertainty; check the load line above, and treat the ratios as rough unless a rerun on a quieter ' +
        'machine agrees.',
    );
  }

  paras.push(
    `Caveats: this is one small MLP on a ${ctx.cores}-core shared VM whose load varies; the min–max ranges show ` +
      'that noise, and differences smaller than the ranges should not be read as real. Larger models, where ' +
      'arithmetic dominates per-op overhead, were not measured and may rank differently.',
  );
  return paras;
}

/**
 * This bench's section of BENCHMARKS.md (from `## MLP training throughput` on), rendered from the
 * report alone (machine, thread settings and results as recorded), so it can be re-rendered from
 * an older bench/out/mlp.json.
 */
function renderSection(report) {
  const { machine, rows, date, totalSeconds, config } = report;
  const ctx = { cores: machine.cores, threads: config.threads };
  const warmupSteps = config.warmupSteps;
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  const peer = byId['keras-fit'];
  const nodeSide = rows.find((r) => r.backend === 'tensorflow' && !r.peer && r.status === 'measured');
  const anyNode = rows.find((r) => !r.peer && r.status === 'measured');
  const wasm = byId['tfjs-wasm-fit'];
  const pyv = peer?.versions;
  const threads = THREAD_VARS.map((n) => `\`${n}=${ctx.threads[n]}\``).join(', ');

  const md = [
    '## MLP training throughput',
    '',
    `_Measured by \`node bench/run.js\` on ${date}; whole run ${totalSeconds.toFixed(0)} s; raw results: ` +
      '`bench/out/mlp.json` (not committed)._',
    '',
    'Model 784 → 256 (ReLU) → 10 (softmax), Adam (lr 1e-3), categorical cross-entropy, batch 128, ' +
      'synthetic float32 data (uniform [0, 1) inputs, random one-hot labels, seeded).',
    '',
    '### Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; ${machine.os}`,
    `- Load average (1/5/15 min) at start: ${machine.loadAvgStart.map((v) => v.toFixed(2)).join(' / ')}; ` +
      `at end: ${machine.loadAvgEnd.map((v) => v.toFixed(2)).join(' / ')}; 1-min load before each run: ` +
      `${Math.min(...machine.load1BeforeRuns).toFixed(2)}–${Math.max(...machine.load1BeforeRuns).toFixed(2)} ` +
      `(includes the bench's own previous run; values well above ${ctx.cores} mean other processes competed for the cores)`,
    `- Node ${machine.node}; tfjs ${anyNode?.versions?.tfjs ?? 'unknown'}` +
      (nodeSide
        ? `; tfjs-node ${nodeSide.versions?.['tfjs-node'] ?? 'unknown'} on native TensorFlow ` +
          `${nodeSide.versions?.tensorflow ?? 'unknown'} (\`tf.backend().binding.TF_Version\`)`
        : '; native backend not measured'),
    pyv
      ? `- Python ${pyv.python}; TensorFlow ${pyv.tensorflow}; Keras ${pyv.keras} ` +
        `(backend ${peer.flags?.keras_backend}, \`jit_compile=${peer.flags?.jit_compile}\` — the default on this machine); NumPy ${pyv.numpy}`
      : `- Python side not measured: ${peer?.reason ?? 'unknown reason'}`,
    wasm?.flags
      ? `- WASM backend: SIMD ${wasm.flags.WASM_HAS_SIMD_SUPPORT ? 'on' : 'off'}, ` +
        `threads ${wasm.flags.WASM_HAS_MULTITHREAD_SUPPORT ? 'on' : 'off (single-threaded)'}`
      : '- WASM backend: not measured',
    '',
    '### Method',
    '',
    '- Every run is a fresh child process (backends never share a process); runs of the setups are ' +
      'interleaved round-robin (table order in even rounds, reversed in odd ones) so load drift on the machine ' +
      'hits all setups alike; runs of two setups from the same round are the "run pairs" compared below.',
    '- Data is created as tensors in the backend (tfjs) or as `tf.constant` (Keras) before timing; ' +
      `then ${warmupSteps} warm-up steps (a \`fit\` or \`Trainer.fit\` on the first ${warmupSteps} batches) ` +
      'run untimed; then a fixed number of samples, always whole batches, is trained on and timed ' +
      `(${fmtInt(EPOCH)} = one MNIST-sized epoch rounded up to 469 batches for native/Keras; fewer for the ` +
      'slow backends). The timed span ends after the final weights are readable.',
    '- `model.fit` rows: one `fit` call, epochs 1, defaults otherwise (shuffle on, in both tfjs and Keras). ' +
      "Trainer rows: the SDK's `Trainer` (resolved from `createRunContainer(createRootContainer(...))`, silent " +
      'logger) runs `trainer.fit(model, fromTensors(x, y), { epochs: 1, batchSize: 128, shuffle: true, seed })` ' +
      'on the same compiled model as `model.fit` (same optimizer and loss), on the same tfjs engine and native backend.',
    `- Threads: every child gets ${threads} (${ctx.cores} = the core count = TensorFlow's own default)` +
      (rows.some((r) => r.id.endsWith('-1t'))
        ? ', except the rows marked "1 TF thread (extra)", which get `TF_NUM_INTRAOP_THREADS=1`, `TF_NUM_INTEROP_THREADS=1` (`BENCH_THREADS=1`)'
        : '') +
      '; nothing else is tuned. WASM and pure JS are single-threaded.',
    `- Reported: the median samples/s over the runs, the min–max range, and the median's ratio to Keras (the peer).`,
    '',
    '### Results',
    '',
    markdownTable(table(rows, peer)),
    '',
    '### What the numbers mean',
    '',
    ...interpretation(byId, ctx).flatMap((p) => [p, '']),
  ];
  const failures = rows.filter((r) => r.errors.length);
  if (failures.length) {
    md.push('### Failed runs', '');
    for (const r of failures) for (const e of r.errors) md.push(`- ${r.label}: ${e}`);
    md.push('');
  }
  return `${md.join('\n').trimEnd()}\n`;
}

async function main() {
  const started = Date.now();
  if (!fs.existsSync(NODE_WORKER)) {
    console.error(`missing ${path.relative(ROOT, NODE_WORKER)}: run \`npm run build\` first (npm run bench does).`);
    process.exit(1);
  }
  const machine = machineInfo();
  const states = new Map(
    ROWS.map((row) => [row.id, { planned: RUNS ?? row.runs, results: [], errors: [], reason: undefined }]),
  );

  const pyProblem = pythonProblem(PYTHON);
  if (pyProblem) {
    const keras = states.get('keras-fit');
    keras.reason = pyProblem;
    keras.planned = 0;
    console.log(`Keras: not measured — ${pyProblem}`);
  }

  console.log(
    `MLP training throughput; ${CORES} cores, ${machine.cpuModel}; batch ${BATCH}, warm-up ${WARMUP_STEPS} steps`,
  );
  const maxRuns = Math.max(...[...states.values()].map((s) => s.planned));
  const total = [...states.values()].reduce((n, s) => n + s.planned, 0);
  let done = 0;
  for (let run = 0; run < maxRuns; run++) {
    for (const row of run % 2 ? [...ROWS].reverse() : ROWS) {
      const state = states.get(row.id);
      if (run >= state.planned) continue;
      done++;
      const tag = `[${String(done).padStart(2)}/${total}] ${row.id} run ${run + 1}/${state.planned}`;
      const load1 = os.loadavg()[0];
      machine.load1BeforeRuns.push(load1);
      const outcome = await runOnce(row);
      if (outcome.result) {
        state.results.push({ ...outcome.result, load1Before: load1, round: run });
        const r = outcome.result;
        console.log(
          `${tag}: ${fmtInt(r.samplesPerSec)} samples/s (${r.seconds.toFixed(2)} s timed, loss ${r.loss.toFixed(3)})`,
        );
      } else {
        state.errors.push(outcome.error);
        console.log(`${tag}: FAILED ${outcome.error}`);
        if (state.results.length === 0) {
          // A setup that cannot run once will not run later either; don't spend the time.
          state.reason = outcome.error;
          state.planned = run + 1;
        }
      }
    }
  }

  machine.loadAvgEnd = os.loadavg();
  const rows = ROWS.map((row) => summarise(row, states.get(row.id)));
  const totalSeconds = (Date.now() - started) / 1000;
  const report = {
    benchmark: 'mlp-training-throughput',
    date: new Date().toISOString(),
    totalSeconds,
    machine,
    config: {
      model: '784-256(relu)-10(softmax)',
      optimizer: 'adam(1e-3)',
      loss: 'categoricalCrossentropy',
      batchSize: BATCH,
      warmupSteps: WARMUP_STEPS,
      seed: SEED,
      threads: Object.fromEntries(THREAD_VARS.map((n) => [n, childEnv()[n]])),
      python: PYTHON,
      runsOverride: RUNS ?? null,
    },
    rows,
  };
  /** This bench's section of BENCHMARKS.md; bench/report.js puts it in place. */
  report.markdown = renderSection(report);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'mlp.json'), `${JSON.stringify(report, null, 2)}\n`);

  console.log('');
  console.log(
    consoleTable(
      table(
        rows,
        rows.find((r) => r.peer),
      ),
    ),
  );
  console.log('');
  console.log(
    `Total ${totalSeconds.toFixed(0)} s. Wrote bench/out/mlp.json (\`node bench/report.js\` updates BENCHMARKS.md).`,
  );
}

module.exports = { renderSection };

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
