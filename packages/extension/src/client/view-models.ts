import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunState, RunStore } from './run-store';
import { runPaths } from './run-store';
import type { ServerInfo } from './server-manager';

/**
 * A tree row, independent of the VS Code API (the tree providers map it to a TreeItem).
 * @example
 *   const node: Node = { id: 'run:x', label: 'digits', icon: 'pass' };
 */
export interface Node {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon name, e.g. `pass` or `sync~spin`. */
  icon?: string;
  /** For `view/item/context` menus: `run`, `run-running`, `model-version`, `server`, … */
  contextValue?: string;
  /** A file or folder the row stands for. */
  resource?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  children?: Node[];
}

const STATE_ICONS: Record<RunState, string> = {
  running: 'sync~spin',
  done: 'pass',
  failed: 'error',
  stopped: 'debug-stop',
};

/**
 * The Runs view: each run with its state, then its metrics, log, checkpoints and exports.
 * @example
 *   runNodes(store)[0].children.map((n) => n.label); // ['Metrics', 'Log', 'Checkpoints (2)', 'Exports (1)']
 */
export function runNodes(store: RunStore): Node[] {
  return store.list().map((r) => {
    const paths = runPaths(store.dir(r.id));
    const ckpts = store.checkpoints(r.id);
    const versions = r.exports.flatMap((base) => versionNodes(base, `${r.id}:export`));
    return {
      id: `run:${r.id}`,
      label: r.name,
      description: `${r.state} · ${new Date(r.startedAt).toLocaleTimeString()}`,
      tooltip: `${r.runFile}\ndevice ${r.device}, backend ${r.backend}${r.exitCode != null ? `\nexit code ${r.exitCode}` : ''}`,
      icon: STATE_ICONS[r.state],
      contextValue: r.state === 'running' ? 'run-running' : 'run',
      children: [
        {
          id: `run:${r.id}:metrics`,
          label: 'Metrics',
          icon: 'graph-line',
          command: { command: 'tfscale.showMetrics', title: 'Show Metrics', arguments: [r.id] },
        },
        {
          id: `run:${r.id}:log`,
          label: 'Log',
          icon: 'output',
          resource: paths.log,
          command: { command: 'vscode.open', title: 'Open Log', arguments: [paths.log] },
        },
        {
          id: `run:${r.id}:checkpoints`,
          label: `Checkpoints (${ckpts.length})`,
          icon: 'save-all',
          children: ckpts.map((c) => ({
            id: `run:${r.id}:ckpt:${c}`,
            label: path.basename(c),
            icon: 'folder',
            resource: c,
            contextValue: 'checkpoint',
          })),
        },
        {
          id: `run:${r.id}:exports`,
          label: `Exports (${versions.length})`,
          icon: 'package',
          children: versions,
        },
      ],
    };
  });
}

/**
 * Numbered version folders of a model base (TF Serving layout), newest first.
 * @example
 *   modelVersions('models/digits'); // ['models/digits/2', 'models/digits/1']
 */
export function modelVersions(base: string): string[] {
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d+$/.test(d.name))
    .map((d) => Number(d.name))
    .sort((a, b) => b - a)
    .map((v) => path.join(base, String(v)));
}

function versionNodes(base: string, prefix: string): Node[] {
  return modelVersions(base).map((v) => ({
    id: `${prefix}:${v}`,
    label: `${path.basename(base)} v${path.basename(v)}`,
    description: path.dirname(v),
    icon: 'package',
    resource: v,
    contextValue: 'model-version',
    command: { command: 'tfscale.serveModel', title: 'Serve Model', arguments: [base] },
  }));
}

/**
 * The Models view: every model base the runs exported to, and the workspace's `models/*`, each
 * with its versions.
 * @example
 *   modelNodes(store, folder).map((n) => n.label); // ['digits']
 */
export function modelNodes(store: RunStore, workspaceFolder: string): Node[] {
  const bases = new Set<string>();
  for (const r of store.list()) for (const b of r.exports) bases.add(path.resolve(b));
  const models = path.join(workspaceFolder, 'models');
  if (fs.existsSync(models)) {
    for (const d of fs.readdirSync(models, { withFileTypes: true })) {
      if (d.isDirectory()) bases.add(path.join(models, d.name));
    }
  }
  return [...bases]
    .filter((b) => modelVersions(b).length > 0)
    .sort()
    .map((base) => {
      const versions = versionNodes(base, `model:${base}`);
      return {
        id: `model:${base}`,
        label: path.basename(base),
        description: `${versions.length} version${versions.length === 1 ? '' : 's'}`,
        tooltip: base,
        icon: 'library',
        resource: base,
        contextValue: 'model',
        children: versions,
      };
    });
}

/**
 * The Servers view: each running server with its URL and state.
 * @example
 *   serverNodes(servers.list())[0].description; // 'serving · http://127.0.0.1:8501/v1/models/digits'
 */
export function serverNodes(servers: readonly ServerInfo[]): Node[] {
  return servers.map((s) => ({
    id: `server:${s.id}`,
    label: s.name,
    description: `${s.state} · ${s.url}`,
    tooltip:
      `${s.base}\nREST ${s.restPort}, gRPC ${s.grpcPort}` +
      (s.via === 'deploy' ? `\nlocal deployment (pid ${s.pid ?? '?'}): keeps serving after the window closes` : ''),
    icon: s.state === 'serving' ? 'vm-running' : s.state === 'starting' ? 'loading~spin' : 'vm-outline',
    contextValue: 'server',
    command: { command: 'tfscale.sendTestRequest', title: 'Send Test Request', arguments: [s.id] },
  }));
}
