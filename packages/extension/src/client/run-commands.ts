import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runCli, runCliJson } from './cli';
import { type ExtensionState, requireSdk, settings, showPlacement } from './context';
import { backendRows, type DoctorReport, deviceRows, type PickRow } from './device-picker';
import { MetricsPanel } from './metrics-panel';
import type { RunRecord } from './run-store';

type PickItem = vscode.QuickPickItem & { row: PickRow };

async function pickRow(rows: PickRow[], title: string): Promise<PickRow | undefined> {
  const items: PickItem[] = rows.map((row) => ({
    label: row.label,
    description: row.description,
    detail: row.detail,
    row,
  }));
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.row.disabledReason) {
    void vscode.window.showErrorMessage(picked.row.disabledReason);
    return undefined;
  }
  return picked.row;
}

/**
 * Select Device: GPUs and backends from `tfscale doctor --json`, saved in workspace settings.
 * @example
 *   await selectDevice(state); // saves tfscale.device and tfscale.backend
 */
export async function selectDevice(state: ExtensionState): Promise<void> {
  const ws = requireSdk(state);
  if (!ws) return;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'tfscale: reading devices and backends' },
    () => runCliJson<DoctorReport>(ws.sdk, ws.folder, ['doctor', '--json']),
  );
  const s = settings();
  const device = await pickRow(deviceRows(report, s.device), 'tfscale: device for training runs (1/2)');
  if (!device) return;
  const backend = await pickRow(backendRows(report, s.backend), 'tfscale: backend (2/2)');
  if (!backend) return;
  const config = vscode.workspace.getConfiguration('tfscale');
  await config.update('device', device.value, vscode.ConfigurationTarget.Workspace);
  await config.update('backend', backend.value, vscode.ConfigurationTarget.Workspace);
  showPlacement(state);
  void vscode.window.showInformationMessage(`tfscale: runs will use device ${device.value}, backend ${backend.value}.`);
}

async function pickRunFile(folder: string, given?: vscode.Uri): Promise<string | undefined> {
  if (given) return given.fsPath;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && path.basename(active.fsPath) === 'tfscale.json') return active.fsPath;
  const files = await vscode.workspace.findFiles('**/tfscale.json', '**/node_modules/**', 50);
  if (files.length === 0) {
    void vscode.window.showErrorMessage(`tfscale: no tfscale.json in ${folder}. Create one (see the SDK README).`);
    return undefined;
  }
  if (files.length === 1) return files[0]?.fsPath;
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: path.relative(folder, f.fsPath), uri: f })),
    { title: 'tfscale: run file to train' },
  );
  return picked?.uri.fsPath;
}

/**
 * Start Training Run: `tfscale train` as a child process, with progress, cancel and output.
 * @example
 *   const record = await startRun(state, vscode.Uri.file('/w/tfscale.json'));
 */
export async function startRun(state: ExtensionState, uri?: vscode.Uri): Promise<RunRecord | undefined> {
  const ws = requireSdk(state);
  if (!ws) return undefined;
  const runFile = await pickRunFile(ws.folder, uri);
  if (!runFile) return undefined;
  const s = settings();
  state.output.appendLine(
    `$ tfscale train ${path.relative(ws.folder, runFile)} (device ${s.device}, backend ${s.backend})`,
  );
  let report: ((message: string, increment: number) => void) | undefined;
  let epochs = s.epochs || 0;
  const run = ws.runs.start(runFile, {
    device: s.device,
    backend: s.backend,
    epochs: s.epochs || undefined,
    onOutput: (line) => state.output.appendLine(line),
    onEvents: (events) => {
      for (const e of events) {
        if (e.type === 'train_begin' && typeof e.params?.epochs === 'number') epochs = e.params.epochs;
        if (e.type === 'epoch_end') {
          const loss = e.logs.loss;
          report?.(
            `epoch ${e.epoch + 1}/${epochs || '?'}${typeof loss === 'number' ? ` · loss ${loss.toFixed(4)}` : ''}`,
            epochs ? 100 / epochs : 0,
          );
        }
      }
    },
  });
  if (s.openMetrics) MetricsPanel.show(state.extensionUri, ws.runs.store, run.record.id);
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `tfscale: training ${run.record.name}`,
      cancellable: true,
    },
    async (progress, token) => {
      report = (message, increment) => progress.report({ message, increment });
      token.onCancellationRequested(() => void ws.runs.stop(run.record.id));
      const end = await run.done;
      MetricsPanel.panels.get(end.id)?.refreshState();
      if (end.state === 'done') {
        void vscode.window
          .showInformationMessage(`tfscale: ${end.name} finished.`, 'Export Model')
          .then((a) => a && vscode.commands.executeCommand('tfscale.exportModel', end.id));
      } else if (end.state === 'failed') {
        state.output.show(true);
        void vscode.window.showErrorMessage(`tfscale: ${end.name} failed (exit code ${end.exitCode}); see the output.`);
      }
    },
  );
  return run.record;
}

async function pickRun(state: ExtensionState, filter: (r: RunRecord) => boolean, title: string, id?: string) {
  const ws = requireSdk(state);
  if (!ws) return undefined;
  const runs = ws.runs.store.list().filter(filter);
  if (id) return runs.find((r) => r.id === id);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`tfscale: no run to pick (${title}).`);
    return undefined;
  }
  if (runs.length === 1) return runs[0];
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.name, description: `${r.state} · ${r.id}`, run: r })),
    { title },
  );
  return picked?.run;
}

/**
 * Stop Run: like Ctrl-C (after this batch, keeping a backup).
 * @example
 *   await stopRun(state, 'digits-20260101-120000');
 */
export async function stopRun(state: ExtensionState, id?: string): Promise<void> {
  const run = await pickRun(state, (r) => r.state === 'running', 'tfscale: run to stop', id);
  if (run) await state.runs?.stop(run.id);
}

/**
 * Show Metrics: the run's live charts.
 * @example
 *   await showMetrics(state, 'digits-20260101-120000');
 */
export async function showMetrics(state: ExtensionState, id?: string): Promise<void> {
  const run = await pickRun(state, () => true, 'tfscale: run to chart', id);
  if (run && state.runs) MetricsPanel.show(state.extensionUri, state.runs.store, run.id);
}

/**
 * Export Model: the run's last checkpoint as a SavedModel version under `models/<run name>`.
 * @example
 *   const base = await exportModel(state, runId); // '/w/models/digits'
 */
export async function exportModel(state: ExtensionState, id?: string): Promise<string | undefined> {
  const ws = requireSdk(state);
  const run = await pickRun(state, (r) => r.state !== 'running', 'tfscale: run to export', id);
  if (!ws || !run) return undefined;
  const ckpt = ws.runs.store.checkpoints(run.id).at(-1);
  if (!ckpt) {
    void vscode.window.showErrorMessage(`tfscale: run ${run.id} saved no checkpoint to export.`);
    return undefined;
  }
  const base = path.join(ws.folder, 'models', run.name);
  const args = ['export', ckpt, '--format', 'savedmodel', '--out', base];
  state.output.appendLine(`$ tfscale ${args.join(' ')}`);
  try {
    const out = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `tfscale: exporting ${run.name}` },
      () => runCli(ws.sdk, ws.folder, args),
    );
    state.output.appendLine(out.trim());
  } catch (err) {
    void vscode.window.showErrorMessage(`tfscale export failed: ${(err as Error).message}`);
    return undefined;
  }
  ws.runs.addExport(run.id, base);
  state.lastExport = base;
  void vscode.window
    .showInformationMessage(`tfscale: exported ${run.name} to ${path.relative(ws.folder, base)}.`, 'Serve Model')
    .then((a) => a && vscode.commands.executeCommand('tfscale.serveModel', base));
  return base;
}

function onPath(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, tool);
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Open TensorBoard on a run's logs, or say how to get it.
 * @example
 *   await openTensorBoard(state, runId); // a terminal running tensorboard --logdir <run>/logs
 */
export async function openTensorBoard(state: ExtensionState, id?: string): Promise<void> {
  const run = await pickRun(state, () => true, 'tfscale: run for TensorBoard', id);
  if (!run || !state.runs) return;
  const logs = path.join(state.runs.store.dir(run.id), 'logs');
  const tb = onPath('tensorboard');
  if (!tb) {
    void vscode.window.showWarningMessage(
      `tfscale: \`tensorboard\` is not on PATH. Install it (\`pip install tensorboard\`), then run \`tensorboard --logdir ${logs}\`, or run this command again.`,
    );
    return;
  }
  const terminal = vscode.window.createTerminal({ name: `TensorBoard: ${run.name}` });
  terminal.sendText(`"${tb}" --logdir "${logs}" --host 127.0.0.1`);
  terminal.show();
}
