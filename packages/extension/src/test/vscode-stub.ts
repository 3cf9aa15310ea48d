// A stand-in for the `vscode` module (which only exists inside VS Code): the API surface the
// client uses, recording what it was asked to show and answering pickers from a script.
// Requiring this file makes `require('vscode')` return it.
import * as path from 'node:path';

const Module = require('node:module') as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const original = Module._resolveFilename;
Module._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return __filename;
  return original.call(this, request, ...rest);
};

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  #listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.#listeners.push(l);
    return { dispose: () => (this.#listeners = this.#listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of this.#listeners) l(e);
  }
  dispose(): void {
    this.#listeners = [];
  }
}

export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(path.resolve(p));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(path.join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export class ThemeIcon {
  constructor(readonly id: string) {}
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  iconPath?: ThemeIcon;
  resourceUri?: Uri;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
export const ViewColumn = { Active: -1, Beside: -2, One: 1 };

/** What the code under test showed, and the answers it will get. */
export const stub = {
  messages: [] as { kind: 'info' | 'warning' | 'error'; text: string; actions: string[] }[],
  /** Each QuickPick call takes the next chooser: given the items, return the one to pick. */
  picks: [] as ((items: { label: string; description?: string }[]) => unknown)[],
  pickTitles: [] as string[],
  output: [] as string[],
  config: new Map<string, unknown>(),
  configTargets: new Map<string, number>(),
  workspaceFolder: undefined as string | undefined,
  files: [] as string[],
  progress: [] as { title?: string; message?: string }[],
  executed: [] as { command: string; args: unknown[] }[],
  reset(): void {
    this.messages = [];
    this.picks = [];
    this.pickTitles = [];
    this.output = [];
    this.config.clear();
    this.configTargets.clear();
    this.files = [];
    this.progress = [];
    this.executed = [];
  },
};

const message =
  (kind: 'info' | 'warning' | 'error') =>
  async (text: string, ...actions: string[]): Promise<string | undefined> => {
    stub.messages.push({ kind, text, actions });
    return undefined;
  };

function statusBarItem() {
  return { text: '', tooltip: '', command: undefined as unknown, name: '', show() {}, hide() {}, dispose() {} };
}

export const window = {
  showInformationMessage: message('info'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  async showQuickPick<T extends { label: string }>(items: T[] | Promise<T[]>, options?: { title?: string }) {
    stub.pickTitles.push(options?.title ?? '');
    const choose = stub.picks.shift();
    if (!choose) throw new Error(`unexpected QuickPick: ${options?.title}`);
    return choose(await items) as T | undefined;
  },
  async withProgress<R>(
    options: { title?: string },
    task: (progress: { report(v: { message?: string }): void }, token: unknown) => Promise<R>,
  ): Promise<R> {
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    return task({ report: (v) => stub.progress.push({ title: options.title, message: v.message }) }, token);
  },
  createOutputChannel: () => ({
    appendLine: (l: string) => stub.output.push(l),
    append: (l: string) => stub.output.push(l),
    show() {},
    clear() {},
    dispose() {},
  }),
  createStatusBarItem: statusBarItem,
  activeTextEditor: undefined,
};

export const workspace = {
  get workspaceFolders() {
    return stub.workspaceFolder ? [{ uri: Uri.file(stub.workspaceFolder), name: 'ws', index: 0 }] : undefined;
  },
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback: T): T {
        const k = `${section}.${key}`;
        return (stub.config.has(k) ? stub.config.get(k) : fallback) as T;
      },
      async update(key: string, value: unknown, target: number): Promise<void> {
        stub.config.set(`${section}.${key}`, value);
        stub.configTargets.set(`${section}.${key}`, target);
      },
    };
  },
  async findFiles(): Promise<Uri[]> {
    return stub.files.map((f) => Uri.file(f));
  },
};

export const commands = {
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    stub.executed.push({ command, args });
    return undefined;
  },
};
