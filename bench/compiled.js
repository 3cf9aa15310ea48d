#!/usr/bin/env node
/*
 * Compiled train step throughput (issue 11): samples/s of Keras 3 `model.fit` (Python, the peer),
 * tfscale's Trainer with the compiled step (one TensorFlow session call per step), tfscale's
 * Trainer with the eager step, and tfjs's own `model.fit`, on
 *   mlp  784 -> 256 -> 10, one MNIST-sized epoch (60,032 samples)
 *   cnn  28x28x1 -> Conv2D(16,3) -> Conv2D(32,3) -> Flatten -> Dense(10), 7,680 samples
 * both with Adam 1e-3, categorical cross-entropy, batch 128, synthetic data. Every run is its own
 * process; setups are interleaved round-robin (reversed on odd rounds) so load drifts hit all of
 * them alike; the table shows medians and the ratio to Keras. Writes bench/out/compiled.json with
 * its BENCHMARKS.md section in `markdown` (bench/report.js assembles the file).
 *
 *   npx tsc -b bench && node bench/compiled.js && node bench/report.js
 *
 * Environment: BENCH_RUNS (runs per setup, default 3), TFSCALE_PYTHON (default .venv/bin/python),
 * BENCH_MODELS=mlp,cnn.
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out', 'compiled.json');
const NODE_WORKER = path.join(__dirname, 'dist', 'compiled', 'worker.js');
const KERAS_WORKER = path.join(__dirname, 'compiled', 'keras_compiled.py');
const PYTHON = process.env.TFSCALE_PYTHON || path.join(ROOT, '.venv', 'bin', 'python');
const RUNS = Number(process.env.BENCH_RUNS || 3);
const BATCH = 128;
const SAMPLES = { mlp: Math.ceil(60000 / BATCH) * BATCH, cnn: 60 * BATCH };
const MODELS = (process.env.BENCH_MODELS || 'mlp,cnn').split(',').filter((m) => m in SAMPLES);
const IMPLS = [
  { id: 'keras', label: 'Keras 3 `model.fit` (Python, TF 2.21)' },
  { id: 'compiled', label: 'tfscale Trainer, compiled step' },
  { id: 'eager', label: 'tfscale Trainer, eager step' },
  { id: 'fit', label: 'tfjs-node `model.fit`' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function runOne(impl, model) {
  const spec = { impl, model, samples: SAMPLES[model], warmupSteps: 5, batchSize: BATCH, seed: 1234 };
  const [cmd, args] =
    impl === 'keras'
      ? [PYTHON, [KERAS_WORKER, JSON.stringify(spec)]]
      : [process.execPath, [NODE_WORKER, JSON.stringify(spec)]];
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('@@BENCH ') || l.startsWith('@@ERROR '));
  if (!line?.startsWith('@@BENCH ')) return { error: line?.slice(8) || (r.stderr || '').trim().split('\n').pop() };
  return JSON.parse(line.slice(8));
}

function renderSection(result) {
  const rows = [];
  for (const model of result.models) {
    const keras = result.rows.find((r) => r.model === model && r.impl === 'keras')?.median;
    for (const impl of IMPLS) {
      const row = result.rows.find((r) => r.model === model && r.impl === impl.id);
      if (!row) continue;
      const ratio = keras && row.median ? `${(row.median / keras).toFixed(2)}×` : '';
      const kerasCpu = result.rows.find((r) => r.model === model && r.impl === 'keras')?.perCpuSecond;
      const cpu = row.perCpuSecond ? Math.round(row.perCpuSecond).toLocaleString('en-US') : '';
      const cpuRatio = kerasCpu && row.perCpuSecond ? `${(row.perCpuSecond / kerasCpu).toFixed(2)}×` : '';
      const runs = row.samplesPerSec.map((v) => Math.round(v).toLocaleString('en-US')).join(', ');
      const cell = row.median ? Math.round(row.median).toLocaleString('en-US') : `failed: ${row.errors[0]}`;
      rows.push(`| ${model} | ${impl.label} | ${cell} | ${ratio} | ${cpu} | ${cpuRatio} | ${runs} |`);
    }
  }
  const m = result.machine;
  return [
    '## Compiled train step',
    '',
    `_Measured ${result.date} by \`node bench/compiled.js\`: ${result.runs} runs per setup, each its own process, ` +
      'setups interleaved round-robin; median samples/s (higher is better) and the ratio to Keras._',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores; Node ${m.node}; load average at start ${m.loadAvgStart.map((v) => v.toFixed(2)).join(' / ')}, ` +
      `at end ${m.loadAvgEnd.map((v) => v.toFixed(2)).join(' / ')}` +
      (Math.max(m.loadAvgStart[0], m.loadAvgEnd[0]) > m.cores ? ' — above the core count: numbers are noisy' : ''),
    `- mlp: 784-256-10, ${SAMPLES.mlp.toLocaleString('en-US')} samples; cnn: 28×28×1, Conv2D(16,3)+Conv2D(32,3)+Dense(10), ` +
      `${SAMPLES.cnn.toLocaleString('en-US')} samples; Adam 1e-3, categorical cross-entropy, batch ${BATCH}, synthetic data; ` +
      'one timed epoch after an untimed warm-up.',
    '- Goal (issue 11): compiled ≥ 1.0× Keras on both. Samples per CPU-second (process CPU time, all threads, ' +
      'over the timed epoch) is steadier than wall time when other processes share the cores.',
    '',
    '| Model | Setup | samples/s (median) | vs Keras | samples per CPU-second | vs Keras | runs (samples/s) |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

function main() {
  if (!fs.existsSync(NODE_WORKER)) throw new Error(`${NODE_WORKER} missing: run npx tsc -b bench first`);
  const machine = {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    loadAvgStart: os.loadavg(),
  };
  const samples = {};
  const errors = {};
  const perCpu = {};
  const order = MODELS.flatMap((model) => IMPLS.map((impl) => [impl.id, model]));
  for (let round = 0; round < RUNS; round++) {
    for (const [impl, model] of round % 2 ? [...order].reverse() : order) {
      const key = `${model}/${impl}`;
      const r = runOne(impl, model);
      const into = r.error ? errors : samples;
      into[key] = [...(into[key] ?? []), r.error ?? r.samplesPerSec];
      if (!r.error) perCpu[key] = [...(perCpu[key] ?? []), r.samples / r.cpuSeconds];
      console.log(
        `round ${round + 1} ${key.padEnd(14)} ${r.error ? `ERROR ${r.error}` : `${Math.round(r.samplesPerSec)} samples/s`}`,
      );
    }
  }
  machine.loadAvgEnd = os.loadavg();
  const rows = order.map(([impl, model]) => {
    const values = samples[`${model}/${impl}`] ?? [];
    return {
      model,
      impl,
      samplesPerSec: values,
      median: values.length ? median(values) : undefined,
      perCpuSecond: (perCpu[`${model}/${impl}`] ?? []).length ? median(perCpu[`${model}/${impl}`]) : undefined,
      errors: errors[`${model}/${impl}`] ?? [],
    };
  });
  const result = { date: new Date().toISOString(), runs: RUNS, models: MODELS, machine, rows };
  result.markdown = renderSection(result);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${result.markdown}\n\nwrote ${path.relative(ROOT, OUT)}`);
  if (rows.some((r) => r.median === undefined)) process.exitCode = 1;
}

module.exports = { renderSection };

if (require.main === module) main();
