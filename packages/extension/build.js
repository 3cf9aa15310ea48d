// Bundles the extension with esbuild: the client (extension host), the language server (its own
// process) and the metrics webview (browser, uPlot inside). No decorator metadata is needed: the
// SDK injects by explicit tokens, and the SDK itself is never bundled (the workspace's is used).

const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const src = path.join(__dirname, 'src');
const dist = path.join(__dirname, 'dist');
// mainFields: jsonc-parser's UMD build requires its modules by computed names esbuild cannot follow.
const common = { bundle: true, sourcemap: true, logLevel: 'warning', mainFields: ['module', 'main'] };

async function main() {
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [path.join(src, 'client', 'extension.ts')],
      outfile: path.join(dist, 'extension.js'),
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode'],
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(src, 'server', 'server.ts')],
      outfile: path.join(dist, 'server.js'),
      platform: 'node',
      target: 'node20',
      format: 'cjs',
    }),
    esbuild.build({
      ...common,
      entryPoints: [path.join(src, 'webview', 'metrics.ts')],
      outfile: path.join(dist, 'webview', 'metrics.js'),
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
    }),
  ]);
  fs.copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), path.join(dist, 'webview', 'uPlot.min.css'));
  fs.copyFileSync(path.join(src, 'webview', 'metrics.css'), path.join(dist, 'webview', 'metrics.css'));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
