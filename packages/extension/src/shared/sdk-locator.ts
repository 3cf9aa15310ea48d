import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where a workspace's `@tfscale/sdk` install lives. The extension bundles no TensorFlow: it runs
 * the workspace's own CLI and (in the language server) loads the workspace's own SDK.
 * @example
 *   const sdk = locateSdk('/home/me/project'); // { root: '/home/me/project/node_modules/@tfscale/sdk', ... }
 */
export interface SdkLocation {
  /** The package folder. */
  root: string;
  /** `dist/cli/main.js`, run with Node. */
  cli: string;
  /** `dist/index.js`, the public API. */
  main: string;
  version: string;
}

/**
 * Finds `node_modules/@tfscale/sdk` from `folder` upwards, the way Node resolves packages;
 * `undefined` when it is not installed (or not built).
 * @example
 *   const sdk = locateSdk(workspaceFolder);
 *   if (!sdk) console.log(sdkMissingMessage(workspaceFolder));
 */
export function locateSdk(folder: string): SdkLocation | undefined {
  let dir = path.resolve(folder);
  for (;;) {
    const root = path.join(dir, 'node_modules', '@tfscale', 'sdk');
    const pkgFile = path.join(root, 'package.json');
    if (fs.existsSync(pkgFile)) {
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version?: string };
      const cli = path.join(root, 'dist', 'cli', 'main.js');
      const main = path.join(root, 'dist', 'index.js');
      if (fs.existsSync(cli)) return { root: fs.realpathSync(root), cli, main, version: pkg.version ?? '?' };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * What to tell the user when the workspace has no SDK.
 * @example
 *   vscode.window.showErrorMessage(sdkMissingMessage(folder));
 */
export function sdkMissingMessage(folder: string): string {
  return (
    `tfscale: @tfscale/sdk is not installed in ${folder} (or any folder above it). ` +
    'The extension uses the workspace’s own install and bundles no TensorFlow: run `npm i @tfscale/sdk` there.'
  );
}
