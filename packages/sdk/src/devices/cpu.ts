import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/**
 * The host CPU and memory.
 * @example
 *   const cpu: CpuInfo = listCpu(); // { model: 'AMD EPYC 7B13', cores: 16, physicalCores: 8, ... }
 */
export interface CpuInfo {
  /** The processor model string, e.g. "AMD EPYC 7B13"; "unknown" when the OS does not say. */
  model: string;
  /** Logical cores (hardware threads). */
  cores: number;
  /** Physical cores, from /proc/cpuinfo; absent where that file does not tell (non-Linux, most ARM). */
  physicalCores?: number;
  memoryBytes: number;
  freeMemoryBytes: number;
  /** `process.arch` style: 'x64', 'arm64', … */
  arch: string;
}

/**
 * Options of {@link listCpu}.
 * @example
 *   listCpu({ cpuinfoPath: '/host/proc/cpuinfo' });
 */
export interface ListCpuOptions {
  /** Where to read physical core ids (default `/proc/cpuinfo`). */
  cpuinfoPath?: string;
}

/**
 * Counts physical cores in the text of /proc/cpuinfo: distinct (`physical id`, `core id`) pairs.
 * Returns undefined when the file lists no `core id` (ARM kernels, some VMs).
 * @example
 *   countPhysicalCores('processor: 0\nphysical id: 0\ncore id: 0\n\nprocessor: 1\nphysical id: 0\ncore id: 0\n'); // 1
 */
export function countPhysicalCores(cpuinfo: string): number | undefined {
  const cores = new Set<string>();
  // Each logical processor is one blank-line separated block.
  for (const block of cpuinfo.split(/\r?\n\s*\r?\n/)) {
    const physical = /^physical id\s*:\s*(\S+)/m.exec(block)?.[1] ?? '0';
    const core = /^core id\s*:\s*(\S+)/m.exec(block)?.[1];
    if (core !== undefined) cores.add(`${physical}:${core}`);
  }
  return cores.size > 0 ? cores.size : undefined;
}

function readPhysicalCores(path: string): number | undefined {
  try {
    return countPhysicalCores(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // not Linux, or /proc not mounted: the count is optional
  }
}

/**
 * Describes the host CPU and memory from `node:os` (and /proc/cpuinfo for physical cores).
 * @example
 *   const { model, cores, memoryBytes } = listCpu();
 *   console.log(`${model}: ${cores} threads, ${(memoryBytes / 2 ** 30).toFixed(0)} GiB`);
 */
export function listCpu(options: ListCpuOptions = {}): CpuInfo {
  const cpus = os.cpus();
  const physicalCores = readPhysicalCores(options.cpuinfoPath ?? '/proc/cpuinfo');
  return {
    model: cpus[0]?.model.trim() || 'unknown',
    // os.cpus() is empty on some platforms; availableParallelism() still answers.
    cores: cpus.length || os.availableParallelism(),
    ...(physicalCores === undefined ? {} : { physicalCores }),
    memoryBytes: os.totalmem(),
    freeMemoryBytes: os.freemem(),
    arch: os.arch(),
  };
}
