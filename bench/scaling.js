#!/usr/bin/env node
/*
 * Scaling efficiency of the `mirrored` strategy from 1 to 2 replicas on this machine.
 *
 * MLP 784 -> 256 (relu) -> 10 (softmax), Adam 1e-3, global batch 128, seeded synthetic data (one
 * MNIST-sized epoch, 60,032 samples, timed after a 5-step warm-up), trained by the SDK's real
 * path (bench/scaling/worker.ts): `Trainer.fit` after `prepareDistributedFit`, with
 *   one-device-default  1 process, OneDeviceStrategy, TensorFlow threads as bench/run.js sets them
 *                       (intra = inter = core count, TF's own default)
 *   one-device-split    1 process, OneDeviceStrategy, threads as one replica of 2 gets them
 *   mirrored-2          2 processes, CollectiveStrategy('mirrored'), cluster from TFSCALE_CLUSTER
 *                       over Unix sockets
 * Threads are split as `tfscale launch` splits them (src/distribute/launch/local-launcher.ts):
 * TF_NUM_INTRAOP_THREADS = floor(cores / replicas), TF_NUM_INTEROP_THREADS = 1. The thread
 * variables are set per setup here; values in the caller's environment are ignored.
 *
 * Runs of the setups are interleaved round-robin (table order in even rounds, reversed in odd
 * ones); a run's time is its slowest replica's; medians are reported. Efficiency =
 * throughput_2 / (2 x throughput_1). Writes bench/out/scaling.json; `node bench/report.js` turns
 * it into the "Mirrored scaling" section of BENCHMARKS.md.
 *
 *   npm run build && node bench/scaling.js
 *
 * Environment: BENCH_RUNS (runs per setup, default 5; BENCH_SCALING_RUNS overrides it for this bench
 * alone), BENCH_SAMPLES (timed samples per run, a multiple of 128; default 60032).
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(__dirname, 'dist', 'scaling', 'worker.js');
const OUT = path.join(__dirname, 'out', 'scaling.json');

const BATCH = 128;
const SEED = 1234;
const WARMUP_STEPS = 5;
const EPOCH = Math.ceil(60000 / BATCH) * BATCH;
const RUN_TIMEOUT_MS = 240_000;

function intFromEnv(name, fallback, check = () => true) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || !check(n)) throw new Error(`${name}: bad value ${raw}`);
  return n;
}

const RUNS = intFromEnv('BENCH_SCALING_RUNS', intFromEnv('BENCH_RUNS', 5));
const SAMPLES = intFromEnv('BENCH_SAMPLES', EPOCH, (n) => n % BATCH === 0 && n >= 2 * BATCH);
/** What `tfscale launch` reads (os.cpus().length) to split threads between replicas. */
const CORES = os.cpus().length;
const launchThreads = (replicas) => String(Math.max(1, Math.floor(CORES / replicas)));

const SETUPS = [
  {
    id: 'one-device-default',
    label: '1 process, one-device `Trainer.fit`',
    mode: 'one-device',
    processes: 1,
    threads: { TF_NUM_INTRAOP_THREADS: String(CORES), TF_NUM_INTEROP_THREADS: String(CORES) },
    baseline: true,
  },
  {
    id: 'one-device-split',
    label: '1 process, one-device `Trainer.fit`, threads of one replica of 2',
    mode: 'one-device',
    processes: 1,
    threads: { TF_NUM_INTRAOP_THREADS: launchThreads(2), TF_NUM_INTEROP_THREADS: '1' },
  },
  {
    id: 'mirrored-2',
    label: '2 processes, `mirrored` (Unix sockets)',
    mode: 'mirrored',
    processes: 2,
    threads: { TF_NUM_INTRAOP_THREADS: launchThreads(2), TF_NUM_INTEROP_THREADS: '1' },
  },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x, digits = 4) => Number(x.toFixed(digits));

function lastLine(text) {
  const lines = String(text || '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) || 'no output';
}

function childEnv(setup, extra) {
  const env = { ...process.env, ...setup.threads, ...extra };
  // The one-device runs must not find a cluster left in the caller's environment.
  for (const name of ['TFSCALE_CLUSTER', 'TF_CONFIG']) if (!extra?.[name]) delete env[name];
  return env;
}

/** One run of a setup: all its processes; resolves to their `@@BENCH` records, rank order. */
function runOnce(setup, round) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-scaling-'));
  const sockets = Array.from({ length: setup.processes }, (_, i) => path.join(dir, `replica-${i}.sock`));
  const spec = JSON.stringify({
    mode: setup.mode,
    samples: SAMPLES,
    warmupSteps: WARMUP_STEPS,
    batchSize: BATCH,
    seed: SEED,
  });
  const started = Date.now();
  const children = [];
  const runs = sockets.map((_, rank) => {
    const extra =
      setup.mode === 'mirrored'
        ? {
            TFSCALE_CLUSTER: JSON.stringify({ workers: sockets, rank }),
            TFSCALE_RUN_ID: `bench-scaling-${process.pid}-${round}`,
          }
        : {};
    const child = spawn(process.execPath, [WORKER, spec], {
      cwd: ROOT,
      env: childEnv(setup, extra),
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    return new Promise((resolve, reject) => {
      child.on('error', (err) => reject(new Error(`cannot start node: ${err.message}`)));
      child.on('close', (code, signal) => {
        const line = stdout.split('\n').find((l) => l.startsWith('@@BENCH '));
        if (code === 0 && line) return resolve(JSON.parse(line.slice('@@BENCH '.length)));
        const reported = stdout.split('\n').find((l) => l.startsWith('@@ERROR '));
        const detail = reported ? reported.slice('@@ERROR '.length) : lastLine(stderr || stdout);
        reject(new Error(`replica ${rank}: ${signal ? `killed by ${signal}` : `exit code ${code}`}: ${detail}`));
      });
    });
  });
  return Promise.all(runs)
    .then((records) => ({ records, wallSeconds: (Date.now() - started) / 1000 }))
    .catch((err) => {
      // One replica failed: the other would wait for it until its collective times out.
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      throw err;
    })
    .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** A run from its replicas' records: the slowest replica's time; the time split averaged. */
function combine(records, round, load1Before, wallSeconds) {
  const seconds = Math.max(...records.map((r) => r.seconds));
  const steps = records[0].steps;
  const ms = (key) => (mean(records.map((r) => r.split[key])) / steps) * 1000;
  const stepMs = (seconds / steps) * 1000;
  const gradSyncMs = ms('gradSync');
  const logReduceMs = ms('logReduce');
  return {
    round,
    seconds,
    samplesPerSec: SAMPLES / seconds,
    loss: records[0].loss,
    stepMs,
    split: {
      computeMs: stepMs - gradSyncMs - logReduceMs,
      gradSyncMs,
      gradReduceMs: ms('gradReduce'),
      logReduceMs,
    },
    gradBytesPerStep: records[0].split.gradBytesPerStep,
    replicaBatchSize: records[0].replicaBatchSize,
    perReplicaSeconds: records.map((r) => r.seconds),
    tensorDelta: records.map((r) => r.tensorDelta),
    setupSeconds: Math.max(...records.map((r) => r.setupSeconds)),
    wallSeconds,
    load1Before,
    versions: records[0].versions,
    flags: records[0].flags,
  };
}

function summarise(setup, state) {
  const runs = state.runs;
  const sps = runs.map((r) => r.samplesPerSec);
  const splitMedian = (key) => (runs.length ? round(median(runs.map((r) => r.split[key])), 3) : null);
  return {
    id: setup.id,
    label: setup.label,
    mode: setup.mode,
    processes: setup.processes,
    threads: setup.threads,
    baseline: Boolean(setup.baseline),
    runsPlanned: RUNS,
    runsOk: runs.length,
    status: runs.length ? 'measured' : 'not measured',
    errors: state.errors,
    samplesPerSec: sps,
    rounds: runs.map((r) => r.round),
    median: sps.length ? median(sps) : null,
    min: sps.length ? Math.min(...sps) : null,
    max: sps.length ? Math.max(...sps) : null,
    medianStepMs: runs.length ? round(median(runs.map((r) => r.stepMs)), 3) : null,
    /** Medians over runs of the per-step split (ms; mirrored: mean of the replicas in a run). */
    medianSplitMs: {
      compute: splitMedian('computeMs'),
      gradSync: splitMedian('gradSyncMs'),
      gradReduce: splitMedian('gradReduceMs'),
      logReduce: splitMedian('logReduceMs'),
    },
    replicaBatchSize: runs[0]?.replicaBatchSize ?? null,
    gradBytesPerStep: runs[0]?.gradBytesPerStep ?? null,
    runs,
  };
}

/** `a`'s samples/s over 2 x `b`'s, per round where both ran. */
function pairedEfficiency(a, b) {
  const other = new Map(b.rounds.map((r, i) => [r, b.samplesPerSec[i]]));
  return a.rounds.filter((r) => other.has(r)).map((r) => a.samplesPerSec[a.rounds.indexOf(r)] / (2 * other.get(r)));
}

function efficiency(byId) {
  const two = byId['mirrored-2'];
  const out = {};
  for (const baseId of ['one-device-default', 'one-device-split']) {
    const one = byId[baseId];
    if (two.status !== 'measured' || one.status !== 'measured') {
      out[baseId] = null;
      continue;
    }
    const pairs = pairedEfficiency(two, one);
    out[baseId] = {
      efficiency: round(two.median / (2 * one.median)),
      speedup: round(two.median / one.median),
      pairedEfficiency: pairs.map((e) => round(e)),
      pairedMin: pairs.length ? round(Math.min(...pairs)) : null,
      pairedMax: pairs.length ? round(Math.max(...pairs)) : null,
    };
  }
  return out;
}

function consoleTable(rows) {
  const head = [
    'setup',
    'threads (intra/inter)',
    'runs',
    'median samples/s',
    'range',
    'ms/step',
    'compute',
    'grad sync',
    'log reduce',
  ];
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const body = rows.map((r) => [
    r.id,
    `${r.processes} x ${r.threads.TF_NUM_INTRAOP_THREADS}/${r.threads.TF_NUM_INTEROP_THREADS}`,
    `${r.runsOk}/${r.runsPlanned}`,
    r.median === null ? 'n/a' : fmt(r.median),
    r.median === null ? '' : `${fmt(r.min)}-${fmt(r.max)}`,
    r.medianStepMs?.toFixed(2) ?? '',
    r.medianSplitMs.compute?.toFixed(2) ?? '',
    r.medianSplitMs.gradSync?.toFixed(2) ?? '',
    r.medianSplitMs.logReduce?.toFixed(2) ?? '',
  ]);
  const cells = [head, ...body];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => String(c[i]).length)));
  return cells
    .map((c) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  '))
    .join('\n');
}

async function main() {
  if (!fs.existsSync(WORKER)) {
    console.error(`missing ${path.relative(ROOT, WORKER)}: run \`npx tsc -b\` first (npm run bench does).`);
    process.exit(1);
  }
  const started = Date.now();
  const loadAvgStart = os.loadavg();
  const states = new Map(SETUPS.map((s) => [s.id, { runs: [], errors: [] }]));
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? SETUPS : [...SETUPS].reverse();
    for (const setup of order) {
      const load1 = round(os.loadavg()[0], 2);
      process.stderr.write(`scaling: round ${r + 1}/${RUNS}, ${setup.id}... `);
      try {
        const { records, wallSeconds } = await runOnce(setup, r);
        const run = combine(records, r, load1, wallSeconds);
        states.get(setup.id).runs.push(run);
        process.stderr.write(`${Math.round(run.samplesPerSec)} samples/s (${wallSeconds.toFixed(1)} s)\n`);
      } catch (err) {
        states.get(setup.id).errors.push(err.message);
        process.stderr.write(`failed: ${err.message}\n`);
      }
    }
  }
  const rows = SETUPS.map((s) => summarise(s, states.get(s.id)));
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  const first = rows.flatMap((r) => r.runs)[0];
  const report = {
    benchmark: 'mirrored-scaling',
    date: new Date().toISOString(),
    totalSeconds: round((Date.now() - started) / 1000, 1),
    machine: {
      cpuModel: os.cpus()[0]?.model?.trim() || 'unknown',
      cores: CORES,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      os: `${os.type()} ${os.release()} (${os.arch()})`,
      node: process.version,
      loadAvgStart: loadAvgStart.map((x) => round(x, 2)),
      loadAvgEnd: os.loadavg().map((x) => round(x, 2)),
      load1BeforeRuns: rows.flatMap((r) => r.runs.map((run) => run.load1Before)),
      versions: first?.versions,
    },
    config: {
      model: '784-256(relu)-10(softmax)',
      optimizer: 'adam(1e-3)',
      loss: 'categoricalCrossentropy',
      globalBatchSize: BATCH,
      samples: SAMPLES,
      warmupSteps: WARMUP_STEPS,
      seed: SEED,
      runs: RUNS,
      transport: 'unix',
    },
    rows,
    efficiency: efficiency(byId),
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);

  console.log(consoleTable(rows));
  for (const [baseId, e] of Object.entries(report.efficiency)) {
    if (!e) continue;
    console.log(
      `efficiency vs ${baseId}: ${e.efficiency.toFixed(2)} (speedup ${e.speedup.toFixed(2)}x; per round ` +
        `${e.pairedMin?.toFixed(2)}-${e.pairedMax?.toFixed(2)})`,
    );
  }
  console.log(
    `\n${CORES} cores; ${report.totalSeconds} s; wrote ${path.relative(ROOT, OUT)} (node bench/report.js updates BENCHMARKS.md)`,
  );
  if (rows.some((r) => r.status !== 'measured')) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
