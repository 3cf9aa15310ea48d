import { type CpuInfo, type ListCpuOptions, listCpu } from './cpu';
import { type GpuInfo, type QueryGpusOptions, queryGpus } from './nvidia-smi';

/**
 * One device a run can be placed on; `id` is what the run definition's `device` field takes.
 * @example
 *   const gpu: Device = { id: 'gpu:0', kind: 'gpu', label: 'GPU 0 NVIDIA H100 80GB HBM3 (80 GiB)' };
 */
export interface Device {
  /** 'cpu' or 'gpu:<index>'. */
  id: string;
  kind: 'cpu' | 'gpu';
  /** A one-line description for pickers and `tfscale devices`. */
  label: string;
}

/**
 * The outcome of {@link listDevices}.
 * @example
 *   const { cpu, gpus, gpuQuery, devices }: DeviceList = await listDevices();
 */
export interface DeviceList {
  cpu: CpuInfo;
  gpus: GpuInfo[];
  /** Whether nvidia-smi answered, and why not when it did not. */
  gpuQuery: { available: boolean; reason?: string };
  /** The CPU first, then each GPU by index. */
  devices: Device[];
}

/**
 * Options of {@link listDevices}.
 * @example
 *   await listDevices({ gpu: { timeoutMs: 2000 } });
 */
export interface ListDevicesOptions {
  cpu?: ListCpuOptions;
  gpu?: QueryGpusOptions;
}

const GIB = 2 ** 30;

function cpuDevice(cpu: CpuInfo): Device {
  const cores =
    cpu.physicalCores === undefined ? `${cpu.cores} threads` : `${cpu.physicalCores} cores / ${cpu.cores} threads`;
  return { id: 'cpu', kind: 'cpu', label: `CPU ${cpu.model} (${cores}, ${(cpu.memoryBytes / GIB).toFixed(0)} GiB)` };
}

function gpuDevice(gpu: GpuInfo): Device {
  const memory = gpu.memoryTotalMiB === null ? '' : ` (${(gpu.memoryTotalMiB / 1024).toFixed(0)} GiB)`;
  return { id: `gpu:${gpu.index}`, kind: 'gpu', label: `GPU ${gpu.index} ${gpu.name}${memory}` };
}

/**
 * Lists the devices of this machine: the CPU (always) and NVIDIA GPUs (when nvidia-smi answers).
 * Never throws for a missing GPU stack; `gpuQuery.reason` says why no GPU was listed.
 * @example
 *   const { devices, gpuQuery } = await listDevices();
 *   for (const d of devices) console.log(`${d.id}\t${d.label}`);
 *   if (!gpuQuery.available) console.log(`(no GPUs: ${gpuQuery.reason})`);
 */
export async function listDevices(options: ListDevicesOptions = {}): Promise<DeviceList> {
  const cpu = listCpu(options.cpu);
  const query = await queryGpus(options.gpu);
  const gpuQuery =
    query.reason === undefined ? { available: query.available } : { available: query.available, reason: query.reason };
  return {
    cpu,
    gpus: query.gpus,
    gpuQuery,
    devices: [cpuDevice(cpu), ...query.gpus.map(gpuDevice)],
  };
}
