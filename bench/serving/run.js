#!/usr/bin/env node
/*
 * Model-server throughput and latency: TF Serving's REST and gRPC Predict APIs at concurrency
 * 1/16/64, dynamic batching off and on, next to the raw runtime loop (the same SavedModel called
 * in-process, no server) at batch 1 and at the batch sizes batching formed, and next to the
 * transport floor (bare raw-socket HTTP/1.1, node:http and node:http2 servers answering a canned
 * reply, same load generators). Models: the MLP 784-256-10 and a CNN sized so one row takes over 1 ms
 * (bench/serving/server.ts). Every request carries one row.
 *
 * The servers run in their own processes (bench/serving/server.ts). Load generators: wrk (REST) and
 * h2load (gRPC) when installed (`apt-get install wrk nghttp2-client`; bench/serving/native-load.js),
 * else this process (bench/serving/load.js: autocannon, a bare HTTP/2 gRPC client). Every cell
 * is the median of BENCH_RUNS runs of BENCH_SECONDS after a 1 s warm-up. Per run it records the
 * load generator's CPU time (this process) and, on Linux, the server's (its /proc stat), both
 * per request and as a share of the machine: on a small machine they compete for the same cores.
 * The average executed batch comes from the server's Prometheus page.
 *
 *   npm run build && node bench/serving/run.js
 *   node bench/serving/run.js --report      (the table and goal checks of bench/out/serving.json)
 *
 * Writes bench/out/serving.json and prints the markdown section (bench/serving/report.js).
 * Environment: BENCH_SECONDS (per run, default 3), BENCH_RUNS (default 3), BENCH_MODELS (default
 * "mlp,cnn"), BENCH_CONCURRENCY (default "1,16,64"), BENCH_SERVING_OUT (default bench/out/serving.json).
 */

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { restLoad, grpcLoad, grpcJsLoad } = require('./load');
const { NATIVE, wrkLoad, h2loadLoad } = require('./native-load');
const { servingReport } = require('./report');

const ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'bench', 'dist', 'serving', 'server.js');
const OUT = process.env.BENCH_SERVING_OUT ?? path.join(ROOT, 'bench', 'out', 'serving.json');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MODELS = (process.env.BENCH_MODELS ?? 'mlp,cnn').split(',');
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
const ROW_SHAPE = { mlp: [784], cnn: [28, 28, 1] };
const CORES = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
// The leanest load generator installed for each protocol (its CPU competes with the server's).
const REST_LOAD = NATIVE.wrk ? wrkLoad : restLoad;
const GRPC_LOAD = NATIVE.h2load ? h2loadLoad : grpcLoad;
const LOAD_GENERATORS = {
  REST: NATIVE.wrk ? 'wrk' : 'autocannon',
  gRPC: NATIVE.h2load ? 'h2load' : 'node:http2 client',
};
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** Starts a worker; resolves with its first stdout line (JSON) and the child. */
function worker(args) {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`worker ${args.join(' ')} exited with ${code}`)));
  });
  const stop = async () => {
    child.stdin.end();
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  };
  return { child, first, stop };
}

async function once(args) {
  const w = worker(args);
  try {
    return await w.first;
  } finally {
    await w.stop();
  }
}

/** CPU seconds of a process so far (Linux /proc), or undefined elsewhere. */
function processCpu(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
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

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** The median cell of several runs: every numeric field's median, and the runs' req/s. */
function medianCell(runs) {
  const cell = {};
  for (const key of Object.keys(runs[0]))
    if (typeof runs[0][key] === 'number') cell[key] = median(runs.map((r) => r[key]));
  cell.runsRps = runs.map((r) => Math.round(r.rps));
  delete cell.requests;
  delete cell.seconds;
  delete cell.loadGenCpuSeconds;
  return cell;
}

/** One cell: warm-up, then RUNS measured runs with CPU accounting; `serverPid` / `restPort` optional. */
async function measure(load, { serverPid, restPort }) {
  await load(1);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const before = restPort ? await batchStats(restPort) : undefined;
    const server0 = serverPid ? processCpu(serverPid) : undefined;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await load(SECONDS);
    const wall = (performance.now() - t0) / 1000;
    const { user, system } = process.cpuUsage(cpu0);
    const serverCpu = server0 === undefined ? undefined : processCpu(serverPid) - server0;
    const after = restPort ? await batchStats(restPort) : undefined;
    // External generators report their own CPU; in-process ones are this process.
    const lgCpu = r.loadGenCpuSeconds ?? (user + system) / 1e6;
    runs.push({
      ...r,
      loadGenCpuShare: lgCpu / (wall * CORES),
      loadGenCpuUsPerReq: (lgCpu * 1e6) / r.requests,
      serverCpuShare: serverCpu === undefined ? undefined : serverCpu / (wall * CORES),
      serverCpuUsPerReq: serverCpu === undefined ? undefined : (serverCpu * 1e6) / r.requests,
      avgBatch:
        after && after.count > before.count ? (after.sum - before.sum) / (after.count - before.count) : undefined,
    });
  }
  return medianCell(runs);
}

async function rawRow(dir, model, rows) {
  const { runs } = await once(['raw', dir, model, String(rows), String(SECONDS), String(RUNS)]);
  const cell = medianCell(
    runs.map((r) => ({ ...r, rps: r.rowsPerSec, callMs: 1000 / r.callsPerSec, serverCpuUsPerReq: r.cpuUsPerCall })),
  );
  console.error(`${model} raw ${rows} rows/call: ${cell.rps.toFixed(0)} rows/s (${cell.callMs.toFixed(3)} ms/call)`);
  return { model, path: 'raw', rowsPerCall: rows, batching: '-', concurrency: 1, ...cell };
}

async function servedRows(dir, model, batching) {
  const rows = [];
  const w = worker(['serve', dir, model, batching]);
  const { rest: restPort, grpc: grpcPort, inputKey } = await w.first;
  const shape = ROW_SHAPE[model];
  try {
    for (const [pathName, load] of [
      ['REST', REST_LOAD],
      ['gRPC', GRPC_LOAD],
    ]) {
      for (const concurrency of CONCURRENCY) {
        const port = pathName === 'REST' ? restPort : grpcPort;
        const cell = await measure((seconds) => load({ port, model, inputKey, shape, concurrency, seconds }), {
          serverPid: w.child.pid,
          restPort,
        });
        rows.push({ model, path: pathName, batching, concurrency, ...cell });
        console.error(`${model} ${pathName} batching=${batching} c=${concurrency}: ${cell.rps.toFixed(0)} req/s`);
      }
    }
    if (model === 'mlp' && batching === 'off') {
      // Reference: the same calls from grpc-js' own client.
      const cell = await measure(
        (seconds) => grpcJsLoad({ port: grpcPort, model, inputKey, shape, concurrency: 1, seconds }),
        { serverPid: w.child.pid, restPort },
      );
      rows.push({ model, path: 'gRPC (grpc-js client)', batching, concurrency: 1, ...cell });
    }
  } finally {
    await w.stop();
  }
  return rows;
}

async function floorRows(dir, model) {
  const rows = [];
  const w = worker(['floor', dir, model]);
  const { rest, restRaw, grpc } = await w.first;
  const shape = ROW_SHAPE[model];
  try {
    for (const [pathName, load, port] of [
      ['floor: raw HTTP/1.1, canned reply', REST_LOAD, restRaw],
      ['floor: node:http, canned reply', REST_LOAD, rest],
      ['floor: node:http2 gRPC, canned reply', GRPC_LOAD, grpc],
    ]) {
      for (const concurrency of CONCURRENCY) {
        const cell = await measure((seconds) => load({ port, model, inputKey: 'x', shape, concurrency, seconds }), {
          serverPid: w.child.pid,
        });
        rows.push({ model, path: pathName, batching: '-', concurrency, ...cell });
        console.error(`${model} ${pathName} c=${concurrency}: ${cell.rps.toFixed(0)} req/s`);
      }
    }
  } finally {
    await w.stop();
  }
  return rows;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-bench-serving-'));
  const loadBefore = os.loadavg();
  await once(['write', dir]);
  if (!fs.existsSync(path.join(dir, 'cnn', '1', 'saved_model.pb'))) throw new Error('models were not written');
  const rows = [];
  for (const model of MODELS) {
    rows.push(await rawRow(dir, model, 1));
    if (model === 'mlp') rows.push(...(await floorRows(dir, model)));
    for (const batching of ['off', 'on']) rows.push(...(await servedRows(dir, model, batching)));
    // The raw runtime at the batch sizes batching formed, for comparison with those cells.
    const formed = new Set(
      rows
        .filter((r) => r.model === model && r.batching === 'on' && r.avgBatch >= 1.5)
        .map((r) => Math.min(64, Math.round(r.avgBatch))),
    );
    for (const size of [...formed].sort((a, b) => a - b)) rows.push(await rawRow(dir, model, size));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const info = {
    date: new Date().toISOString(),
    node: process.version,
    cores: CORES,
    cpu: os.cpus()[0]?.model,
    seconds: SECONDS,
    runs: RUNS,
    loadAverage: os.loadavg(),
    loadAverageBefore: loadBefore,
    loadGenerators: LOAD_GENERATORS,
    tfThreads: {
      TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? 'default',
      TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? 'default',
    },
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify({ info, rows }, null, 2)}\n`);
  console.log(servingReport({ info, rows }));
}

if (process.argv[2] === '--report') {
  console.log(servingReport(JSON.parse(fs.readFileSync(OUT, 'utf8'))));
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
