import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { invalidValue } from '../../core/errors';

/** Options of {@link launchLocal}. */
export interface LocalLaunchOptions {
  /** The `tfscale` CLI entry to run (defaults to this SDK's). */
  cli?: string;
  runFile: string;
  /** 'mirrored' (replicas of one machine) or 'multi-worker-mirrored' (a loopback cluster, TF_CONFIG). */
  strategy: 'mirrored' | 'multi-worker-mirrored';
  processes: number;
  /** Unix sockets (default for mirrored) or TCP on 127.0.0.1 (default for multi-worker). */
  transport?: 'unix' | 'tcp';
  /** Extra `tfscale train` arguments, e.g. ['--epochs', '3']. */
  trainArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Receives each process's output lines (replica 0's stdout is what a user sees). */
  onLine?: (replica: number, stream: 'stdout' | 'stderr', line: string) => void;
  /** Called once every process is spawned, with their pids. */
  onStart?: (pids: number[]) => void;
}

/** How a launch ended. */
export interface LocalLaunchResult {
  /** 0 when every process succeeded; otherwise the first failure's code (or 1 for a signal). */
  exitCode: number;
  /** Per replica: exit code or the signal that ended it. */
  exits: Array<{ replica: number; code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts one `tfscale train` process per replica on this machine, configured the TensorFlow way
 * (TFSCALE_CLUSTER for mirrored, TF_CONFIG for a local multi-worker cluster), splits the cores
 * between them with TensorFlow's thread settings and pins one GPU each when there are enough.
 * When one process fails the others fail too (their collectives name the lost peer); the
 * launcher forwards SIGINT/SIGTERM and resolves once all have exited.
 * @example
 *   const { exitCode } = await launchLocal({ runFile: 'tfscale.json', strategy: 'mirrored', processes: 2 });
 */
export async function launchLocal(o: LocalLaunchOptions): Promise<LocalLaunchResult> {
  if (!Number.isInteger(o.processes) || o.processes < 1)
    throw invalidValue('replicas', o.processes, 'a positive integer');
  const n = o.processes;
  const transport = o.transport ?? (o.strategy === 'mirrored' ? 'unix' : 'tcp');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-launch-'));
  const addresses =
    transport === 'unix'
      ? Array.from({ length: n }, (_, i) => path.join(runDir, `replica-${i}.sock`))
      : await Promise.all(Array.from({ length: n }, async () => `127.0.0.1:${await freePort()}`));
  const cli = o.cli ?? path.resolve(__dirname, '..', '..', 'cli', 'main.js');
  const threads = String(Math.max(1, Math.floor(os.cpus().length / n)));
  const gpus = (process.env.CUDA_VISIBLE_DEVICES ?? '').split(',').filter(Boolean);
  const runId = `launch-${process.pid}-${Date.now()}`;

  const children: ChildProcess[] = [];
  const exits: LocalLaunchResult['exits'] = [];
  const done = Array.from({ length: n }, (_, replica) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...o.env,
      TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? threads,
      TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? '1',
      TFSCALE_RUN_ID: runId,
    };
    if (o.strategy === 'mirrored') env.TFSCALE_CLUSTER = JSON.stringify({ workers: addresses, rank: replica });
    else env.TF_CONFIG = JSON.stringify({ cluster: { worker: addresses }, task: { type: 'worker', index: replica } });
    if (gpus.length >= n) env.CUDA_VISIBLE_DEVICES = gpus[replica];
    const child = spawn(process.execPath, [cli, 'train', o.runFile, '--strategy', o.strategy, ...(o.trainArgs ?? [])], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    for (const stream of ['stdout', 'stderr'] as const) {
      let buffer = '';
      child[stream]?.setEncoding('utf8');
      child[stream]?.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) o.onLine?.(replica, stream, line);
      });
    }
    return new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        exits.push({ replica, code, signal });
        resolve();
      });
    });
  });
  o.onStart?.(children.map((c) => c.pid ?? -1));
  const forward = (signal: NodeJS.Signals) => () => {
    for (const c of children) if (c.exitCode === null) c.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    await Promise.all(done);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    fs.rmSync(runDir, { recursive: true, force: true });
  }
  exits.sort((a, b) => a.replica - b.replica);
  const failed = exits.find((e) => e.code !== 0);
  return { exitCode: failed ? (failed.code ?? 1) : 0, exits };
}
