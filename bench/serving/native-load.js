/*
 * Native load generators for the serving bench, used when installed (Debian: `apt-get install wrk
 * nghttp2-client`): on a 2-core machine the load generator's own CPU comes out of the server's
 * share, and these spend a fraction of what the Node clients in load.js do per request.
 *
 *   wrkLoad    wrk, one thread, `concurrency` keep-alive connections, POST `{"instances": [row]}`;
 *              latencies from its --latency percentiles; any non-2xx or socket error fails the run
 *   h2loadLoad h2load on one HTTP/2 connection with `concurrency` streams (a gRPC channel), posting
 *              the pre-encoded PredictRequest frame; latencies from its per-request log. h2load
 *              checks HTTP status only (gRPC errors travel in trailers), so the first answer is
 *              checked with load.js' client before every run
 *
 * Both return load.js' shape plus `loadGenCpuSeconds` (the child's user + system time, from bash's
 * `times`), which run.js uses instead of its own process.cpuUsage().
 */

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { restBody, predictFrame, grpcLoad } = require('./load');

function have(bin) {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Which native generators are installed. */
const NATIVE = { wrk: have('wrk'), h2load: have('h2load') };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-bench-load-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs argv under bash and returns its stdout and the child's CPU seconds (bash `times`). */
function timed(argv) {
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted}; status=$?; times >&2; exit $status`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${argv[0]} failed (${r.status}): ${r.stderr || r.stdout}`);
  // `times` prints the shell's line, then its children's: "0m0.040s 0m0.290s".
  const lines = r.stderr.trim().split('\n');
  const secs = (t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  };
  const [user, sys] = (lines.at(-1) ?? '').trim().split(/\s+/);
  return { out: r.stdout, cpu: secs(user) + secs(sys) };
}

const UNIT_MS = { us: 1e-3, ms: 1, s: 1e3 };

function quantiles(sorted) {
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50Ms: q(0.5), p99Ms: q(0.99) };
}

async function wrkLoad({ port, model, shape, concurrency, seconds }) {
  const body = path.join(tmp, `body-${shape.join('x')}.json`);
  if (!fs.existsSync(body)) fs.writeFileSync(body, restBody(shape));
  const script = path.join(tmp, 'post.lua');
  fs.writeFileSync(
    script,
    [
      `local f = io.open(${JSON.stringify(body)}, "rb")`,
      'wrk.method = "POST"',
      'wrk.body = f:read("*a")',
      'f:close()',
      'wrk.headers["Content-Type"] = "application/json"',
      '',
    ].join('\n'),
  );
  const secs = Math.max(1, Math.round(seconds));
  const url = `http://127.0.0.1:${port}/v1/models/${model}:predict`;
  const { out, cpu } = timed(['wrk', '-t1', `-c${concurrency}`, `-d${secs}s`, '--latency', '-s', script, url]);
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const sock = /Socket errors: (.*)/.exec(out);
  if (bad || sock) throw new Error(`wrk: ${bad ? `${bad[1]} non-2xx responses` : ''} ${sock ? sock[1] : ''}`);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(out);
    return m ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
  };
  if (!requests) throw new Error(`wrk: no requests counted:\n${out}`);
  return { requests, seconds: secs, rps: requests / secs, p50Ms: pct(50), p99Ms: pct(99), loadGenCpuSeconds: cpu };
}

async function h2loadLoad({ port, model, inputKey, shape, concurrency, seconds }) {
  // One real gRPC call first: grpc-status and the decoded PredictResponse are checked there.
  await grpcLoad({ port, model, inputKey, shape, concurrency: 1, seconds: 0.05 });
  const frame = path.join(tmp, `frame-${model}.bin`);
  fs.writeFileSync(frame, predictFrame(model, inputKey, shape));
  const log = path.join(tmp, 'h2load.log');
  fs.rmSync(log, { force: true });
  const secs = Math.max(1, Math.round(seconds));
  const { out, cpu } = timed([
    'h2load',
    '-c1',
    `-m${concurrency}`,
    `-D${secs}`,
    '-d',
    frame,
    '-H',
    'content-type: application/grpc',
    '-H',
    'te: trailers',
    `--log-file=${log}`,
    `http://127.0.0.1:${port}/tensorflow.serving.PredictionService/Predict`,
  ]);
  const done = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  if (!done) throw new Error(`h2load: unreadable summary:\n${out}`);
  const non2xx = out.match(/status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/);
  if (Number(done[3]) || Number(done[4]) || (non2xx && Number(non2xx[3]) + Number(non2xx[4]) > 0))
    throw new Error(`h2load: failed or errored requests:\n${out}`);
  const durations = fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Number(l.split('\t')[2]) / 1000)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const requests = Number(done[2]);
  return { requests, seconds: secs, rps: requests / secs, ...quantiles(durations), loadGenCpuSeconds: cpu };
}

module.exports = { NATIVE, wrkLoad, h2loadLoad };
