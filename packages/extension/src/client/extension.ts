import * as vscode from 'vscode';
import { locateSdk } from '../shared/sdk-locator';
import { runCli } from './cli';
import { type ExtensionState, requireSdk, showPlacement } from './context';
import { startLanguageClient } from './language-client';
import { METRICS_VIEW_TYPE, MetricsPanelSerializer } from './metrics-panel';
import { exportModel, openTensorBoard, selectDevice, showMetrics, startRun, stopRun } from './run-commands';
import { RunStore } from './run-store';
import { serveModel, showServing, stopServer, testRequest } from './serve-commands';
import { NodeTreeProvider } from './tree-provider';
import { modelNodes, type Node, runNodes, serverNodes } from './view-models';

/** A run id from a command argument: the id itself, or a Runs-view row. */
function runArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const id = (arg as Node | undefined)?.id;
  return id?.startsWith('run:') ? id.slice(4).split(':')[0] : undefined;
}

function serverArg(arg: unknown): number | undefined {
  if (typeof arg === 'number') return arg;
  const id = (arg as Node | undefined)?.id;
  return id?.startsWith('server:') ? Number(id.slice(7)) : undefined;
}

function baseArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const node = arg as Node | undefined;
  if (node?.contextValue === 'model-version' && node.resource)
    return vscode.Uri.file(node.resource).fsPath.replace(/[\\/]\d+$/, '');
  return node?.resource;
}

/**
 * Extension entry: status-bar items, commands, the Runs/Models/Servers views, the metrics panel
 * serializer and the run-file language client. TensorFlow never loads here: commands run the
 * workspace's CLI, and the language server loads the workspace's SDK in its own process.
 * @example
 *   // VS Code calls it on start-up (activationEvents: onStartupFinished)
 */
export function activate(context: vscode.ExtensionContext): ExtensionState {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const output = vscode.window.createOutputChannel('tfscale');
  const status = vscode.window.createStatusBarItem('tfscale.placement', vscode.StatusBarAlignment.Left, 10);
  status.name = 'tfscale device';
  status.command = 'tfscale.selectDevice';
  const serving = vscode.window.createStatusBarItem('tfscale.serving', vscode.StatusBarAlignment.Left, 9);
  serving.name = 'tfscale server';
  const store = new RunStore(folder ?? context.globalStorageUri.fsPath);
  const views = {
    runs: new NodeTreeProvider(() => runNodes(state.runs?.store ?? store)),
    models: new NodeTreeProvider(() => (folder ? modelNodes(state.runs?.store ?? store, folder) : [])),
    servers: new NodeTreeProvider(() => serverNodes(state.servers?.list() ?? [])),
  };
  const state: ExtensionState = {
    extensionUri: context.extensionUri,
    folder,
    sdk: folder ? locateSdk(folder) : undefined,
    output,
    runs: undefined,
    servers: undefined,
    status,
    serving,
    refreshViews: () => {
      views.runs.refresh();
      views.models.refresh();
      views.servers.refresh();
    },
  };
  if (state.sdk) {
    requireSdk(state);
    // Servers deployed before this window (they outlive it): list them again.
    void state.servers
      ?.attachDeployments()
      .then(() => showServing(state))
      .catch((err: Error) => output.appendLine(`listing local deployments failed: ${err.message}`));
  }
  showPlacement(state);
  status.show();

  const command = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        output.appendLine(`${id} failed: ${(err as Error).stack ?? err}`);
        void vscode.window.showErrorMessage(`tfscale: ${(err as Error).message}`);
        return undefined;
      }
    });
  context.subscriptions.push(
    output,
    status,
    serving,
    views.runs,
    views.models,
    views.servers,
    vscode.window.createTreeView('tfscale.runs', { treeDataProvider: views.runs, showCollapseAll: true }),
    vscode.window.createTreeView('tfscale.models', { treeDataProvider: views.models }),
    vscode.window.createTreeView('tfscale.servers', { treeDataProvider: views.servers }),
    vscode.window.registerWebviewPanelSerializer(
      METRICS_VIEW_TYPE,
      new MetricsPanelSerializer(context.extensionUri, store),
    ),
    command('tfscale.selectDevice', () => selectDevice(state)),
    command('tfscale.startRun', (uri) => startRun(state, uri instanceof vscode.Uri ? uri : undefined)),
    command('tfscale.stopRun', (arg) => stopRun(state, runArg(arg))),
    command('tfscale.showMetrics', (arg) => showMetrics(state, runArg(arg))),
    command('tfscale.exportModel', (arg) => exportModel(state, runArg(arg))),
    command('tfscale.serveModel', (arg) => serveModel(state, baseArg(arg))),
    command('tfscale.sendTestRequest', (arg) => testRequest(state, serverArg(arg))),
    command('tfscale.stopServer', (arg) => stopServer(state, serverArg(arg))),
    command('tfscale.openTensorBoard', (arg) => openTensorBoard(state, runArg(arg))),
    command('tfscale.refresh', () => state.refreshViews()),
    command('tfscale.doctor', () => doctor(state)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tfscale') && showPlacement(state)),
    {
      dispose: () => {
        state.runs?.dispose();
        state.servers?.dispose();
      },
    },
  );
  if (folder && state.sdk) context.subscriptions.push(startLanguageClient(context, folder, state.sdk));
  return state;
}

async function doctor(state: ExtensionState): Promise<void> {
  const ws = requireSdk(state);
  if (!ws) return;
  const text = await runCli(ws.sdk, ws.folder, ['doctor']);
  state.output.appendLine(text);
  state.output.show(true);
}

/**
 * The subscriptions release everything (runs get Ctrl-C, servers SIGTERM).
 * @example
 *   // VS Code calls it when the window closes
 */
export function deactivate(): void {}
