#!/usr/bin/env node
/*
 * Every benchmark, one after the other, then BENCHMARKS.md (`npm run bench` builds, then runs this):
 *
 *   bench/run.js          MLP training throughput            -> bench/out/mlp.json
 *   bench/compiled.js     compiled train step vs Keras       -> bench/out/compiled.json
 *   bench/allreduce.js    all-reduce bus bandwidth           -> bench/out/allreduce.json
 *   bench/scaling.js      mirrored scaling, 1 -> 2 replicas  -> bench/out/scaling.json
 *   bench/serving/run.js  model-server throughput/latency    -> bench/out/serving.json (when present)
 *   bench/report.js       BENCHMARKS.md from bench/out/*.json
 *
 * A bench that fails does not stop the others; the report is written from whatever results exist
 * (each section carries its own date), and the exit code is non-zero. Each bench also runs alone
 * (`node bench/<name>.js`, then `node bench/report.js`). Per-bench wall times go to
 * bench/out/all.json. Environment variables (BENCH_RUNS, ...) reach every bench; see each file.
 * BENCH_SKIP=serving,mlp (ids: mlp, compiled, allreduce, scaling, serving) leaves benches out; their last
 * results, if any, still go into the report.
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out', 'all.json');

/** The serving bench's runner, wherever it lives. */
const servingRunner = ['bench/serving/run.js', 'bench/serving.js'].find((p) => fs.existsSync(path.join(ROOT, p)));

const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const BENCHES = [
  { id: 'mlp', name: 'MLP training', script: 'bench/run.js' },
  { id: 'compiled', name: 'compiled step', script: 'bench/compiled.js' },
  { id: 'allreduce', name: 'all-reduce', script: 'bench/allreduce.js' },
  { id: 'scaling', name: 'mirrored scaling', script: 'bench/scaling.js' },
  ...(servingRunner ? [{ id: 'serving', name: 'serving', script: servingRunner }] : []),
];

function runScript(script) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, script)], { cwd: ROOT, stdio: 'inherit' });
  return { seconds: (Date.now() - started) / 1000, exitCode: r.status ?? 1, signal: r.signal ?? undefined };
}

function main() {
  const started = Date.now();
  const steps = [];
  if (!servingRunner) console.log('serving: no runner (bench/serving/run.js or bench/serving.js); skipped');
  for (const bench of BENCHES) {
    if (SKIP.has(bench.id)) {
      console.log(`\n=== ${bench.name}: skipped (BENCH_SKIP) ===`);
      continue;
    }
    console.log(`\n=== ${bench.name} (node ${bench.script}) ===`);
    const r = runScript(bench.script);
    steps.push({ ...bench, ...r });
    if (r.exitCode !== 0)
      console.log(`${bench.name}: FAILED (exit code ${r.exitCode}${r.signal ? `, ${r.signal}` : ''})`);
  }
  const summary = { date: new Date().toISOString(), totalSeconds: (Date.now() - started) / 1000, steps };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(summary, null, 2)}\n`);

  console.log('\n=== report (node bench/report.js) ===');
  const report = runScript('bench/report.js');
  console.log('');
  for (const s of steps) {
    console.log(`${s.name.padEnd(18)} ${s.seconds.toFixed(0).padStart(5)} s  ${s.exitCode === 0 ? 'ok' : 'FAILED'}`);
  }
  console.log(`${'total'.padEnd(18)} ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s`);
  if (steps.some((s) => s.exitCode !== 0) || report.exitCode !== 0) process.exitCode = 1;
}

main();
