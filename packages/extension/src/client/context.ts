import * as vscode from 'vscode';
import { locateSdk, type SdkLocation, sdkMissingMessage } from '../shared/sdk-locator';
import { RunManager } from './run-manager';
import { ServerManager } from './server-manager';

/**
 * What every command needs: the workspace, its SDK, the managers, the output channel.
 * @example
 *   const ws = requireSdk(state); // the commands' shared state
 */
export interface ExtensionState {
  extensionUri: vscode.Uri;
  folder: string | undefined;
  sdk: SdkLocation | undefined;
  output: vscode.OutputChannel;
  runs: RunManager | undefined;
  servers: ServerManager | undefined;
  /** Status bar: the device/backend item and the serving item. */
  status: vscode.StatusBarItem;
  serving: vscode.StatusBarItem;
  /** The last model base exported in this window (Serve Model offers it first). */
  lastExport?: string;
  refreshViews(): void;
}

/**
 * The settings the extension reads, with their defaults.
 * @example
 *   settings().device; // 'auto', 'cpu' or 'gpu:0'
 */
export function settings() {
  const c = vscode.workspace.getConfiguration('tfscale');
  return {
    device: c.get<string>('device', 'auto'),
    backend: c.get<string>('backend', 'auto'),
    epochs: c.get<number>('train.epochs', 0),
    restPort: c.get<number>('serve.restPort', 8501),
    grpcPort: c.get<number>('serve.grpcPort', 8500),
    openMetrics: c.get<boolean>('train.openMetrics', true),
  };
}

/**
 * The workspace folder and its SDK, or an error message shown to the user and `undefined`.
 * @example
 *   const ws = requireSdk(state); if (!ws) return;
 */
export function requireSdk(
  state: ExtensionState,
): { folder: string; sdk: SdkLocation; runs: RunManager; servers: ServerManager } | undefined {
  if (!state.folder) {
    void vscode.window.showWarningMessage('tfscale: open a folder where @tfscale/sdk is installed.');
    return undefined;
  }
  if (!state.sdk) {
    state.sdk = locateSdk(state.folder);
    if (!state.sdk) {
      void vscode.window.showErrorMessage(sdkMissingMessage(state.folder));
      return undefined;
    }
    showPlacement(state);
  }
  state.runs ??= attach(new RunManager(state.sdk, state.folder), state);
  state.servers ??= attach(new ServerManager(state.sdk, state.folder), state);
  return { folder: state.folder, sdk: state.sdk, runs: state.runs, servers: state.servers };
}

function attach<T extends { on(event: 'change', listener: () => void): unknown }>(m: T, state: ExtensionState): T {
  m.on('change', () => state.refreshViews());
  return m;
}

/**
 * Updates the device/backend status-bar item from the settings.
 * @example
 *   showPlacement(state); // status bar: 'tfscale: gpu:0 · native-gpu'
 */
export function showPlacement(state: ExtensionState): void {
  const s = settings();
  if (!state.sdk) {
    state.status.text = '$(warning) tfscale: no SDK';
    state.status.tooltip = state.folder ? sdkMissingMessage(state.folder) : 'tfscale: open a folder';
    return;
  }
  state.status.text = `$(circuit-board) tfscale: ${s.device} · ${s.backend}`;
  state.status.tooltip = `tfscale ${state.sdk.version}: device ${s.device}, backend ${s.backend}. Click to change.`;
}
