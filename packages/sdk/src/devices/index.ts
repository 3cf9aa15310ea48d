/**
 * Device discovery: the host CPU and NVIDIA GPUs (via nvidia-smi).
 * @packageDocumentation
 */
export { type CpuInfo, countPhysicalCores, type ListCpuOptions, listCpu } from './cpu';
export { type Device, type DeviceList, type ListDevicesOptions, listDevices } from './devices';
export {
  type GpuInfo,
  type GpuQueryResult,
  NVIDIA_SMI_ARGS,
  parseNvidiaSmi,
  type QueryGpusOptions,
  queryGpus,
} from './nvidia-smi';
