import * as vscode from 'vscode';
import type { Node } from './view-models';

/**
 * Shows {@link Node}s built by a function in a tree view; `refresh()` rebuilds them.
 * @example
 *   const runs = new NodeTreeProvider(() => runNodes(store));
 *   vscode.window.registerTreeDataProvider('tfscale.runs', runs);
 */
export class NodeTreeProvider implements vscode.TreeDataProvider<Node> {
  readonly #changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;

  constructor(private readonly build: () => Node[]) {}

  refresh(): void {
    this.#changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children
        ? node.children.length > 0
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.resource) item.resourceUri = vscode.Uri.file(node.resource);
    if (node.command) {
      const args =
        node.command.command === 'vscode.open'
          ? [vscode.Uri.file(String(node.command.arguments?.[0]))]
          : node.command.arguments;
      item.command = { ...node.command, arguments: args };
    }
    return item;
  }

  getChildren(node?: Node): Node[] {
    return node ? (node.children ?? []) : this.build();
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
