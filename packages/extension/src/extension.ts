import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The doctor report's fields this view renders; the SDK's `DoctorReport` is the full shape. */
interface DoctorSummary {
  sdk: { version: string };
  backend: { selected?: string; tensorflow?: string; notice?: string; error?: string };
  devices: { devices: Array<{ id: string; label: string }> };
}

/** Runs the workspace's own `tfscale` CLI, so the SDK and its native libraries stay out of the extension host. */
function runCli(cwd: string, args: string[]): Promise<string> {
  const bin = path.join(cwd, 'node_modules', '.bin', 'tfscale');
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(stderr.trim() || err.message));
      else resolve(stdout);
    });
  });
}

/** Extension entry: a status-bar item and the doctor command. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('tfscale');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.text = '$(pulse) tfscale';
  status.command = 'tfscale.doctor';
  status.tooltip = 'tfscale: check backend, devices and plugins';
  status.show();

  const doctor = vscode.commands.registerCommand('tfscale.doctor', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) {
      void vscode.window.showWarningMessage('tfscale: open a folder where @tfscale/sdk is installed.');
      return;
    }
    try {
      const [text, json] = await Promise.all([runCli(folder, ['doctor']), runCli(folder, ['doctor', '--json'])]);
      output.clear();
      output.appendLine(text);
      output.show(true);
      const report = JSON.parse(json) as DoctorSummary;
      const tf = report.backend.tensorflow ? ` (TensorFlow ${report.backend.tensorflow})` : '';
      status.text = `$(pulse) tfscale: ${report.backend.selected ?? 'no backend'}${tf}`;
      if (report.backend.notice) void vscode.window.showWarningMessage(report.backend.notice);
    } catch (err) {
      void vscode.window.showErrorMessage(
        `tfscale doctor failed: ${(err as Error).message}. Is @tfscale/sdk installed (npm i @tfscale/sdk)?`,
      );
    }
  });
  context.subscriptions.push(output, status, doctor);
}

/** Nothing to release beyond the subscriptions. */
export function deactivate(): void {}
