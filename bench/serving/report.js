/*
 * The "Model serving" section of BENCHMARKS.md from bench/out/serving.json (written by
 * bench/serving/run.js): the table of every cell, then the goal checks, each with the
 * numbers it was computed from and PASS / FAIL. Used by bench/report.js and `run.js --report`.
 *
 * Per-request overhead of a served path = 1/throughput(path) - 1/throughput(raw runtime, 1 row
 * per call), in µs, at the concurrency where the server peaks (throughput is a saturation figure;
 * at concurrency 1 each request waits for the last, so that row is latency and shown for
 * reference). The transport floor (bare servers, same load generator) is shown next to it.
 */

const GOALS = {
  overheadUs: 50,
  p99Ms: 2,
  cnnRawMs: 1,
  cnnShare: 0.9,
};

const num = (v, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '');
const int = (v) => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : '');
const pct = (v) => (typeof v === 'number' ? `${(100 * v).toFixed(0)}%` : '');
const us = (rps) => 1e6 / rps;

function table(head, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => align?.[i] ?? (i < 3 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

const pathName = (r) =>
  r.path === 'raw' ? `raw runtime, ${r.rowsPerCall} row${r.rowsPerCall > 1 ? 's' : ''}/call` : r.path;

function find(rows, model, path, batching, concurrency) {
  return rows.find(
    (r) =>
      r.model === model &&
      r.path === path &&
      (batching === undefined || r.batching === batching) &&
      (concurrency === undefined || r.concurrency === concurrency),
  );
}

const rawOne = (rows, model) => rows.find((r) => r.model === model && r.path === 'raw' && r.rowsPerCall === 1);

function cellRows(rows) {
  return rows.map((r) => {
    const peer = rawOne(rows, r.model);
    const cpu = (v, share) =>
      typeof v !== 'number' ? '' : typeof share === 'number' ? `${num(v)} (${pct(share)})` : num(v);
    return [
      r.model,
      pathName(r),
      r.batching,
      r.concurrency,
      int(r.rps),
      (r.runsRps ?? []).map(int).join(' / '),
      num(r.p50Ms, 2),
      num(r.p99Ms, 2),
      num(r.avgBatch, 1),
      cpu(r.serverCpuUsPerReq, r.serverCpuShare),
      cpu(r.loadGenCpuUsPerReq, r.loadGenCpuShare),
      peer && r !== peer && r.path !== 'raw' && !r.path.startsWith('floor') ? `${(r.rps / peer.rps).toFixed(2)}×` : '',
    ];
  });
}

const verdict = (ok) => (ok === undefined ? 'n/a' : ok ? '**PASS**' : '**FAIL**');

const FLOORS = {
  REST: ['floor: raw HTTP/1.1, canned reply', 'floor: node:http, canned reply'],
  gRPC: ['floor: node:http2 gRPC, canned reply', 'floor: grpc-js, canned reply'],
};
const floorOf = (rows, p, concurrency) =>
  FLOORS[p].map((name) => find(rows, 'mlp', name, '-', concurrency)).find(Boolean);

/** The served cell with the highest throughput among concurrency > 1 (the server saturated). */
function peak(rows, p, batching) {
  return rows
    .filter((r) => r.model === 'mlp' && r.path === p && r.batching === batching && r.concurrency > 1)
    .sort((a, b) => b.rps - a.rps)[0];
}

function overheadText(r, raw, floor) {
  const overhead = us(r.rps) - us(raw.rps);
  const cpuOver = r.serverCpuUsPerReq - raw.serverCpuUsPerReq;
  return (
    `${num(overhead)} µs = ${num(us(r.rps))} µs/request (${int(r.rps)} req/s) − ${num(us(raw.rps))} µs raw call` +
    (floor ? `; transport floor ${num(us(floor.rps))} µs/request` : '') +
    (Number.isFinite(cpuOver)
      ? `; server CPU ${num(r.serverCpuUsPerReq)} µs/request − raw CPU ${num(raw.serverCpuUsPerReq)} µs/call = ` +
        `${num(cpuOver)} µs` +
        (floor?.serverCpuUsPerReq ? ` (floor server ${num(floor.serverCpuUsPerReq)} µs)` : '') +
        `; load generator ${num(r.loadGenCpuUsPerReq)} µs/request`
      : '')
  );
}

/** The goal checks as [goal, measured, target, result] rows. */
function goalRows(rows) {
  const out = [];
  const raw = rawOne(rows, 'mlp');
  // Throughput is measured where the server is saturated (its best concurrency); every request
  // carries one row, so the raw loop at 1 row per call is the ceiling.
  for (const batching of ['off', 'on']) {
    const overheads = {};
    for (const p of ['REST', 'gRPC']) {
      const r = peak(rows, p, batching);
      if (!r || !raw) continue;
      const overhead = us(r.rps) - us(raw.rps);
      overheads[p] = overhead;
      out.push([
        `MLP ${p} overhead per request, batching ${batching}, peak throughput (c=${r.concurrency})`,
        overheadText(r, raw, floorOf(rows, p, r.concurrency)),
        `≤ ${GOALS.overheadUs} µs${p === 'gRPC' ? ', below REST' : ''}`,
        verdict(overhead <= GOALS.overheadUs && (p === 'REST' || overhead < (overheads.REST ?? Infinity))),
      ]);
    }
  }
  // At c=1 every request waits for the previous answer: latency, not throughput (for reference).
  for (const p of ['REST', 'gRPC']) {
    const r = find(rows, 'mlp', p, 'off', 1);
    if (r && raw)
      out.push([
        `MLP ${p} time per request above raw, c=1, batching off (latency-bound, reference)`,
        overheadText(r, raw, floorOf(rows, p, 1)),
        '—',
        'info',
      ]);
  }
  for (const p of ['REST', 'gRPC']) {
    for (const batching of ['off', 'on']) {
      const r = find(rows, 'mlp', p, batching, 1);
      const floor = floorOf(rows, p, 1);
      if (r)
        out.push([
          `MLP ${p} p99 latency, c=1, batching ${batching}`,
          `${num(r.p99Ms, 2)} ms (p50 ${num(r.p50Ms, 2)} ms; transport floor p99 ${num(floor?.p99Ms, 2)} ms)`,
          `≤ ${GOALS.p99Ms} ms`,
          verdict(r.p99Ms <= GOALS.p99Ms),
        ]);
    }
  }
  const cnnRaw = rawOne(rows, 'cnn');
  if (cnnRaw) {
    out.push([
      'CNN raw call, 1 row (compute-bound)',
      `${num(cnnRaw.callMs, 2)} ms/call (p50 ${num(cnnRaw.p50Ms, 2)} ms)`,
      `≥ ${GOALS.cnnRawMs} ms`,
      verdict(cnnRaw.callMs >= GOALS.cnnRawMs),
    ]);
    for (const p of ['REST', 'gRPC']) {
      for (const batching of ['off', 'on']) {
        const r = find(rows, 'cnn', p, batching, 16);
        if (!r) continue;
        const share = r.rps / cnnRaw.rps;
        out.push([
          `CNN ${p} throughput, c=16, batching ${batching}`,
          `${int(r.rps)} req/s = ${pct(share)} of raw ${int(cnnRaw.rps)} rows/s` +
            (r.avgBatch ? ` (avg batch ${num(r.avgBatch, 1)})` : '') +
            (r.serverCpuUsPerReq && cnnRaw.serverCpuUsPerReq
              ? `; CPU: raw ${num(cnnRaw.serverCpuUsPerReq)} µs/call, server ${num(r.serverCpuUsPerReq)} µs/request`
              : ''),
          `≥ ${pct(GOALS.cnnShare)} of raw`,
          verdict(share >= GOALS.cnnShare),
        ]);
      }
    }
  }
  return out;
}

/** Rows of an older serving.json (`protocol` instead of `path`) in today's shape. */
function normalize(rows) {
  return rows.map((r) => {
    if (r.path !== undefined || typeof r.protocol !== 'string') return r;
    const raw = /^raw runtime, (\d+) rows?\/call$/.exec(r.protocol);
    return raw
      ? { ...r, path: 'raw', rowsPerCall: Number(raw[1]), callMs: 1000 / (r.rps / Number(raw[1])) }
      : { ...r, path: r.protocol };
  });
}

/**
 * The markdown section for a serving.json ({ info, rows }).
 * @example
 *   servingReport(JSON.parse(fs.readFileSync('bench/out/serving.json', 'utf8')));
 */
function servingReport({ info = {}, rows: given = [] }) {
  const rows = normalize(given);
  const load = (l) => (Array.isArray(l) ? l.map((v) => v.toFixed(1)).join(' / ') : '?');
  const threads = info.tfThreads
    ? `TF threads: TF_NUM_INTRAOP_THREADS ${info.tfThreads.TF_NUM_INTRAOP_THREADS}, TF_NUM_INTEROP_THREADS ` +
      `${info.tfThreads.TF_NUM_INTEROP_THREADS}` +
      (info.tfThreads.TF_NUM_INTEROP_THREADS === 'default'
        ? " (the SDK's SavedModel runtime then sets -1: graphs run in the calling thread)"
        : '')
    : '';
  return [
    '## Model serving',
    '',
    `_Measured by \`node bench/serving/run.js\` on ${info.date ?? 'an unknown date'}; raw results: ` +
      '`bench/out/serving.json` (not committed)._',
    '',
    `- Machine: ${info.cpu ?? '?'}, ${info.cores ?? '?'} cores shared by the server and the load generator; ` +
      `Node ${info.node ?? '?'}; load average (1/5/15 min) before ${load(info.loadAverageBefore)}, after ${load(info.loadAverage)}` +
      (threads ? `; ${threads}` : ''),
    `- Method: one row per request; each cell is the median of ${info.runs ?? 1} runs of ${info.seconds ?? '?'} s ` +
      "(the runs' req/s listed) after a 1 s warm-up. " +
      `REST: ${info.loadGenerators?.REST ?? 'autocannon'}, \`{"instances": [row]}\`, one keep-alive connection per ` +
      `concurrent request. gRPC: ${info.loadGenerators?.gRPC ?? 'a bare HTTP/2 client'} on one HTTP/2 connection ` +
      'with one stream per concurrent request (a gRPC channel), sending a pre-encoded PredictRequest ' +
      '(`tensor_content`); one reference row uses the grpc-js client. Raw runtime: the same SavedModel called ' +
      "in-process in a loop, no server. Floor: bare raw-socket HTTP/1.1, node:http and node:http2 servers that read the request and send the model's " +
      'real reply, canned, under the same load generators — the transport limit on this machine. CPU columns: µs of ' +
      'CPU per request (share of all cores), server from /proc, load generator from its own rusage.',
    '',
    table(
      [
        'Model',
        'Path',
        'Batching',
        'Concurrency',
        'req/s (rows/s for raw)',
        'Runs',
        'p50 ms',
        'p99 ms',
        'Avg executed batch',
        'Server (raw: loop) CPU µs/req',
        'Load-gen CPU µs/req',
        'vs raw, 1 row/call',
      ],
      cellRows(rows),
    ),
    '',
    '### Goal checks',
    '',
    'Overhead = 1/served throughput − 1/raw throughput (1 row per call, as every request carries one row), ' +
      'with the throughput taken where the server is saturated (its best concurrency, 16 or 64). At concurrency 1 ' +
      'each request waits for the previous answer, so that row measures latency (load generator and transport ' +
      'included) and is shown for reference. The CPU figure (server CPU per request − raw loop CPU per call, all ' +
      'threads) is the server-side cost and moves least when other processes compete for the cores.',
    '',
    table(['Goal', 'Measured', 'Target', 'Result'], goalRows(rows), ['---', '---', '---', '---']),
  ].join('\n');
}

/** The summary line of BENCHMARKS.md. */
function servingHeadline({ rows: given = [] }) {
  const rows = normalize(given);
  const checks = goalRows(rows).filter((c) => c[3] !== 'info');
  const passed = checks.filter((c) => c[3].includes('PASS')).length;
  const served = rows.filter((r) => (r.path === 'REST' || r.path === 'gRPC') && typeof r.rps === 'number');
  const top = [...served].sort((a, b) => b.rps - a.rps)[0];
  const peak = top
    ? `peak ${int(top.rps)} req/s (${top.model}, ${top.path}, batching ${top.batching}, c=${top.concurrency})`
    : '';
  return [peak, checks.length ? `goal checks ${passed}/${checks.length} pass` : ''].filter(Boolean).join('; ');
}

module.exports = { servingReport, servingHeadline, goalRows };
