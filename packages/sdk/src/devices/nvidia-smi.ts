import { execFile } from 'node:child_process';

/**
 * One NVIDIA GPU as `nvidia-smi` reports it. Values nvidia-smi cannot report are `null`.
 * @example
 *   const t4: GpuInfo = { index: 0, name: 'Tesla T4', memoryTotalMiB: 15360, memoryUsedMiB: 0, utilizationPercent: null };
 */
export interface GpuInfo {
  /** The CUDA-visible index, as in `gpu:0`. */
  index: number;
  name: string;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  utilizationPercent: number | null;
}

/**
 * The outcome of {@link queryGpus}: `available` is false when nvidia-smi could not be asked.
 * @example
 *   const none: GpuQueryResult = { gpus: [], available: false, reason: 'nvidia-smi not found on PATH' };
 */
export interface GpuQueryResult {
  gpus: GpuInfo[];
  available: boolean;
  /** Why the query failed, in one line; absent when it succeeded. */
  reason?: string;
}

/**
 * Options of {@link queryGpus}.
 * @example
 *   await queryGpus({ timeoutMs: 2000, env: { ...process.env, PATH: '/usr/bin' } });
 */
export interface QueryGpusOptions {
  /** Kill nvidia-smi after this long (default 5000 ms): a wedged driver can hang it. */
  timeoutMs?: number;
  /** The environment to run it in; its `PATH` is where `nvidia-smi` is looked up. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The arguments {@link queryGpus} passes to nvidia-smi; {@link parseNvidiaSmi} reads their output.
 * @example
 *   execFileSync('nvidia-smi', NVIDIA_SMI_ARGS);
 */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  '--query-gpu=index,name,memory.total,memory.used,utilization.gpu',
  '--format=csv,noheader,nounits',
];

const FIELDS = 5;

// nvidia-smi prints `[N/A]` / `[Not Supported]` (older drivers without brackets) for unknown values.
function parseNumber(field: string): number | null {
  const value = Number.parseFloat(field);
  return /^\d/.test(field) && Number.isFinite(value) ? value : null;
}

function parseLine(line: string): GpuInfo | undefined {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < FIELDS) return undefined;
  const index = Number(fields[0]);
  if (fields[0] === '' || !Number.isInteger(index) || index < 0) return undefined;
  // nvidia-smi does not quote: a name with commas spreads over the middle fields.
  const tail = fields.slice(-3);
  return {
    index,
    name: fields.slice(1, -3).join(', '),
    memoryTotalMiB: parseNumber(tail[0]),
    memoryUsedMiB: parseNumber(tail[1]),
    utilizationPercent: parseNumber(tail[2]),
  };
}

/**
 * Parses the output of `nvidia-smi` run with {@link NVIDIA_SMI_ARGS}. Blank lines, CRLF line ends and
 * lines that are not GPU rows (such as "No devices were found") are skipped; unknown values become
 * `null`.
 * @example
 *   parseNvidiaSmi('0, NVIDIA H100 80GB HBM3, 81559, 0, 0\n');
 *   // [{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 0, utilizationPercent: 0 }]
 */
export function parseNvidiaSmi(csvText: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of csvText.split(/\r?\n|\r/)) {
    const gpu = line.trim() === '' ? undefined : parseLine(line);
    if (gpu) gpus.push(gpu);
  }
  return gpus;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

interface ExecFailure extends Error {
  code?: string | number | null;
  killed?: boolean;
  signal?: NodeJS.Signals | null;
}

function failureReason(error: ExecFailure, stdout: string, stderr: string, timeoutMs: number): string {
  if (error.code === 'ENOENT') return 'nvidia-smi not found on PATH';
  if (error.killed || error.signal) return `nvidia-smi did not answer within ${timeoutMs} ms`;
  // The driver's own explanation ("NVIDIA-SMI has failed because ...") goes to stdout.
  const said = firstLine(stdout) || firstLine(stderr);
  const status = typeof error.code === 'number' ? `nvidia-smi exited with code ${error.code}` : error.message;
  return said ? `${status}: ${said}` : status;
}

/**
 * Lists NVIDIA GPUs by running `nvidia-smi` from `PATH`. Never throws: when nvidia-smi is missing,
 * fails or hangs, the result says `available: false` and why.
 * @example
 *   const { gpus, available, reason } = await queryGpus({ timeoutMs: 3000 });
 *   if (!available) console.log(`no GPUs: ${reason}`);
 */
export function queryGpus(options: QueryGpusOptions = {}): Promise<GpuQueryResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      [...NVIDIA_SMI_ARGS],
      { timeout: timeoutMs, env: options.env ?? process.env, windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          resolve({ gpus: [], available: false, reason: failureReason(error, stdout, stderr, timeoutMs) });
          return;
        }
        resolve({ gpus: parseNvidiaSmi(stdout), available: true });
      },
    );
  });
}
