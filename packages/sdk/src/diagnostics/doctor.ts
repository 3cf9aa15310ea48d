import type { DependencyContainer } from 'tsyringe';
import type { BackendAvailability } from '../backend/backend';
import { NativeBackend } from '../backend/native-backend';
import { selectBackend } from '../backend/select-backend';
import { BackendRegistryToken } from '../core/tokens';
import { SDK_VERSION } from '../core/version';
import { type DeviceList, listDevices } from '../devices';
import { loadGraphAddon } from '../training/compiled/addon';
import { inspectPlugins, type PluginReport } from './plugin-report';

/** One backend as doctor saw it. */
export interface BackendCandidate extends BackendAvailability {
  name: string;
  priority: number;
}

/** Everything `tfscale doctor` checks, as data (the CLI and the VS Code extension render it). */
export interface DoctorReport {
  sdk: { version: string; node: string; platform: string; arch: string };
  backend: {
    /** The backend 'auto' (or TFSCALE_BACKEND) chose and activated, if any. */
    selected?: string;
    tensorflow?: string;
    /** Result of a matMul on the selected backend: the proof it computes. */
    check?: string;
    notice?: string;
    error?: string;
    candidates: BackendCandidate[];
    /** The compiled train step's addon: 'available (TensorFlow x)' or 'unavailable: why'. */
    compiledStep?: string;
  };
  devices: DeviceList;
  plugins: PluginReport;
}

/**
 * Probes every backend, activates the one a run would get, runs a matMul on it, and lists devices
 * and plugins. Never throws for a broken environment: that is what it reports.
 * @example
 *   const report = await runDoctor(createRootContainer(), process.cwd());
 *   console.log(renderDoctorReport(report));
 */
export async function runDoctor(container: DependencyContainer, cwd: string): Promise<DoctorReport> {
  const registry = container.resolve(BackendRegistryToken);
  const candidates: BackendCandidate[] = [];
  for (const backend of registry.list().map((e) => e.value)) {
    const availability = await backend.probe().catch((err: Error) => ({ available: false, reason: err.message }));
    candidates.push({ name: backend.name, priority: backend.priority, ...availability });
  }
  candidates.sort((a, b) => b.priority - a.priority);

  const backend: DoctorReport['backend'] = { candidates };
  try {
    const sel = await selectBackend(registry, undefined, { warn: () => {} });
    backend.selected = sel.backend.name;
    backend.notice = sel.notice;
    if (sel.backend.tfjsBackend === 'tensorflow') backend.tensorflow = NativeBackend.loadedVersion(sel.tf);
    const product = sel.tf.tidy(() =>
      sel.tf
        .matMul(
          sel.tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          sel.tf.tensor2d([[5], [6]]),
        )
        .dataSync(),
    );
    backend.check = Array.from(product).join(',') === '17,39' ? 'matMul ok' : `matMul wrong: ${Array.from(product)}`;
  } catch (err) {
    backend.error = (err as Error).message;
  }

  const graph = loadGraphAddon();
  backend.compiledStep = graph.addon
    ? `available (TensorFlow ${graph.addon.tensorflowVersion})`
    : `unavailable, training runs eagerly: ${graph.reason}`;
  return {
    sdk: { version: SDK_VERSION, node: process.version, platform: process.platform, arch: process.arch },
    backend,
    devices: await listDevices(),
    plugins: await inspectPlugins(container, cwd),
  };
}

/**
 * Human-readable doctor output.
 * @example
 *   console.log(renderDoctorReport(await runDoctor(container, cwd)));
 */
export function renderDoctorReport(r: DoctorReport): string {
  const out: string[] = [];
  const row = (label: string, text: string) => out.push(`${label.padEnd(10)}${text}`);
  row('sdk', `@tfscale/sdk ${r.sdk.version} on Node ${r.sdk.node} (${r.sdk.platform} ${r.sdk.arch})`);
  if (r.backend.selected) {
    const tf = r.backend.tensorflow ? ` — TensorFlow ${r.backend.tensorflow}` : '';
    row('backend', `${r.backend.selected}${tf} (${r.backend.check ?? 'not checked'})`);
  } else {
    row('backend', `none usable: ${r.backend.error}`);
  }
  if (r.backend.notice) row('', r.backend.notice);
  for (const c of r.backend.candidates) {
    const state = c.available ? `available${c.version ? ` ${c.version}` : ''}` : `unavailable: ${c.reason}`;
    row('', `  ${c.name.padEnd(11)}${state}${!c.available && c.fix ? `\n${''.padEnd(23)}fix: ${c.fix}` : ''}`);
  }
  if (r.backend.compiledStep) row('training', `compiled step ${r.backend.compiledStep}`);
  const gpus = r.devices.gpus.length;
  for (const d of r.devices.devices) row(d === r.devices.devices[0] ? 'devices' : '', `${d.id.padEnd(7)}${d.label}`);
  if (!gpus) row('', `no GPUs: ${r.devices.gpuQuery.reason ?? 'none found'}`);
  if (r.plugins.found.length === 0) row('plugins', `none found (searched node_modules from ${r.plugins.searchedFrom})`);
  for (const p of r.plugins.found) {
    const state = p.loaded ? 'loaded' : `refused: ${p.error}`;
    row(p === r.plugins.found[0] ? 'plugins' : '', `${p.packageName}@${p.version} ${state}`);
  }
  return out.join('\n');
}
