#!/usr/bin/env node
/*
 * Model-server throughput and latency: TF Serving's REST and gRPC Predict APIs at concurrency
 * 1/16/64, dynamic batching off and on, next to the raw runtime loop (the same SavedModel called
 * in-process, no server), for the MLP 784-256-10 and a small CNN (28x28x1 -> conv8 -> pool ->
 * conv16 -> pool -> dense10). Every request carries one row.
 *
 * The server runs in its own process (bench/serving/server.ts); this process is the load
 * generator: autocannon for REST (JSON `{"instances": [row]}`), a grpc-js loop for gRPC (one
 * channel, `concurrency` calls in flight, the row as `tensor_content`, as `tf.make_tensor_proto`
 * sends it). The load generator's CPU time per run is reported as a share of the machine, since
 * on a small machine it competes with the server. The average executed batch comes from the
 * server's own Prometheus page (:tensorflow:serving:batching_session:processed_batch_size).
 *
 *   npm run build && node bench/serving/run.js
 *   node bench/serving/run.js --report      (the table of the last bench/out/serving.json)
 *
 * Writes bench/out/serving.json and prints a markdown table.
 * Environment: BENCH_SECONDS (per measurement, default 5), BENCH_MODELS (default "mlp,cnn").
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const autocannon = require('autocannon');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'bench', 'dist', 'serving', 'server.js');
const OUT = path.join(ROOT, 'bench', 'out', 'serving.json');
const { SERVING_PROTO_FILES, servingProtosDir } = require(path.join(ROOT, 'packages', 'sdk', 'dist', 'serving'));

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MODELS = (process.env.BENCH_MODELS ?? 'mlp,cnn').split(',');
const CONCURRENCY = [1, 16, 64];
const ROW_SHAPE = { mlp: [784], cnn: [28, 28, 1] };
const CORES = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

function run(args, { lines = false } = {}) {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`worker ${args.join(' ')} exited with ${code}`)));
  });
  return lines ? { child, first } : first.finally(() => child.stdin.end());
}

function row(model) {
  const n = ROW_SHAPE[model].reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => (i % 255) / 255);
}

function nested(flat, shape) {
  if (shape.length === 1) return Array.from(flat);
  const step = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nested(flat.subarray(i * step, (i + 1) * step), shape.slice(1)));
}

async function rest(port, model, connections, seconds) {
  const body = JSON.stringify({ instances: [nested(row(model), ROW_SHAPE[model])] });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/models/${model}:predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`REST: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.total / seconds, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

function grpcClient(port) {
  const def = protoLoader.loadSync([...SERVING_PROTO_FILES], { includeDirs: [servingProtosDir()], keepCase: true });
  const pkg = grpc.loadPackageDefinition(def);
  return new pkg.tensorflow.serving.PredictionService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

async function grpcLoad(client, model, inputKey, concurrency, seconds) {
  const x = row(model);
  const request = {
    model_spec: { name: model },
    inputs: {
      [inputKey]: {
        dtype: 'DT_FLOAT',
        tensor_shape: { dim: [1, ...ROW_SHAPE[model]].map((size) => ({ size })) },
        tensor_content: Buffer.from(x.buffer),
      },
    },
  };
  const latencies = [];
  const end = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await new Promise((resolve, reject) => client.Predict(request, (e) => (e ? reject(e) : resolve())));
      latencies.push(performance.now() - t);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const wall = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rps: latencies.length / wall, p50Ms: q(0.5), p99Ms: q(0.99) };
}

/** Sum and count of the server's processed batch sizes so far. */
async function batchStats(restPort) {
  const page = await (await fetch(`http://127.0.0.1:${restPort}/monitoring/prometheus/metrics`)).text();
  const value = (suffix) => {
    const m = new RegExp(
      `^:tensorflow:serving:batching_session:processed_batch_size_${suffix}\\{\\} (\\S+)$`,
      'm',
    ).exec(page);
    return m ? Number(m[1]) : 0;
  };
  return { sum: value('sum'), count: value('count') };
}

/** Runs `measure` and reports this process's CPU time as a share of all cores. */
async function withCpu(measure) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await measure();
  const { user, system } = process.cpuUsage(cpu0);
  const wallUs = (performance.now() - t0) * 1000;
  return { ...result, loadGenCpuShare: (user + system) / (wallUs * CORES) };
}

// autocannon reports whole milliseconds: 0 means under 1 ms.
const fmt = (v, digits = 0) => (v === undefined ? '' : v === 0 ? '<1' : v.toFixed(digits));

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-bench-serving-'));
  await run(['write', dir]);
  if (!fs.existsSync(path.join(dir, 'cnn', '1', 'saved_model.pb'))) throw new Error('models were not written');
  const rows = [];
  for (const model of MODELS) {
    for (const rowsPerCall of [1, 64]) {
      const r = await run(['raw', dir, model, String(rowsPerCall), String(SECONDS)]);
      rows.push({
        model,
        protocol: `raw runtime, ${rowsPerCall} row${rowsPerCall > 1 ? 's' : ''}/call`,
        batching: '-',
        concurrency: 1,
        rps: r.rowsPerSec,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
      });
      console.error(`${model} raw ${rowsPerCall}: ${r.rowsPerSec.toFixed(0)} rows/s`);
    }
    for (const batching of ['off', 'on']) {
      const { child, first } = run(['serve', dir, model, batching], { lines: true });
      const { rest: restPort, grpc: grpcPort, inputKey } = await first;
      const client = grpcClient(grpcPort);
      try {
        for (const protocol of ['REST', 'gRPC']) {
          for (const concurrency of CONCURRENCY) {
            const once = (seconds) =>
              protocol === 'REST'
                ? rest(restPort, model, concurrency, seconds)
                : grpcLoad(client, model, inputKey, concurrency, seconds);
            await once(1); // warm-up
            const before = await batchStats(restPort);
            const r = await withCpu(() => once(SECONDS));
            const after = await batchStats(restPort);
            const avgBatch =
              after.count > before.count ? (after.sum - before.sum) / (after.count - before.count) : undefined;
            rows.push({ model, protocol, batching, concurrency, ...r, avgBatch });
            console.error(`${model} ${protocol} batching=${batching} c=${concurrency}: ${r.rps.toFixed(0)} req/s`);
          }
        }
      } finally {
        client.close();
        child.stdin.end();
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  }
  const info = {
    date: new Date().toISOString(),
    node: process.version,
    cores: CORES,
    cpu: os.cpus()[0]?.model,
    seconds: SECONDS,
    loadAverage: os.loadavg(),
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify({ info, rows }, null, 2)}\n`);
  console.log(report({ info, rows }));
}

/** The markdown table of a serving.json. */
function report({ info, rows }) {
  const load = info.loadAverage ? `, 1-min load average at the end ${info.loadAverage[0].toFixed(1)}` : '';
  return [
    `Model server, one row per request, ${info.cores} cores shared by server and load generator (${info.cpu}), ${info.seconds} s per cell${load}.`,
    '',
    '| model | path | batching | concurrency | req/s (rows/s for raw) | p50 ms | p99 ms | avg executed batch | load-gen CPU |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.protocol} | ${r.batching} | ${r.concurrency} | ${fmt(r.rps)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.avgBatch, 1)} | ${r.loadGenCpuShare === undefined ? '' : `${(100 * r.loadGenCpuShare).toFixed(0)}%`} |`,
    ),
  ].join('\n');
}

if (process.argv[2] === '--report') {
  console.log(report(JSON.parse(fs.readFileSync(OUT, 'utf8'))));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
