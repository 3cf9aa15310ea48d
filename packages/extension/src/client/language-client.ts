import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import type { SdkLocation } from '../shared/sdk-locator';

/**
 * Options the server gets at `initialize`.
 * @example
 *   const init: ServerInitOptions = { workspaceFolder: '/w', sdkMain: '/w/node_modules/@tfscale/sdk/dist/index.js' };
 */
export interface ServerInitOptions {
  workspaceFolder: string;
  sdkMain: string;
}

/**
 * Starts the run-file language server (its own Node process, which loads the workspace's SDK
 * and plugins): diagnostics, completions and hovers for `tfscale.json`.
 * @example
 *   context.subscriptions.push(startLanguageClient(context, folder, sdk));
 */
export function startLanguageClient(
  context: vscode.ExtensionContext,
  folder: string,
  sdk: SdkLocation,
): vscode.Disposable {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', pattern: '**/tfscale.json' }],
    initializationOptions: { workspaceFolder: folder, sdkMain: sdk.main } satisfies ServerInitOptions,
  };
  const client = new LanguageClient('tfscale', 'tfscale run files', serverOptions, clientOptions);
  void client.start();
  return { dispose: () => void client.stop() };
}
