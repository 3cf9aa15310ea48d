#!/usr/bin/env node
/*
 * All-reduce bandwidth of the collective layer (packages/sdk/src/distribute/collective), by the
 * NCCL-tests definitions: algbw = bytes / time, busbw = algbw × 2(N−1)/N (what each link carries
 * in a ring; comparable across N). Sum of float32 buffers of 4, 64 and 256 MiB, over 2 and 4
 * processes, on Unix domain sockets and on TCP loopback, next to a plain memory copy of the same
 * size (Buffer.copy, timed by rank 0 in the same process while the others wait).
 *
 * Each setup is one group of worker processes (bench/allreduce/worker.ts): per size one untimed
 * warm-up, then BENCH_RUNS timed all-reduces, each after a barrier; a run's time is its slowest
 * rank's; the table shows medians. Writes the "allreduce" section of bench/out/allreduce.json and
 * prints a markdown table; `node bench/report.js` renders that section into BENCHMARKS.md.
 *
 *   npm run build && node bench/allreduce.js
 *
 * Environment: BENCH_RUNS (default 7), BENCH_SIZES_MIB (default 4,64,256), BENCH_RANKS (default
 * 2,4), BENCH_TRANSPORTS (default unix,tcp).
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const WORKER = path.join(__dirname, 'dist', 'allreduce', 'worker.js');
const OUT = path.join(__dirname, 'out', 'allreduce.json');
const MiB = 1 << 20;
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').filter(Boolean);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SIZES = list('BENCH_SIZES_MIB', '4,64,256').map((s) => Number(s) * MiB);
const RANKS = list('BENCH_RANKS', '2,4').map(Number);
const TRANSPORTS = list('BENCH_TRANSPORTS', 'unix,tcp');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const s = net.createServer().listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Runs one group; resolves to the `@@BENCH` records of every rank. */
async function runGroup(transport, worldSize) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-bench-'));
  const addresses =
    transport === 'unix'
      ? Array.from({ length: worldSize }, (_, i) => path.join(dir, `r${i}.sock`))
      : (await freePorts(worldSize)).map((p) => `127.0.0.1:${p}`);
  const runId = `bench-${process.pid}-${transport}-${worldSize}`;
  const children = Array.from({ length: worldSize }, (_, rank) => {
    const spec = { rank, worldSize, addresses, runId, sizes: SIZES, runs: RUNS };
    const child = spawn(process.execPath, [WORKER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    return new Promise((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`rank ${rank} (${transport}, ${worldSize} ranks) exited with ${code}`));
        const records = out
          .split('\n')
          .filter((l) => l.startsWith('@@BENCH '))
          .map((l) => JSON.parse(l.slice(8)));
        resolve(records);
      });
    });
  });
  try {
    return (await Promise.all(children)).flat();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(transport, worldSize, records) {
  return SIZES.map((bytes) => {
    const mine = records.filter((r) => r.bytes === bytes);
    const perRun = mine[0].allReduce.map((_, i) => Math.max(...mine.map((r) => r.allReduce[i])));
    const copyTimes = mine.find((r) => r.rank === 0).copy;
    const seconds = median(perRun);
    const algbw = bytes / seconds / 1e9;
    const busbw = (algbw * 2 * (worldSize - 1)) / worldSize;
    const copyGBps = bytes / median(copyTimes) / 1e9;
    return {
      transport,
      ranks: worldSize,
      bytes,
      sizeMiB: bytes / MiB,
      medianSeconds: Number(seconds.toFixed(5)),
      algbwGBps: Number(algbw.toFixed(3)),
      busbwGBps: Number(busbw.toFixed(3)),
      copyGBps: Number(copyGBps.toFixed(2)),
      busbwOverCopy: Number((busbw / copyGBps).toFixed(4)),
      secondsPerRun: perRun.map((s) => Number(s.toFixed(5))),
      copySecondsPerRun: copyTimes.map((s) => Number(s.toFixed(5))),
    };
  });
}

function table(rows) {
  const lines = [
    '| transport | ranks | size | time (median) | algbw GB/s | busbw GB/s | Buffer.copy GB/s | busbw / copy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.transport === 'unix' ? 'Unix socket' : 'TCP loopback'} | ${r.ranks} | ${r.sizeMiB} MiB | ` +
        `${(r.medianSeconds * 1000).toFixed(1)} ms | ${r.algbwGBps.toFixed(2)} | ${r.busbwGBps.toFixed(2)} | ` +
        `${r.copyGBps.toFixed(1)} | ${(r.busbwOverCopy * 100).toFixed(1)} % |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npx tsc -b\` first`);
  const started = Date.now();
  const loadAvgStart = os.loadavg();
  const rows = [];
  for (const transport of TRANSPORTS) {
    for (const worldSize of RANKS) {
      process.stderr.write(`allreduce: ${worldSize} ranks over ${transport}...\n`);
      rows.push(...summarize(transport, worldSize, await runGroup(transport, worldSize)));
    }
  }
  const section = {
    benchmark: 'allreduce-bus-bandwidth',
    date: new Date().toISOString(),
    totalSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    machine: {
      cpuModel: os.cpus()[0]?.model.trim(),
      cores: os.availableParallelism(),
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      os: `${os.type()} ${os.release()} (${os.arch()})`,
      node: process.version,
      // Other work on the machine shows up here; on a 2-core box it moves the numbers.
      loadAvgStart: loadAvgStart.map((x) => Number(x.toFixed(2))),
      loadAvgEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
    },
    method:
      'float32 sum, in place, one pack (bytesPerPack default 64 MiB; one tensor larger than a pack is reduced where it is); ' +
      `${RUNS} timed runs after a warm-up, each after a barrier; run time = slowest rank; medians. ` +
      'algbw = bytes / time; busbw = algbw * 2(N-1)/N (NCCL-tests); GB = 1e9 bytes. ' +
      'Buffer.copy of the same bytes timed by rank 0 in the same process (others waiting at a barrier).',
    rows,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const previous = fs.existsSync(OUT) ? JSON.parse(fs.readFileSync(OUT, 'utf8')) : {};
  fs.writeFileSync(OUT, `${JSON.stringify({ ...previous, allreduce: section }, null, 2)}\n`);
  console.log(table(rows));
  console.log(`\n${section.machine.cores} cores, ${section.machine.cpuModel}, Node ${process.version}; wrote ${OUT}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
