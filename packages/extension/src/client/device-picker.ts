/**
 * The parts of `tfscale doctor --json` the device picker shows.
 * @example
 *   const report = await runCliJson<DoctorReport>(sdk, folder, ['doctor', '--json']);
 */
export interface DoctorReport {
  backend: {
    candidates: { name: string; available: boolean; reason?: string; version?: string }[];
    selected?: string;
    tensorflow?: string;
  };
  devices: {
    cpu: { model: string; cores: number; memoryBytes: number };
    gpus: {
      index: number;
      name: string;
      memoryTotalMiB: number | null;
      memoryUsedMiB: number | null;
      utilizationPercent: number | null;
    }[];
    gpuQuery: { available: boolean; reason?: string };
  };
}

/**
 * A QuickPick row: `value` is what gets saved (`auto`, `cpu`, `gpu:0`, a backend name).
 * @example
 *   const row: PickRow = { label: '$(chip) cpu', value: 'cpu' };
 */
export interface PickRow {
  label: string;
  description?: string;
  detail?: string;
  value: string;
  /** Shown but refused when picked (an unavailable backend). */
  disabledReason?: string;
}

const gib = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;

/**
 * The device rows: auto, the CPU, then each GPU with name, memory and utilisation; when no GPU is
 * listed, a row saying why.
 * @example
 *   deviceRows(report).map((r) => r.value); // ['auto', 'cpu', 'gpu:0']
 */
export function deviceRows(report: DoctorReport, current?: string): PickRow[] {
  const { cpu, gpus, gpuQuery } = report.devices;
  const mark = (v: string) => (v === (current ?? 'auto') ? ' (current)' : '');
  const rows: PickRow[] = [
    { label: `$(sparkle) auto${mark('auto')}`, description: 'let the SDK choose', value: 'auto' },
    {
      label: `$(chip) cpu${mark('cpu')}`,
      description: `${cpu.model} · ${cpu.cores} cores · ${gib(cpu.memoryBytes / 2 ** 20)}`,
      value: 'cpu',
    },
  ];
  for (const g of gpus) {
    const mem =
      g.memoryTotalMiB === null
        ? 'memory ?'
        : `${g.memoryUsedMiB === null ? '?' : gib(g.memoryUsedMiB)} / ${gib(g.memoryTotalMiB)} used`;
    const util = g.utilizationPercent === null ? 'utilisation ?' : `utilisation ${g.utilizationPercent}%`;
    rows.push({
      label: `$(circuit-board) gpu:${g.index}${mark(`gpu:${g.index}`)}`,
      description: `${g.name} · ${mem} · ${util}`,
      value: `gpu:${g.index}`,
    });
  }
  if (gpus.length === 0) {
    rows.push({
      label: '$(circle-slash) no GPU',
      description: gpuQuery.reason ?? 'nvidia-smi listed none',
      value: '',
      disabledReason: `No GPU to pick: ${gpuQuery.reason ?? 'nvidia-smi listed none'}.`,
    });
  }
  return rows;
}

/**
 * The backend rows: auto, then each candidate with availability (and the reason when unavailable).
 * @example
 *   backendRows(report).find((r) => r.value === 'native-gpu')?.disabledReason; // 'no NVIDIA GPU (...)'
 */
export function backendRows(report: DoctorReport, current?: string): PickRow[] {
  const mark = (v: string) => (v === (current ?? 'auto') ? ' (current)' : '');
  const rows: PickRow[] = [
    {
      label: `$(sparkle) auto${mark('auto')}`,
      description: report.backend.selected ? `now: ${report.backend.selected}` : 'the fastest available',
      value: 'auto',
    },
  ];
  for (const c of report.backend.candidates) {
    rows.push({
      label: `${c.available ? '$(check)' : '$(error)'} ${c.name}${mark(c.name)}`,
      description: c.available ? `available${c.version ? ` · ${c.version}` : ''}` : 'unavailable',
      ...(c.available ? {} : { detail: c.reason, disabledReason: `Backend ${c.name} is unavailable: ${c.reason}` }),
      value: c.name,
    });
  }
  return rows;
}

/**
 * Environment and CLI flags a run gets from the saved device and backend settings.
 * `gpu:N` pins CUDA_VISIBLE_DEVICES; `cpu` hides every GPU.
 * @example
 *   runPlacement('gpu:1', 'native-gpu'); // { env: { CUDA_VISIBLE_DEVICES: '1' }, args: ['--backend', 'native-gpu'] }
 */
export function runPlacement(device: string, backend: string): { env: Record<string, string>; args: string[] } {
  const env: Record<string, string> = {};
  if (device === 'cpu') env.CUDA_VISIBLE_DEVICES = '';
  else if (/^gpu:\d+$/.test(device)) env.CUDA_VISIBLE_DEVICES = device.slice(4);
  const args = backend && backend !== 'auto' ? ['--backend', backend] : [];
  return { env, args };
}
