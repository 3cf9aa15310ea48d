import * as path from 'node:path';
import * as vscode from 'vscode';
import { type ExtensionState, requireSdk, settings } from './context';
import { type ServerInfo, sendTestRequest } from './server-manager';
import { modelNodes } from './view-models';

async function pickBase(state: ExtensionState, folder: string): Promise<string | undefined> {
  const bases = state.runs ? modelNodes(state.runs.store, folder).map((n) => n.resource ?? '') : [];
  const last =
    state.lastExport ??
    state.runs?.store
      .list()
      .find((r) => r.exports.length > 0)
      ?.exports.at(-1);
  const items: (vscode.QuickPickItem & { base?: string })[] = [];
  if (last) items.push({ label: `$(history) ${path.basename(last)}`, description: 'last export', base: last });
  for (const b of bases)
    if (b !== last) items.push({ label: `$(package) ${path.basename(b)}`, description: b, base: b });
  items.push({ label: '$(folder-opened) Choose a model base folder…' });
  // ignoreFocusOut: a notification or view refresh taking focus must not dismiss the choice.
  const picked = await vscode.window.showQuickPick(items, { title: 'tfscale: model to serve', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.base) return picked.base;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Serve',
    title: 'A folder holding numbered version folders (1/, 2/, …)',
  });
  return chosen?.[0]?.fsPath;
}

/**
 * Shows the newest serving server's URL in the status bar (click: send a test request), or hides it.
 * @example
 *   showServing(state);
 */
export function showServing(state: ExtensionState): void {
  const serving = state.servers?.list().filter((s) => s.state === 'serving') ?? [];
  const s = serving.at(-1);
  if (!s) {
    state.serving.hide();
    return;
  }
  state.serving.text = `$(radio-tower) ${s.url}`;
  state.serving.tooltip = `tfscale serve: ${s.name} from ${s.base} (REST ${s.restPort}, gRPC ${s.grpcPort}). Click to send a test request.`;
  state.serving.command = { command: 'tfscale.sendTestRequest', title: 'Send Test Request', arguments: [s.id] };
  state.serving.show();
}

/**
 * Serve Model: one click from an export to a local TF Serving-compatible server.
 * @example
 *   const info = await serveModel(state, '/w/models/digits'); // info.url in the status bar
 */
export async function serveModel(state: ExtensionState, base?: string): Promise<ServerInfo | undefined> {
  const ws = requireSdk(state);
  if (!ws) return undefined;
  const chosen = base ?? (await pickBase(state, ws.folder));
  if (!chosen) return undefined;
  const s = settings();
  try {
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `tfscale: serving ${path.basename(chosen)}` },
      () =>
        ws.servers.serve(chosen, {
          restPort: s.restPort,
          grpcPort: s.grpcPort,
          onOutput: (line) => state.output.appendLine(`[serve] ${line}`),
        }),
    );
    info.child?.once('exit', () => showServing(state));
    showServing(state);
    void vscode.window
      .showInformationMessage(`tfscale: ${info.name} is served at ${info.url}`, 'Send Test Request')
      .then((a) => a && vscode.commands.executeCommand('tfscale.sendTestRequest', info.id));
    return info;
  } catch (err) {
    state.output.show(true);
    void vscode.window.showErrorMessage(`tfscale: ${(err as Error).message}`);
    return undefined;
  }
}

async function pickServer(state: ExtensionState, id?: number): Promise<ServerInfo | undefined> {
  const list = state.servers?.list() ?? [];
  if (id !== undefined) return list.find((s) => s.id === id);
  if (list.length <= 1) {
    if (list.length === 0) void vscode.window.showInformationMessage('tfscale: no model server is running.');
    return list[0];
  }
  const picked = await vscode.window.showQuickPick(
    list.map((s) => ({ label: s.name, description: s.url, server: s })),
    { title: 'tfscale: server' },
  );
  return picked?.server;
}

/**
 * Send Test Request: a batch-of-one request built from the model's signature.
 * @example
 *   await testRequest(state, info.id); // 200
 */
export async function testRequest(state: ExtensionState, id?: number): Promise<number | undefined> {
  const server = await pickServer(state, id);
  if (!server) return undefined;
  try {
    const { status, request, body } = await sendTestRequest(server.url);
    state.output.appendLine(`POST ${server.url}:predict ${JSON.stringify(request).slice(0, 200)}`);
    state.output.appendLine(`${status} ${body.slice(0, 2000)}`);
    const show = status === 200 ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(`tfscale: ${server.name} answered ${status}: ${body.replace(/\s+/g, ' ').slice(0, 160)}`);
    return status;
  } catch (err) {
    void vscode.window.showErrorMessage(`tfscale: test request failed: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * Stop Server.
 * @example
 *   await stopServer(state, info.id);
 */
export async function stopServer(state: ExtensionState, id?: number): Promise<void> {
  const server = await pickServer(state, id);
  if (!server) return;
  await state.servers?.stop(server.id);
  showServing(state);
}
